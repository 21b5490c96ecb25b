// Undo and redo of the person's own map edits: two buttons in the map's toolbar, and the
// keys Ctrl+Z and Ctrl+Shift+Z (or Ctrl+Y; ⌘ on a Mac) outside text fields. See `undo.ts`.
import { useEffect, useState } from 'preact/hooks';
import type { WorkspaceStore } from '../store/workspace';
import { t } from '../i18n';
import { historyOf, redoLast, undoLast } from './send';

export function UndoButtons({ store }: { store: WorkspaceStore }) {
  const history = historyOf(store);
  const counts = history.counts.value;
  const [busy, setBusy] = useState(false);
  const run = (action: (store: WorkspaceStore) => Promise<void>) => {
    if (busy) return;
    setBusy(true);
    void action(store).finally(() => setBusy(false));
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
      const key = event.key.toLowerCase();
      if (key === 'z' && !event.shiftKey) {
        event.preventDefault();
        run(undoLast);
      } else if ((key === 'z' && event.shiftKey) || key === 'y') {
        event.preventDefault();
        run(redoLast);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <div role="group" aria-label={t('undo.group')} class="switch">
      <button type="button" class="secondary" disabled={busy || counts.undo === 0} onClick={() => run(undoLast)} aria-keyshortcuts="Control+Z">
        {t('undo.undo')}
      </button>
      <button type="button" class="secondary" disabled={busy || counts.redo === 0} onClick={() => run(redoLast)} aria-keyshortcuts="Control+Shift+Z">
        {t('undo.redo')}
      </button>
    </div>
  );
}
