// `/w/<workspace>/portfolio`: the overall partnership work. The library model's 4 rooms × 4
// goals with the active partnerships in each cell (each a link to its partnership file),
// crossed by sector and age group; the gaps in words; partnerships linked to no goal; late and
// never held evaluations; the network circle's levels and the network's size over time as
// charts (a point opens what it counts); and the suggestions. The views are read over HTTP
// and read again whenever the workspace's log moves (the store follows it live).
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { AgeGroup, Sector } from '../protocol/command';
import type { ErrorBody } from '../protocol/error';
import { errorSentence, t } from '../i18n';
import { api, ApiFailure } from '../store/http';
import type { WorkspaceStore } from '../store/workspace';
import { navigate } from '../ui/router';
import { Charts } from './Charts';
import { crossGrid, gapsOf, NO_GRID_FILTER, cellOf, type GridFilter } from './model';
import { AGE_GROUPS, GOALS, ROOMS, SECTORS } from '../vocabulary';
import { SuggestionsPanel } from './SuggestionsPanel';
import type { OrganisationFacts, PortfolioView, SuggestionsView } from './types';
import {
  ageGroupName, filterWords, gapSentences, goalName, overdueSentence, roomName, sectorName, unlinkedSentence,
} from './words';
import './portfolio.css';

interface Loaded {
  readonly portfolio: PortfolioView;
  readonly suggestions: SuggestionsView;
  readonly organisations: Readonly<Record<string, OrganisationFacts>>;
}

export function PortfolioPage({ store, token }: { store: WorkspaceStore; token: string }) {
  const summary = store.summary.value;
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [filter, setFilter] = useState<GridFilter>(NO_GRID_FILTER);
  const position = store.position.value;
  const workspaceId = summary?.workspace_id ?? null;

  useEffect(() => {
    if (workspaceId === null) return;
    let current = true;
    const base = `/api/workspaces/${encodeURIComponent(workspaceId)}`;
    Promise.all([
      api<PortfolioView>(`${base}/portfolio`, { token }),
      api<SuggestionsView>(`${base}/suggestions`, { token }),
      api<Record<string, OrganisationFacts>>(`${base}/organisations`, { token }),
    ])
      .then(([portfolio, suggestions, organisations]) => {
        if (!current) return;
        setLoaded({ portfolio, suggestions, organisations });
        setError(null);
      })
      .catch((failure: unknown) => {
        if (current) setError(failure instanceof ApiFailure ? failure.body : { code: 'unknown', message: '' });
      });
    return () => {
      current = false;
    };
  }, [workspaceId, position, token]);

  const matrix = useMemo(() => (loaded ? crossGrid(loaded.portfolio.matrix, filter) : []), [loaded, filter]);
  const gaps = useMemo(() => gapSentences(gapsOf(matrix)), [matrix]);
  const address = store.slugOrId;
  const problem = error ?? store.error.value;

  if (!loaded) {
    return (
      <main id="main" class="portfolio-page">
        {problem ? <p class="form-error" role="alert">{errorSentence(problem)}</p> : <p>{t('portfolio.loading')}</p>}
      </main>
    );
  }
  const { portfolio, suggestions, organisations } = loaded;
  const crossed = filterWords(filter);
  const go = (path: string) => (event: Event) => {
    event.preventDefault();
    navigate(path);
  };

  return (
    <main id="main" class="portfolio-page">
      <h1>{t('portfolio.title')}</h1>
      <p class="muted">{t('portfolio.intro')}</p>
      {problem && <p class="form-error" role="alert">{errorSentence(problem)}</p>}

      <section aria-labelledby="grid-title" class="portfolio-section">
        <h2 id="grid-title">{t('portfolio.grid')}</h2>
        <div class="grid-filters">
          <label>
            {t('portfolio.filterSector')}
            <select
              value={filter.sector}
              onChange={(event) => setFilter({ ...filter, sector: event.currentTarget.value as Sector | '' })}
            >
              <option value="">{t('portfolio.filterEvery')}</option>
              {SECTORS.map((sector) => (
                <option key={sector} value={sector}>{sectorName(sector)}</option>
              ))}
            </select>
          </label>
          <label>
            {t('portfolio.filterAgeGroup')}
            <select
              value={filter.ageGroup}
              onChange={(event) => setFilter({ ...filter, ageGroup: event.currentTarget.value as AgeGroup | '' })}
            >
              <option value="">{t('portfolio.filterEvery')}</option>
              {AGE_GROUPS.map((ageGroup) => (
                <option key={ageGroup} value={ageGroup}>{ageGroupName(ageGroup)}</option>
              ))}
            </select>
          </label>
        </div>
        <div class="grid-scroll">
          <table class="library-model">
            <caption>{crossed ? t('portfolio.gridCrossed', { filter: crossed }) : t('portfolio.gridCaption')}</caption>
            <thead>
              <tr>
                <td>{t('portfolio.roomGoal')}</td>
                {GOALS.map((goal) => (
                  <th key={goal} scope="col">{goalName(goal)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {ROOMS.map((room) => (
                <tr key={room}>
                  <th scope="row">{roomName(room)}</th>
                  {GOALS.map((goal) => {
                    const partnerships = cellOf(matrix, room, goal)?.partnerships ?? [];
                    return (
                      <td key={goal} data-room={room} data-goal={goal} class={partnerships.length === 0 ? 'cell-gap' : 'cell-served'}>
                        {partnerships.length === 0 ? (
                          <span class="gap-mark">{t('portfolio.emptyCell')}</span>
                        ) : (
                          <ul>
                            {partnerships.map((partnership) => {
                              const path = `/w/${address}/partnerships/${partnership.partnership_id}`;
                              return (
                                <li key={partnership.partnership_id}>
                                  <a href={path} onClick={go(path)}>{partnership.title}</a>
                                </li>
                              );
                            })}
                          </ul>
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <div class="portfolio-columns">
        <section aria-labelledby="gaps-title" class="portfolio-section gaps">
          <h2 id="gaps-title">{t('portfolio.gaps')}</h2>
          {gaps.length === 0 ? <p>{t('portfolio.noGaps')}</p> : (
            <ul>{gaps.map((gap) => <li key={gap}>{gap}</li>)}</ul>
          )}
        </section>
        <section aria-labelledby="unlinked-title" class="portfolio-section">
          <h2 id="unlinked-title">{t('portfolio.unlinked')}</h2>
          {portfolio.unlinked.length === 0 ? <p>{t('portfolio.noUnlinked')}</p> : (
            <ul>{portfolio.unlinked.map((item) => <li key={item.partnership_id}>{unlinkedSentence(item)}</li>)}</ul>
          )}
          <h2 id="overdue-title">{t('portfolio.overdue')}</h2>
          {portfolio.overdue_evaluations.length === 0 ? <p>{t('portfolio.noOverdue')}</p> : (
            <ul class="overdue">
              {portfolio.overdue_evaluations.map((item) => <li key={item.partnership_id}>{overdueSentence(item)}</li>)}
            </ul>
          )}
        </section>
      </div>

      <Charts
        levels={portfolio.level_counts_over_time}
        metrics={portfolio.metrics_over_time ?? []}
        names={(id) => organisations[id]?.name ?? id}
        openMap={() => navigate(`/w/${address}`)}
      />

      <SuggestionsPanel
        suggestions={suggestions}
        organisations={organisations}
        store={store}
        roles={summary?.role ?? 'viewer'}
      />
    </main>
  );
}
