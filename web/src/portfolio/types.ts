// The shapes of the portfolio and the suggestions as the server answers them
// (`GET .../portfolio`, `GET .../suggestions`; src/projection/portfolio.rs and suggestions.rs).
import type { AgeGroup, AssetCategory, Goal, Level, Phase, Room, Sector } from '../protocol/command';

export interface PartnershipReference {
  readonly partnership_id: string;
  readonly title: string;
  /** The sectors of its partners (absent from servers before the grid could be crossed). */
  readonly sectors?: readonly Sector[];
  /** The age groups it serves. */
  readonly age_groups?: readonly AgeGroup[];
}

export interface MatrixCell {
  readonly room: Room;
  readonly goal: Goal;
  readonly partnerships: readonly PartnershipReference[];
}

export interface LevelCounts {
  readonly network: number;
  readonly collaboration: number;
  readonly partnership: number;
}

/** The relations per level right after one move on the network circle. */
export interface LevelCountsAt {
  readonly position: number;
  readonly recorded_at: string;
  readonly occurred_on?: string;
  readonly organisation_id: string;
  readonly from?: Level;
  readonly to?: Level;
  readonly counts: LevelCounts;
}

/** The network's size at one metrics point. */
export interface MetricsAt {
  readonly position: number;
  readonly recorded_at: string;
  readonly node_count: number;
  readonly edge_count: number;
  readonly density: number;
  readonly counts_per_level: LevelCounts;
}

export interface UnlinkedPartnership {
  readonly partnership_id: string;
  readonly title: string;
  readonly phase: Phase;
}

export interface OverdueEvaluation {
  readonly partnership_id: string;
  readonly title: string;
  readonly phase: Phase;
  readonly due_on?: string;
  readonly days_overdue?: number;
  readonly never_evaluated: boolean;
}

export interface PortfolioView {
  readonly matrix: readonly MatrixCell[];
  readonly unlinked: readonly UnlinkedPartnership[];
  readonly overdue_evaluations: readonly OverdueEvaluation[];
  readonly level_counts_over_time: readonly LevelCountsAt[];
  /** Absent from servers before the portfolio served metrics over time. */
  readonly metrics_over_time?: readonly MetricsAt[];
}

/** A text the server wrote in both languages. */
export interface Said {
  readonly da: string;
  readonly en: string;
}

export interface StaffReference {
  readonly staff_id: string;
  readonly name: string;
}

export interface SuggestedOrganisation {
  readonly organisation_id: string;
  readonly name: string;
  readonly sector: Sector;
  readonly level?: Level;
  readonly known_by: readonly StaffReference[];
  readonly explanation: Said;
}

export interface CellSuggestions {
  readonly room: Room;
  readonly goal: Goal;
  readonly organisations: readonly SuggestedOrganisation[];
}

export interface AgeGroupSuggestions {
  readonly age_group: AgeGroup;
  readonly active_partnerships: number;
  readonly organisations: readonly SuggestedOrganisation[];
}

export interface AssetMatch {
  readonly asset_id: string;
  readonly title: string;
  readonly category: AssetCategory;
  readonly contact?: StaffReference;
  readonly meets: readonly string[];
  readonly explanation: Said;
}

export interface PartnerAssets {
  readonly organisation_id: string;
  readonly name: string;
  readonly seeks: readonly string[];
  readonly assets: readonly AssetMatch[];
}

export interface SuggestionsView {
  readonly cells: readonly CellSuggestions[];
  readonly age_groups: readonly AgeGroupSuggestions[];
  readonly partners: readonly PartnerAssets[];
}

/** What the portfolio page needs of an organisation of the network database. */
export interface OrganisationFacts {
  readonly name: string;
  readonly seeks?: readonly string[];
}
