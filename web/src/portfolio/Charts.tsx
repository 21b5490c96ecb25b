// The portfolio's charts over time: relations per level of the network circle after each
// move on it, and the network's size (nodes and links) at each metrics point. A point opens
// what it counts: for a level, the organisations at that level then (and the move that
// changed it); for the network's size, the figures of that moment and the way to the map.
import { useState } from 'preact/hooks';
import type { Level } from '../protocol/command';
import { t } from '../i18n';
import { LineChart, type Series } from './LineChart';
import { membersAt, moveDate } from './model';
import type { LevelCountsAt, MetricsAt } from './types';

const LEVEL_ORDER: readonly Level[] = ['network', 'collaboration', 'partnership'];
/** The map's level hues (map/colours.ts), darkened to 3:1 on white for thin lines. */
const CHART_LEVEL_COLOURS: Readonly<Record<Level, string>> = {
  network: '#5b7189',
  collaboration: '#9a6e00',
  partnership: '#b0175a',
};
const MARKERS = ['circle', 'square', 'diamond'] as const;

const levelName = (level: Level): string => t(`level.${level}`);
const lowerLevel = (level: Level | undefined): string => (level ? levelName(level).toLocaleLowerCase() : t('portfolio.none'));

export function Charts({
  levels,
  metrics,
  names,
  openMap,
}: {
  levels: readonly LevelCountsAt[];
  metrics: readonly MetricsAt[];
  names: (organisationId: string) => string;
  openMap: () => void;
}) {
  const [levelPoint, setLevelPoint] = useState<{ key: string; index: number } | null>(null);
  const [metricsPoint, setMetricsPoint] = useState<{ key: string; index: number } | null>(null);

  const levelSteps = levels.map(moveDate);
  const levelSeries: Series[] = LEVEL_ORDER.map((level, index) => ({
    key: level,
    label: levelName(level),
    colour: CHART_LEVEL_COLOURS[level],
    marker: MARKERS[index] ?? 'circle',
    values: levels.map((move) => move.counts[level]),
  }));
  const metricsSteps = metrics.map((point) => point.recorded_at.slice(0, 10));
  const metricsSeries: Series[] = [
    { key: 'nodes', label: t('portfolio.nodes'), colour: '#1d2b3a', marker: 'circle', values: metrics.map((point) => point.node_count) },
    { key: 'edges', label: t('portfolio.edges'), colour: '#6b5b95', marker: 'square', values: metrics.map((point) => point.edge_count) },
  ];
  const lastLevels = levels[levels.length - 1];
  const lastMetrics = metrics[metrics.length - 1];

  return (
    <section aria-labelledby="charts-title" class="portfolio-section">
      <h2 id="charts-title">{t('portfolio.charts')}</h2>
      <div class="portfolio-charts">
        <div>
          {lastLevels ? (
            <LineChart
              title={t('portfolio.levelChart')}
              summary={t('portfolio.levelChartSummary', {
                count: levels.length,
                from: levelSteps[0] ?? '',
                to: levelSteps[levelSteps.length - 1] ?? '',
                ...lastLevels.counts,
              })}
              steps={levelSteps}
              series={levelSeries}
              pointLabel={(series, index) =>
                t('portfolio.levelPoint', { level: series.label, count: series.values[index] ?? 0, date: levelSteps[index] ?? '' })
              }
              onPoint={(series, index) => setLevelPoint({ key: series.key, index })}
              selected={levelPoint}
            />
          ) : (
            <p>{t('portfolio.noMoves')}</p>
          )}
          {levelPoint && levels[levelPoint.index] && (
            <LevelMembers
              levels={levels}
              level={levelPoint.key as Level}
              index={levelPoint.index}
              names={names}
              onClose={() => setLevelPoint(null)}
            />
          )}
        </div>
        <div>
          {lastMetrics ? (
            <LineChart
              title={t('portfolio.metricsChart')}
              summary={t('portfolio.metricsChartSummary', {
                count: metrics.length,
                from: metricsSteps[0] ?? '',
                to: metricsSteps[metricsSteps.length - 1] ?? '',
                nodes: lastMetrics.node_count,
                edges: lastMetrics.edge_count,
              })}
              steps={metricsSteps}
              series={metricsSeries}
              pointLabel={(series, index) =>
                t('portfolio.metricsPoint', { series: series.label, count: series.values[index] ?? 0, date: metricsSteps[index] ?? '' })
              }
              onPoint={(series, index) => setMetricsPoint({ key: series.key, index })}
              selected={metricsPoint}
            />
          ) : (
            <p>{t('portfolio.noMetrics')}</p>
          )}
          {metricsPoint && metrics[metricsPoint.index] && (
            <MetricsFigures
              point={metrics[metricsPoint.index]!}
              openMap={openMap}
              onClose={() => setMetricsPoint(null)}
            />
          )}
        </div>
      </div>
    </section>
  );
}

function LevelMembers({
  levels,
  level,
  index,
  names,
  onClose,
}: {
  levels: readonly LevelCountsAt[];
  level: Level;
  index: number;
  names: (organisationId: string) => string;
  onClose: () => void;
}) {
  const move = levels[index];
  if (!move) return null;
  const members = membersAt(levels, index)[level].map(names).sort((first, second) => first.localeCompare(second));
  return (
    <div class="chart-detail" role="region" aria-live="polite" aria-label={levelName(level)}>
      <div class="chart-detail-head">
        <h3>{t('portfolio.levelMembers', { level: levelName(level), date: moveDate(move), count: members.length })}</h3>
        <button type="button" class="secondary" onClick={onClose}>{t('portfolio.close')}</button>
      </div>
      {members.length === 0 ? <p>{t('portfolio.nobody')}</p> : (
        <ul class="level-members">{members.map((name) => <li key={name}>{name}</li>)}</ul>
      )}
      <p class="small muted">
        {t('portfolio.levelMove', { organisation: names(move.organisation_id), from: lowerLevel(move.from ?? undefined), to: lowerLevel(move.to ?? undefined) })}
      </p>
    </div>
  );
}

function MetricsFigures({ point, openMap, onClose }: { point: MetricsAt; openMap: () => void; onClose: () => void }) {
  return (
    <div class="chart-detail" role="region" aria-live="polite" aria-label={t('portfolio.metricsChart')}>
      <div class="chart-detail-head">
        <h3>{t('portfolio.metricsAt', { date: point.recorded_at.slice(0, 10) })}</h3>
        <button type="button" class="secondary" onClick={onClose}>{t('portfolio.close')}</button>
      </div>
      <dl class="figures">
        <div><dt>{t('portfolio.nodes')}</dt><dd>{point.node_count}</dd></div>
        <div><dt>{t('portfolio.edges')}</dt><dd>{point.edge_count}</dd></div>
        <div><dt>{t('portfolio.density')}</dt><dd>{point.density.toFixed(2)}</dd></div>
        {LEVEL_ORDER.map((level) => (
          <div key={level}><dt>{levelName(level)}</dt><dd>{point.counts_per_level[level]}</dd></div>
        ))}
      </dl>
      <button type="button" onClick={openMap}>{t('portfolio.openMap')}</button>
    </div>
  );
}
