// The shapes of the portfolio and the suggestions as the server answers them
// (`GET .../portfolio`, `GET .../suggestions`): the types generated from protocol/openapi.json.
import type { Organisation, PortfolioAnswer, StaffReference2 } from '../protocol/api';

export type {
  AgeGroupSuggestions,
  AssetMatch,
  CellSuggestions,
  LevelCounts,
  LevelCountsAt,
  MatrixCell,
  MetricsAt,
  OverdueEvaluation,
  PartnerAssets,
  PartnershipReference,
  Said,
  SuggestedOrganisation,
  SuggestionsView,
  UnlinkedPartnership,
} from '../protocol/api';

export type PortfolioView = PortfolioAnswer;

/** A colleague as a suggestion names them. */
export type StaffReference = StaffReference2;

/** What the portfolio page needs of an organisation of the network database. */
export type OrganisationFacts = Pick<Organisation, 'name'> & Partial<Pick<Organisation, 'seeks'>>;
