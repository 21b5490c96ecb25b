// `/w/<workspace>/audit/print` (`#<entity>` for one entity's): the audit trail as a
// print-ready page, the same rows as the CSV download (it reads that CSV), laid out for
// paper by audit.css's print rules; the browser's print saves it as PDF.
import { useEffect, useState } from 'preact/hooks';
import { errorSentence, language, t } from '../i18n';
import { ApiFailure } from '../store/http';
import { loadSummary, loadTrailCsv } from './fetchers';
import { parseCsv } from './model';
import { formatTime } from './AuditPage';
import './audit.css';

export function PrintPage({ workspaceId, token, entity }: { workspaceId: string; token: string; entity: string | null }) {
  const [rows, setRows] = useState<string[][] | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const lang = language.value;

  useEffect(() => {
    let current = true;
    Promise.all([loadSummary(workspaceId, token), loadTrailCsv(workspaceId, token, entity, lang)])
      .then(([summary, text]) => {
        if (!current) return;
        setName(summary.name);
        setRows(parseCsv(text));
      })
      .catch((failure: unknown) => current && setError(errorSentence(failure instanceof ApiFailure ? failure.body : null)));
    return () => {
      current = false;
    };
  }, [workspaceId, token, entity, lang]);

  const [header, ...body] = rows ?? [];
  return (
    <main id="main" class="audit-print">
      <div class="audit-head no-print">
        <button type="button" onClick={() => window.print()}>
          {t('audit.printButton')}
        </button>
      </div>
      <h1>{t('audit.printTitle', { name })}</h1>
      {entity && <p>{t('audit.printEntity')}</p>}
      <p class="audit-printed">{t('audit.printedAt', { date: formatTime(new Date().toISOString()) })}</p>
      {error && <p role="alert" class="error">{error}</p>}
      {header && (
        <table class="audit-trail" data-testid="audit-trail">
          <thead>
            <tr>
              {header.map((column) => (
                <th scope="col" key={column}>{column}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {body.map((row) => (
              <tr key={row[0]}>
                {row.map((field, column) => (
                  <td key={column} class={column === row.length - 1 ? 'hash' : ''}>
                    {field}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
