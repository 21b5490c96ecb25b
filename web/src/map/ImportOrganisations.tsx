// Importing organisations from a spreadsheet: a button opens a modal dialog; the chosen CSV
// file is previewed by the server (what each row becomes: created, merged into the
// organisation of that name, already there, or rejected with the reason in words) and nothing
// is written until the person confirms. Confirming sends the preview's one
// `ImportOrganisations` command through `sendAndTell` (queued while offline, all or nothing).
import { useEffect, useRef, useState } from 'preact/hooks';
import type { WorkspaceStore } from '../store/workspace';
import type { ImportPreview } from '../store/views';
import { ApiFailure } from '../store/http';
import { errorSentence, t } from '../i18n';
import { problemSentence } from './importProblems';
import { sendAndTell } from './send';

export function ImportOrganisations({ store }: { store: WorkspaceStore }) {
  const [open, setOpen] = useState(false);
  return (
    <div class="import-organisations">
      <button type="button" class="secondary" onClick={() => setOpen(true)}>
        {t('import.open')}
      </button>
      {open && <ImportDialog store={store} onClose={() => setOpen(false)} />}
    </div>
  );
}

function ImportDialog({ store, onClose }: { store: WorkspaceStore; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [reading, setReading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);

  const choose = async (file: File | undefined) => {
    setPreview(null);
    setError(null);
    if (!file) return;
    setReading(true);
    try {
      setPreview(await store.previewOrganisationImport(await file.text()));
    } catch (failure) {
      setError(failure instanceof ApiFailure ? errorSentence(failure.body) : t('error.unknown'));
    } finally {
      setReading(false);
    }
  };

  const command = preview?.command;
  const confirm = () => {
    if (!command) return;
    const count = command.rows.length;
    void sendAndTell(store, command, () => t('import.done', { count }));
    onClose();
  };

  return (
    <dialog ref={dialog} class="import-dialog" aria-labelledby="import-dialog-title" onClose={onClose} onCancel={onClose}>
      <h2 id="import-dialog-title">{t('import.title')}</h2>
      <p class="muted small">{t('import.intro')}</p>
      <label>
        {t('import.file')}
        <input type="file" name="import-file" accept=".csv,text/csv" onChange={(e) => void choose(e.currentTarget.files?.[0])} />
      </label>
      {reading && <p role="status">{t('import.reading')}</p>}
      {error && <p class="form-error" role="alert">{error}</p>}
      {preview && (
        <div class="import-preview">
          <p role="status">{t('import.summary', preview.counts)}</p>
          {preview.ignored_columns.length > 0 && (
            <p class="muted small">{t('import.ignored', { columns: preview.ignored_columns.join(', ') })}</p>
          )}
          <p class="muted small">{t('import.nothingWritten')}</p>
          <div class="table-scroll">
            <table data-testid="import-preview">
              <caption class="visually-hidden">{t('import.table')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('import.line')}</th>
                  <th scope="col">{t('import.name')}</th>
                  <th scope="col">{t('import.outcome')}</th>
                  <th scope="col">{t('import.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((row) => (
                  <tr key={row.line} data-outcome={row.outcome}>
                    <td>{row.line}</td>
                    <td>{row.name}</td>
                    <td>{t(`import.outcome.${row.outcome}`)}</td>
                    <td>{problemSentence(row.problem)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
      {preview && !command && <p>{t('import.nothingToImport')}</p>}
      <div class="dialog-buttons">
        <button type="button" class="secondary" onClick={onClose}>
          {t('import.cancel')}
        </button>
        <button type="button" disabled={!command} onClick={confirm}>
          {t('import.confirm', { count: command?.rows.length ?? 0 })}
        </button>
      </div>
    </dialog>
  );
}
