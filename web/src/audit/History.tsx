// An entity's history with who, when and why (the timeline filtered to it, as the reader may
// see it), its audit trail as CSV and on a print-ready page; and the log's chain verified.
import { useEffect, useState } from 'preact/hooks';
import { errorSentence, language, t } from '../i18n';
import { ApiFailure } from '../store/http';
import { navigate } from '../ui/router';
import { loadTimeline, loadTrailCsv, verifyChain, type Verification } from './fetchers';
import type { TimelineLine } from './model';

const sentence = (failure: unknown): string => errorSentence(failure instanceof ApiFailure ? failure.body : null);

/** Downloads the trail of the workspace or `entity` as CSV, in the UI's language. */
export async function downloadTrail(workspaceId: string, token: string, entity: string | null): Promise<void> {
  const text = await loadTrailCsv(workspaceId, token, entity, language.value);
  const { download } = await import('../map/export');
  download(entity ? `revisionsspor-${entity}.csv` : 'revisionsspor.csv', text, 'text/csv;charset=utf-8');
}

export function History({
  workspaceId,
  token,
  entities,
  formatTime,
}: {
  workspaceId: string;
  token: string;
  entities: readonly { id: string; name: string }[];
  formatTime: (time: string) => string;
}) {
  const [entity, setEntity] = useState<string>('');
  const [lines, setLines] = useState<TimelineLine[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The server says its sentences in the UI's language: read again when it changes.
  const lang = language.value;

  useEffect(() => {
    let current = true;
    setError(null);
    loadTimeline(workspaceId, token, entity === '' ? null : entity, lang)
      .then((loaded) => current && setLines(loaded))
      .catch((failure: unknown) => current && setError(sentence(failure)));
    return () => {
      current = false;
    };
  }, [workspaceId, token, entity, lang]);

  const printPath = `/w/${encodeURIComponent(workspaceId)}/audit/print${entity ? `#${entity}` : ''}`;
  return (
    <section class="audit-section" aria-labelledby="audit-history-title">
      <h2 id="audit-history-title">{t('audit.history')}</h2>
      <div class="audit-history-tools no-print">
        <label>
          {t('audit.entity')}
          <select name="entity" value={entity} onChange={(event) => setEntity(event.currentTarget.value)}>
            <option value="">{t('audit.wholeWorkspace')}</option>
            {entities.map((named) => (
              <option key={named.id} value={named.id}>
                {named.name}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          class="audit-csv"
          onClick={() => void downloadTrail(workspaceId, token, entity === '' ? null : entity).catch((failure: unknown) => setError(sentence(failure)))}
        >
          {t('audit.csv')}
        </button>
        <a class="audit-print-link" href={printPath} onClick={(event) => { event.preventDefault(); navigate(printPath); }}>
          {t('audit.print')}
        </a>
      </div>
      {error && <p role="alert" class="error">{error}</p>}
      {lines && (
        <div class="audit-history-scroll" tabIndex={0} role="region" aria-label={t('audit.history')}>
          <table class="audit-history" data-testid="audit-history">
            <thead>
              <tr>
                <th scope="col">{t('audit.when')}</th>
                <th scope="col">{t('audit.who')}</th>
                <th scope="col">{t('audit.what')}</th>
              </tr>
            </thead>
            <tbody>
              {[...lines].reverse().map((line) => (
                <tr key={line.position}>
                  <td>{formatTime(line.recorded_at)}</td>
                  <td>{line.actor ?? t('audit.hidden')}</td>
                  <td>{line.summary}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function VerifyChain({ workspaceId, token }: { workspaceId: string; token: string }) {
  const [result, setResult] = useState<Verification | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await verifyChain(workspaceId, token));
    } catch (failure) {
      setError(sentence(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="audit-verify">
      <button type="button" class="audit-verify-button no-print" onClick={() => void run()} disabled={busy}>
        {busy ? t('audit.verifying') : t('audit.verify')}
      </button>
      <p role="status" class={`audit-verification ${result ? (result.ok ? 'ok' : 'broken') : ''}`} data-testid="audit-verification">
        {result?.ok && t('audit.verified', { count: result.events, hash: result.head_hash ?? '' })}
        {result && !result.ok && t('audit.broken', { count: result.events, reason: result.broken ?? '' })}
      </p>
      {error && <p role="alert" class="error">{error}</p>}
    </div>
  );
}
