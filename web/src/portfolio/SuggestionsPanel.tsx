// The suggestions: for each empty cell of the library model and each thin age group, the
// organisations already in the network that fit, with who at the library knows them and why
// (the server's words, in the UI's language); for each partner that seeks something, the
// assets that meet it; and what a partner seeks, recorded (SeeksEditor, also on the map).
import { useState } from 'preact/hooks';
import { t } from '../i18n';
import type { Role } from '../store/views';
import type { WorkspaceStore } from '../store/workspace';
import type { OrganisationFacts, SuggestedOrganisation, SuggestionsView } from './types';
import { SeeksEditor } from './SeeksEditor';
import { ageGroupName, goalName, roomName, said, sectorName } from './words';

const WRITERS: ReadonlySet<Role> = new Set(['owner', 'editor']);

export function SuggestionsPanel({
  suggestions,
  organisations,
  store,
  roles,
}: {
  suggestions: SuggestionsView;
  organisations: Readonly<Record<string, OrganisationFacts>>;
  store: WorkspaceStore;
  roles: Role;
}) {
  return (
    <section aria-labelledby="suggestions-title" class="portfolio-section suggestions">
      <h2 id="suggestions-title">{t('suggestions.title')}</h2>
      <p class="muted">{t('suggestions.intro')}</p>
      <div class="portfolio-columns">
        <div>
          <h3>{t('suggestions.cells')}</h3>
          <ul class="suggestion-groups">
            {suggestions.cells.map((cell) => (
              <li key={`${cell.room}-${cell.goal}`} data-room={cell.room} data-goal={cell.goal} class="suggestion-cell">
                {/* Closed by default: the names say enough to choose which cell to open. */}
                <details>
                  <summary>
                    <strong>{t('suggestions.cell', { room: roomName(cell.room), goal: goalName(cell.goal) })}</strong>
                    <span class="small muted">
                      {' – '}
                      {cell.organisations.length === 0
                        ? t('suggestions.nobody')
                        : cell.organisations.map((organisation) => organisation.name).join(', ')}
                    </span>
                  </summary>
                  <Organisations organisations={cell.organisations} />
                </details>
              </li>
            ))}
          </ul>
        </div>
        <div>
          <h3>{t('suggestions.ageGroups')}</h3>
          <ul class="suggestion-groups">
            {suggestions.age_groups.map((group) => (
              <li key={group.age_group} data-age-group={group.age_group}>
                <h4>
                  {group.active_partnerships === 1
                    ? t('suggestions.ageGroupOne', { ageGroup: ageGroupName(group.age_group) })
                    : t('suggestions.ageGroup', { ageGroup: ageGroupName(group.age_group), count: group.active_partnerships })}
                </h4>
                <Organisations organisations={group.organisations} />
              </li>
            ))}
          </ul>
          <h3>{t('suggestions.partners')}</h3>
          {suggestions.partners.length === 0 ? <p>{t('suggestions.noPartners')}</p> : (
            <ul class="suggestion-groups">
              {suggestions.partners.map((partner) => (
                <li key={partner.organisation_id} data-partner={partner.organisation_id}>
                  <h4>{partner.name}</h4>
                  <p class="small">{t('suggestions.seeks', { what: partner.seeks.join(', ') })}</p>
                  {partner.assets.length === 0 ? <p class="small muted">{t('suggestions.noAssetMatch')}</p> : (
                    <ul class="suggested">
                      {partner.assets.map((asset) => <li key={asset.asset_id}>{said(asset.explanation)}</li>)}
                    </ul>
                  )}
                </li>
              ))}
            </ul>
          )}
          {WRITERS.has(roles) && <RecordSeeks organisations={organisations} store={store} />}
        </div>
      </div>
    </section>
  );
}

function Organisations({ organisations }: { organisations: readonly SuggestedOrganisation[] }) {
  if (organisations.length === 0) return <p class="small muted">{t('suggestions.nobodyFits')}</p>;
  return (
    <ul class="suggested">
      {organisations.map((organisation) => (
        <li key={organisation.organisation_id} class="suggested-organisation">
          <strong>{organisation.name}</strong>{' '}
          <span class="chip-small">{sectorName(organisation.sector)}</span>
          {organisation.level && <span class="chip-small">{t(`level.${organisation.level}`)}</span>}
          <br />
          <span class="explanation">{said(organisation.explanation)}</span>
        </li>
      ))}
    </ul>
  );
}

function RecordSeeks({ organisations, store }: { organisations: Readonly<Record<string, OrganisationFacts>>; store: WorkspaceStore }) {
  const [organisationId, setOrganisationId] = useState('');
  const sorted = Object.entries(organisations).sort(([, first], [, second]) => first.name.localeCompare(second.name));
  const chosen = organisations[organisationId];
  return (
    <div class="record-seeks">
      <h3>{t('suggestions.recordSeeks')}</h3>
      <label>
        {t('suggestions.organisation')}
        <select value={organisationId} onChange={(event) => setOrganisationId(event.currentTarget.value)}>
          <option value="">{t('suggestions.chooseOrganisation')}</option>
          {sorted.map(([id, organisation]) => (
            <option key={id} value={id}>{organisation.name}</option>
          ))}
        </select>
      </label>
      <SeeksEditor
        key={organisationId}
        organisation={chosen ? { id: organisationId, name: chosen.name } : null}
        seeks={chosen?.seeks ?? []}
        store={store}
      />
    </div>
  );
}
