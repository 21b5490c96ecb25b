// The map's controls above the drawing: find a node by name (it is selected and the camera
// moves to it), the filters, "focus on neighbours" of the selected node, and what the node
// size shows (kind, degree, betweenness). Plain form controls, so all of it works from the
// keyboard and is read by screen readers.
import { useRef, useState } from 'preact/hooks';
import type { AgeGroup, Goal, Level, Room, Sector } from '../protocol/command';
import type { NetworkView } from '../store/views';
import { t } from '../i18n';
import { AGE_GROUPS, GOALS, LEVELS, ROOMS, SECTORS } from '../vocabulary';
import { isFilterEmpty, NO_FILTER, rememberedFilterChoices, searchNodes, type MapFilter } from './filters';
import { kindLabel } from './labels';
import type { SizeBy } from './metrics';

const SIZE_CHOICES: readonly SizeBy[] = ['kind', 'degree', 'betweenness'];

export interface MapControlsProps {
  view: NetworkView;
  filter: MapFilter;
  onFilter: (filter: MapFilter) => void;
  shownCount: number;
  focus: boolean;
  onFocus: (focus: boolean) => void;
  hasSelection: boolean;
  sizeBy: SizeBy;
  onSizeBy: (sizeBy: SizeBy) => void;
  onFind: (nodeId: string) => void;
}

export function MapControls(props: MapControlsProps) {
  const { view, filter, onFilter } = props;
  const choicesOf = useRef(rememberedFilterChoices()).current;
  const choices = choicesOf(view);
  const set = <K extends keyof MapFilter>(key: K, value: MapFilter[K]) => onFilter({ ...filter, [key]: value });
  return (
    <div class="map-controls" role="region" aria-label={t('map.controls')}>
      <NodeSearch view={view} onFind={props.onFind} />
      <details class="filters" open={!isFilterEmpty(filter)}>
        <summary>
          {t('filter.title')} <span class="muted">({t('filter.shown', { shown: props.shownCount, total: view.nodes.length })})</span>
        </summary>
        <div class="filter-grid">
          <label>
            {t('filter.sector')}
            <select name="filter-sector" value={filter.sector} onChange={(e) => set('sector', e.currentTarget.value as Sector | '')}>
              <option value="">{t('filter.any')}</option>
              {SECTORS.map((sector) => (
                <option key={sector} value={sector}>{t(`sector.${sector}`)}</option>
              ))}
            </select>
          </label>
          <label>
            {t('filter.level')}
            <select name="filter-level" value={filter.level} onChange={(e) => set('level', e.currentTarget.value as Level | '')}>
              <option value="">{t('filter.any')}</option>
              {LEVELS.map((level) => (
                <option key={level} value={level}>{t(`level.${level}`)}</option>
              ))}
            </select>
          </label>
          <label>
            {t('filter.room')}
            <select name="filter-room" value={filter.room} onChange={(e) => set('room', e.currentTarget.value as Room | '')}>
              <option value="">{t('filter.any')}</option>
              {ROOMS.map((room) => (
                <option key={room} value={room}>{t(`room.${room}`)}</option>
              ))}
            </select>
          </label>
          <label>
            {t('filter.goal')}
            <select name="filter-goal" value={filter.goal} onChange={(e) => set('goal', e.currentTarget.value as Goal | '')}>
              <option value="">{t('filter.any')}</option>
              {GOALS.map((goal) => (
                <option key={goal} value={goal}>{t(`goal.${goal}`)}</option>
              ))}
            </select>
          </label>
          <label>
            {t('filter.ageGroup')}
            <select name="filter-age-group" value={filter.ageGroup} onChange={(e) => set('ageGroup', e.currentTarget.value as AgeGroup | '')}>
              <option value="">{t('filter.any')}</option>
              {AGE_GROUPS.map((group) => (
                <option key={group} value={group}>{t(`ageGroup.${group}`)}</option>
              ))}
            </select>
          </label>
          <label>
            {t('filter.staff')}
            <select name="filter-staff" value={filter.staff} onChange={(e) => set('staff', e.currentTarget.value)}>
              <option value="">{t('filter.any')}</option>
              {choices.staff.map((staff) => (
                <option key={staff.id} value={staff.id}>{staff.label}</option>
              ))}
            </select>
          </label>
          <label>
            {t('filter.topic')}
            <select name="filter-topic" value={filter.topic} onChange={(e) => set('topic', e.currentTarget.value)}>
              <option value="">{t('filter.any')}</option>
              {choices.topics.map((topic) => (
                <option key={topic} value={topic}>{topic}</option>
              ))}
            </select>
          </label>
        </div>
        <p class="muted small">{t('filter.noGoals')}</p>
        <button type="button" class="secondary" disabled={isFilterEmpty(filter)} onClick={() => onFilter(NO_FILTER)}>
          {t('filter.clear')}
        </button>
      </details>
      <label class="inline">
        <input
          type="checkbox"
          name="focus"
          checked={props.focus}
          disabled={!props.hasSelection}
          onChange={(e) => props.onFocus(e.currentTarget.checked)}
        />
        {t('focus.on')}
      </label>
      <label class="inline">
        {t('size.label')}
        <select name="size-by" value={props.sizeBy} onChange={(e) => props.onSizeBy(e.currentTarget.value as SizeBy)}>
          {SIZE_CHOICES.map((choice) => (
            <option key={choice} value={choice}>{t(`size.${choice}`)}</option>
          ))}
        </select>
      </label>
    </div>
  );
}

/** A search box with its results as buttons: choosing one selects the node and shows it. */
function NodeSearch({ view, onFind }: { view: NetworkView; onFind: (nodeId: string) => void }) {
  const [query, setQuery] = useState('');
  const found = searchNodes(view, query);
  const submit = (event: Event) => {
    event.preventDefault();
    const first = found[0];
    if (first) {
      onFind(first.id);
      setQuery('');
    }
  };
  return (
    <form class="node-search" role="search" onSubmit={submit}>
      <label class="inline">
        {t('search.label')}
        <input type="search" name="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} autocomplete="off" />
      </label>
      {query.trim() !== '' && (
        <div class="search-results">
          {found.length === 0 ? (
            <p class="muted" role="status">{t('search.none', { query: query.trim() })}</p>
          ) : (
            <ul aria-label={t('search.results')}>
              {found.map((node) => (
                <li key={node.id}>
                  <button
                    type="button"
                    class="link"
                    onClick={() => {
                      onFind(node.id);
                      setQuery('');
                    }}
                  >
                    {node.label}
                  </button>{' '}
                  <span class="muted">{kindLabel(node)}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </form>
  );
}
