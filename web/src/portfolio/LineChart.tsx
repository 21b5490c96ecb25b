// A small line chart drawn as SVG: one or more series over the same steps, every point a
// button (a click or Enter shows what it counts), a text summary as the chart's accessible
// name and the figures as a table for those who would rather read. Hand-written: the
// portfolio draws two small charts, and no chart library is among the app's dependencies.
import { chartPoints, niceTop, type ChartBox } from './model';
import { t } from '../i18n';

export interface Series {
  readonly key: string;
  readonly label: string;
  /** A colour with at least 3:1 contrast on white (WCAG non-text contrast). */
  readonly colour: string;
  /** How the series' points are drawn, so they differ by more than colour. */
  readonly marker: 'circle' | 'square' | 'diamond';
  readonly values: readonly number[];
}

const BOX: ChartBox = { width: 640, height: 220, padding: 32 };

export function LineChart({
  title,
  summary,
  steps,
  series,
  pointLabel,
  onPoint,
  selected,
}: {
  title: string;
  summary: string;
  /** A label per step (a date), shown under the first and last step and in the table. */
  steps: readonly string[];
  series: readonly Series[];
  pointLabel: (series: Series, index: number) => string;
  onPoint: (series: Series, index: number) => void;
  selected?: { key: string; index: number } | null;
}) {
  const top = niceTop(Math.max(0, ...series.flatMap((one) => one.values)));
  const id = `chart-${title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <figure class="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>
        <strong>{title}</strong>
      </figcaption>
      <p class="chart-summary small" id={`${id}-summary`}>
        {summary}
      </p>
      <ul class="chart-legend small">
        {series.map((one) => (
          <li key={one.key}>
            <svg width="14" height="14" aria-hidden="true">
              <Marker kind={one.marker} x={7} y={7} colour={one.colour} />
            </svg>
            {one.label}
          </li>
        ))}
      </ul>
      <svg
        class="chart-drawing"
        viewBox={`0 0 ${BOX.width} ${BOX.height}`}
        role="group"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-summary`}
      >
        {[0, 0.5, 1].map((share) => {
          const y = BOX.height - BOX.padding - share * (BOX.height - 2 * BOX.padding);
          return (
            <g key={share} aria-hidden="true">
              <line x1={BOX.padding} x2={BOX.width - BOX.padding} y1={y} y2={y} class="chart-grid" />
              <text x={BOX.padding - 6} y={y + 4} text-anchor="end" class="chart-axis">
                {Math.round(share * top * 10) / 10}
              </text>
            </g>
          );
        })}
        {steps.length > 0 && (
          <g aria-hidden="true" class="chart-axis">
            <text x={BOX.padding} y={BOX.height - 8}>{steps[0]}</text>
            <text x={BOX.width - BOX.padding} y={BOX.height - 8} text-anchor="end">{steps[steps.length - 1]}</text>
          </g>
        )}
        {series.map((one) => {
          const points = chartPoints(one.values, top, BOX);
          return (
            <g key={one.key} data-series={one.key}>
              <polyline
                aria-hidden="true"
                fill="none"
                stroke={one.colour}
                stroke-width="2.5"
                points={points.map((point) => `${point.x},${point.y}`).join(' ')}
              />
              {points.map((point, index) => {
                const isSelected = selected?.key === one.key && selected.index === index;
                return (
                  <g
                    key={index}
                    class={`chart-point${isSelected ? ' chart-point-selected' : ''}`}
                    role="button"
                    tabindex={0}
                    aria-label={pointLabel(one, index)}
                    aria-pressed={isSelected}
                    data-index={index}
                    onClick={() => onPoint(one, index)}
                    onKeyDown={(event) => {
                      if (event.key === 'Enter' || event.key === ' ') {
                        event.preventDefault();
                        onPoint(one, index);
                      }
                    }}
                  >
                    <title>{pointLabel(one, index)}</title>
                    {/* A larger invisible target, so a point is easy to hit. */}
                    <circle cx={point.x} cy={point.y} r="10" fill="transparent" />
                    <Marker kind={one.marker} x={point.x} y={point.y} colour={one.colour} />
                  </g>
                );
              })}
            </g>
          );
        })}
      </svg>
      <details class="chart-table">
        <summary>{t('portfolio.showTable')}</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('portfolio.date')}</th>
              {series.map((one) => (
                <th key={one.key} scope="col">{one.label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {steps.map((step, index) => (
              <tr key={index}>
                <th scope="row">{step}</th>
                {series.map((one) => (
                  <td key={one.key}>{one.values[index]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

function Marker({ kind, x, y, colour }: { kind: Series['marker']; x: number; y: number; colour: string }) {
  if (kind === 'square') return <rect x={x - 5} y={y - 5} width="10" height="10" fill={colour} stroke="#fff" stroke-width="1.5" />;
  if (kind === 'diamond') {
    return <polygon points={`${x},${y - 7} ${x + 7},${y} ${x},${y + 7} ${x - 7},${y}`} fill={colour} stroke="#fff" stroke-width="1.5" />;
  }
  return <circle cx={x} cy={y} r="5.5" fill={colour} stroke="#fff" stroke-width="1.5" />;
}
