// One moment of the workspace, for the audit: the library model's grid (partnerships per
// room and goal), the gaps and the figures. The map is drawn beside it by AuditMap.
import { t, type MessageKey } from '../i18n';
import { GOALS, ROOMS, gridTable, type AsOfReport, type Figures, type Gap } from './model';

export const roomWord = (room: string): string => t(`room.${room}` as MessageKey);
export const goalWord = (goal: string): string => t(`audit.goal.${goal}` as MessageKey);

/** The library model's grid, a row per room and a column per goal; `cell` fills each. */
export function Grid({
  cell,
  testId,
}: {
  cell: (row: number, column: number) => { text: string | number; class: string };
  testId?: string;
}) {
  return (
    <table class="audit-grid" data-testid={testId}>
      <caption>{t('audit.grid')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('audit.room')}</th>
          {GOALS.map((goal) => (
            <th scope="col" key={goal}>
              {/* a line may break after the slash of "Erkendelse/erfaring" */}
              {goalWord(goal).replace('/', '/\u200B')}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {ROOMS.map((room, row) => (
          <tr key={room}>
            <th scope="row">{roomWord(room)}</th>
            {GOALS.map((goal, column) => {
              const shown = cell(row, column);
              return (
                <td key={goal} class={shown.class}>
                  {shown.text}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Partnerships per cell at one moment; empty cells marked. */
export function GridTable({ report }: { report: AsOfReport }) {
  const table = gridTable(report.portfolio.matrix);
  return (
    <Grid
      testId="audit-grid"
      cell={(row, column) => {
        const count = table[row]?.[column] ?? 0;
        return { text: count, class: count === 0 ? 'empty' : '' };
      }}
    />
  );
}

/** A gap in words of the UI's language, from where it is (the server's message otherwise). */
export function gapWords(gap: Gap): string {
  const area = gap.area;
  switch (area.kind) {
    case 'room':
      return t('audit.gap.room', { room: roomWord(area.room ?? '') });
    case 'goal':
      return t('audit.gap.goal', { goal: goalWord(area.goal ?? '') });
    case 'age_group':
      return t('audit.gap.ageGroup', { ageGroup: t(`ageGroup.${area.age_group ?? ''}` as MessageKey) });
    case 'cell':
      return t('audit.gap.cell', { room: roomWord(area.room ?? ''), goal: goalWord(area.goal ?? '') });
    default:
      return gap.message;
  }
}

export function GapList({ gaps }: { gaps: readonly Gap[] }) {
  if (gaps.length === 0) return <p>{t('audit.noGaps')}</p>;
  return (
    <ul class="audit-gaps">
      {gaps.map((gap) => (
        <li key={gap.message}>{gapWords(gap)}</li>
      ))}
    </ul>
  );
}

/** The figures' rows: a label and the value in words. */
export function figureRows(figures: Figures): [string, string][] {
  return [
    [t('audit.organisations'), String(figures.organisations)],
    [t('level.network'), String(figures.counts_per_level.network)],
    [t('level.collaboration'), String(figures.counts_per_level.collaboration)],
    [t('level.partnership'), String(figures.counts_per_level.partnership)],
    [t('audit.activePartnerships'), String(figures.active_partnerships)],
    [t('audit.endedPartnerships'), String(figures.ended_partnerships)],
    [t('audit.gaps'), String(figures.gaps)],
    [t('audit.overdue'), String(figures.overdue_evaluations)],
    [t('audit.unlinked'), String(figures.unlinked)],
    [t('audit.nodes'), String(figures.node_count)],
    [t('audit.edges'), String(figures.edge_count)],
    [t('audit.density'), figures.density.toFixed(3)],
  ];
}

export function FigureList({ figures }: { figures: Figures }) {
  return (
    <dl class="audit-figures" data-testid="audit-figures">
      {figureRows(figures).map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
