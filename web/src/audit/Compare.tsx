// Compare mode: two days side by side, as the server's comparison gives them: what appeared,
// moved on the network circle or ended, the grid cell by cell before and after, the gaps
// opened and closed, and the figures before and after.
import { useState } from 'preact/hooks';
import { errorSentence, t } from '../i18n';
import { ApiFailure } from '../store/http';
import { DayField } from './DayField';
import { loadAsOf } from './fetchers';
import { endOfDay, endings, gridChangeTable, levelMoves, type Comparison } from './model';
import { figureRows, GapList, Grid } from './MomentView';

export function Compare({
  workspaceId,
  token,
  firstDay,
  lastDay,
  formatDay,
}: {
  workspaceId: string;
  token: string;
  firstDay: string;
  lastDay: string;
  formatDay: (day: string) => string;
}) {
  // Null while its field holds no day of the history (the field says why).
  const [from, setFrom] = useState<string | null>(firstDay);
  const [to, setTo] = useState<string | null>(lastDay);
  const [result, setResult] = useState<{ from: string; to: string; changes: Comparison } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const compare = async (event: Event) => {
    event.preventDefault();
    if (from === null || to === null) return;
    setBusy(true);
    setError(null);
    try {
      const report = await loadAsOf(workspaceId, token, endOfDay(to), endOfDay(from));
      if (report.changes_since) setResult({ from, to, changes: report.changes_since });
    } catch (failure) {
      setError(errorSentence(failure instanceof ApiFailure ? failure.body : null));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="audit-section audit-compare" aria-labelledby="audit-compare-title">
      <h2 id="audit-compare-title">{t('audit.compare')}</h2>
      <form class="audit-compare-form no-print" onSubmit={(event) => void compare(event)}>
        <DayField name="from" label={t('audit.from')} value={from} first={firstDay} last={lastDay} formatDay={formatDay} onDay={setFrom} />
        <DayField name="to" label={t('audit.to')} value={to} first={firstDay} last={lastDay} formatDay={formatDay} onDay={setTo} />
        <button type="submit" disabled={busy}>
          {t('audit.compareSubmit')}
        </button>
      </form>
      {error && <p role="alert" class="error">{error}</p>}
      {result && <Changes {...result} formatDay={formatDay} />}
    </section>
  );
}

function Changes({ from, to, changes, formatDay }: { from: string; to: string; changes: Comparison; formatDay: (day: string) => string }) {
  const ended = endings(changes);
  const moved = levelMoves(changes);
  const grid = gridChangeTable(changes.grid);
  const before = figureRows(changes.figures.before);
  const after = figureRows(changes.figures.after);
  const level = (value: string | null) => (value ? t(`level.${value}` as 'level.network') : t('level.none'));
  const appeared = [
    ...changes.organisations_appeared.map((named) => t('audit.newOrganisation', { name: named.name })),
    ...changes.partnerships_appeared.map((named) => t('audit.newPartnership', { name: named.name })),
  ];
  const endedLines = [
    ...ended.relations.map((named) => t('audit.relationEnded', { name: named.name })),
    ...ended.partnerships.map(([named, reason]) => t('audit.partnershipEnded', { name: named.name, reason })),
  ];
  return (
    <div class="audit-changes" data-testid="audit-changes">
      <p class="audit-period">{t('audit.comparing', { from: formatDay(from), to: formatDay(to) })}</p>
      <div class="audit-columns">
        <Lines title={t('audit.appeared')} lines={appeared} />
        <Lines
          title={t('audit.moved')}
          lines={moved.map((move) => t('audit.moveLine', { name: move.organisation.name, from: level(move.from ?? null), to: level(move.to ?? null) }))}
        />
        <Lines title={t('audit.ended')} lines={endedLines} />
      </div>
      <Grid
        cell={(row, column) => {
          const cell = grid[row]?.[column] ?? { before: 0, after: 0 };
          const changed = cell.before !== cell.after;
          return { text: changed ? `${cell.before} → ${cell.after}` : cell.after, class: changed ? 'changed' : cell.after === 0 ? 'empty' : '' };
        }}
      />
      <div class="audit-columns">
        <div>
          <h3>{t('audit.gapsOpened')}</h3>
          <GapList gaps={changes.gaps_opened} />
        </div>
        <div>
          <h3>{t('audit.gapsClosed')}</h3>
          <GapList gaps={changes.gaps_closed} />
        </div>
      </div>
      <table class="audit-figure-table">
        <caption>{t('audit.metrics')}</caption>
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col">{t('audit.before')}</th>
            <th scope="col">{t('audit.after')}</th>
          </tr>
        </thead>
        <tbody>
          {before.map(([label, value], index) => {
            const later = after[index]?.[1] ?? '';
            return (
              <tr key={label} class={later !== value ? 'changed' : ''}>
                <th scope="row">{label}</th>
                <td>{value}</td>
                <td>{later}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Lines({ title, lines }: { title: string; lines: string[] }) {
  return (
    <div>
      <h3>{title}</h3>
      {lines.length === 0 ? (
        <p>{t('audit.nothing')}</p>
      ) : (
        <ul>
          {lines.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
