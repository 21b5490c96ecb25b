// Sending a map change and telling the person how it went: every edit of the map (adding an
// organisation, linking a colleague, moving or ending a relation, an import) goes through
// the store's `send` (queued while offline, resent on reconnect) and ends in a notice, the
// ack's text or the rejection with its reason in words. An accepted edit that a command can
// undo is recorded in the person's undo history (`undo.ts`); `undoLast` and `redoLast` send
// the compensating command, or say that a colleague changed the entity since.
import type { Command } from '../protocol/command';
import type { WorkspaceStore } from '../store/workspace';
import type { Outcome } from '../store/outbox';
import { errorSentence, t } from '../i18n';
import { notify } from '../ui/notices';
import { UndoHistory, undoEntryOf, type UndoEntry } from './undo';

const histories = new WeakMap<WorkspaceStore, UndoHistory>();

/** The person's undo history on this workspace's map (one per store, so per session). */
export function historyOf(store: WorkspaceStore): UndoHistory {
  let history = histories.get(store);
  if (!history) {
    history = new UndoHistory();
    histories.set(store, history);
  }
  return history;
}

/** Sends `command`; notices `done` on the ack, the reason on a rejection. */
export function sendAndTell(
  store: WorkspaceStore | Pick<WorkspaceStore, 'send'>,
  command: Command,
  done: () => string,
): Promise<Outcome> {
  // Only the map's edits are undone; a workshop board's store has no network view.
  const map = 'network' in store ? store : null;
  const view = map?.network.value;
  const entry = view ? undoEntryOf(view, command, t('undo.reason')) : null;
  return send(store, command, done).then((outcome) => {
    if (outcome.kind === 'ack' && entry && map) historyOf(map).recorded(entry);
    return outcome;
  });
}

function send(store: Pick<WorkspaceStore, 'send'>, command: Command, done: () => string): Promise<Outcome> {
  return store.send(command).then((outcome) => {
    if (outcome.kind === 'ack') notify(done);
    else notify(() => t('command.rejected', { reason: errorSentence(outcome.error) }), 'error');
    return outcome;
  });
}

/** The entity an undo entry is about, in words. */
export function undoSubject(entry: UndoEntry): string {
  return entry.after.kind === 'level'
    ? t('undo.what.level', { organisation: entry.organisation })
    : t('undo.what.holder', { staff: entry.staff ?? '', organisation: entry.organisation });
}

/** Undoes the person's last edit, unless someone changed its entity since. */
export async function undoLast(store: WorkspaceStore): Promise<void> {
  const view = store.network.value;
  if (!view) return;
  const history = historyOf(store);
  const step = history.nextUndo(view);
  if (step.kind === 'none') return;
  const what = undoSubject(step.entry);
  if (step.kind === 'changed') {
    history.dropUndo();
    notify(() => t('undo.changedSince', { what }), 'error');
    return;
  }
  const outcome = await send(store, step.command, () => t('undo.done', { what }));
  if (outcome.kind === 'ack') history.undoneLast();
}

/** Makes the person's last undone edit again, unless someone changed its entity since. */
export async function redoLast(store: WorkspaceStore): Promise<void> {
  const view = store.network.value;
  if (!view) return;
  const history = historyOf(store);
  const step = history.nextRedo(view);
  if (step.kind === 'none') return;
  const what = undoSubject(step.entry);
  if (step.kind === 'changed') {
    history.dropRedo();
    notify(() => t('undo.redoChangedSince', { what }), 'error');
    return;
  }
  const outcome = await send(store, step.command, () => t('undo.redone', { what }));
  if (outcome.kind === 'ack') history.redoneLast();
}
