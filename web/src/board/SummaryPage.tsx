// `/w/<workspace>/boards/<board>/summary`: after the workshop, the notes per zone, the vote's
// result (once it has closed) and what was made data; it prints on paper without the app's
// controls, and downloads as CSV (in the UI language), so nothing is retyped.
import { t } from '../i18n';
import type { Promotion } from '../protocol/domain-event';
import { navigate } from '../ui/router';
import { boardPath } from './guest';
import { notesByZone, summaryRows, type BoardView } from './model';
import type { BoardStore } from './store';
import { hiddenText, votesText, zoneName } from './words';
import { zoneGrid } from './zones';
import './board.css';

function promotionText(promotion: Promotion | null | undefined): string {
  if (!promotion) return '';
  return promotion.kind === 'organisation' ? t('board.promotedOrganisation') : t('board.promotedPartnership');
}

function rowsOf(view: BoardView, order: readonly string[]): string[][] {
  const names = view.display_names ?? {};
  return summaryRows(view, order, {
    header: [t('summary.zone'), t('summary.note'), t('summary.author'), t('summary.votes'), t('summary.promotedTo')],
    zoneName,
    authorName: (author) => (author ? (names[author] ?? author) : t('summary.hidden')),
    promotion: promotionText,
  });
}

export function SummaryPage({ store }: { store: BoardStore }) {
  const view = store.view.value;
  if (!view) return <main id="main" class="summary"><p>{t('board.loading')}</p></main>;
  const grid = zoneGrid(view.template, view.notes.map((note) => note.zone));
  const order = grid.slots.map((slot) => slot.key);
  const byZone = notesByZone(view);
  const names = view.display_names ?? {};
  const tallied = view.notes.some((note) => note.votes != null);
  const ranked = [...view.notes].filter((note) => (note.votes ?? 0) > 0).sort((a, b) => (b.votes ?? 0) - (a.votes ?? 0));
  const promoted = view.notes.filter((note) => note.promoted_to);

  const downloadCsv = async () => {
    const { csv, download } = await import('../map/export');
    download(`${view.title}.csv`, csv(rowsOf(view, order)), 'text/csv;charset=utf-8');
  };

  return (
    <main id="main" class="summary">
      <p class="no-print">
        <a
          href={boardPath(store.workspaceId, view.board_id)}
          onClick={(event) => { event.preventDefault(); navigate(boardPath(store.workspaceId, view.board_id)); }}
        >
          {t('summary.back')}
        </a>
      </p>
      <h1>{t('summary.title', { title: view.title })}</h1>
      <p class="muted">{t(`template.${view.template}`)} · {t('board.phase', { phase: t(`phase.${view.phase}`) })}</p>
      <p class="no-print summary-actions">
        <button type="button" onClick={() => window.print()}>{t('summary.print')}</button>
        <button type="button" class="secondary" onClick={() => void downloadCsv()}>{t('summary.csv')}</button>
      </p>

      <h2>{t('summary.result')}</h2>
      {tallied ? (
        <ol class="summary-result" data-testid="vote-result">
          {ranked.map((note) => (
            <li key={note.note_id}>
              {note.text} — {votesText(note.votes ?? 0)}
            </li>
          ))}
        </ol>
      ) : (
        <p>{t('summary.noResult')}</p>
      )}

      <h2>{t('summary.promoted')}</h2>
      {promoted.length > 0 ? (
        <ul data-testid="promoted">
          {promoted.map((note) => (
            <li key={note.note_id}>{note.text}: {promotionText(note.promoted_to)}</li>
          ))}
        </ul>
      ) : (
        <p>{t('summary.nothingPromoted')}</p>
      )}

      {grid.slots.map((slot) => {
        const here = byZone.get(slot.key);
        if (!here || (here.notes.length === 0 && here.hidden === 0)) return null;
        return (
          <section key={slot.key} class="summary-zone">
            <h2>{zoneName(slot.zone)}</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('summary.note')}</th>
                  <th scope="col">{t('summary.author')}</th>
                  <th scope="col">{t('summary.votes')}</th>
                  <th scope="col">{t('summary.promotedTo')}</th>
                </tr>
              </thead>
              <tbody>
                {here.notes.map((note) => (
                  <tr key={note.note_id}>
                    <td>{note.text}</td>
                    <td>{note.author ? (names[note.author] ?? note.author) : t('summary.hidden')}</td>
                    <td>{note.votes ?? ''}</td>
                    <td>{promotionText(note.promoted_to)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {here.hidden > 0 && <p class="muted">{hiddenText(here.hidden)}</p>}
          </section>
        );
      })}
    </main>
  );
}
