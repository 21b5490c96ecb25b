// The agreement's versions (who changed which sections, when and why) and any two versions
// side by side, from the server's diff route: each section that differs, the earlier text
// with its removed words struck through and the later with its added words marked.
import { useState } from 'preact/hooks';
import { errorSentence, t } from '../i18n';
import { ApiFailure } from '../store/http';
import { sideOf, type Agreement, type AgreementDiff } from './model';
import type { PartnershipStore } from './store';
import { momentText, sectionName } from './words';

export function AgreementHistory({ store, agreement }: { store: PartnershipStore; agreement: Agreement }) {
  const versions = agreement.versions ?? [];
  return (
    <section class="panel versions" id="versions" aria-labelledby="versions-title">
      <h2 id="versions-title">{t('versions.title')}</h2>
      {versions.length === 0 ? (
        <p class="muted">{t('versions.none')}</p>
      ) : (
        <ol class="version-list" reversed>
          {[...versions].reverse().map((version) => (
            <li key={version.version}>
              <strong>{t('versions.line', { version: version.version, when: momentText(version.amended_at), actor: version.actor })}</strong>
              <br />
              <span class="muted">
                {t('versions.changed', { sections: version.changes.map((change) => sectionName(change.section)).join(', ') })}
              </span>
              {version.reason !== '' && (
                <>
                  <br />
                  <span>{t('versions.reason', { reason: version.reason })}</span>
                </>
              )}
            </li>
          ))}
        </ol>
      )}
      {agreement.version > 0 && <DiffPicker store={store} latest={agreement.version} />}
    </section>
  );
}

function DiffPicker({ store, latest }: { store: PartnershipStore; latest: number }) {
  const [from, setFrom] = useState(Math.max(0, latest - 1));
  const [to, setTo] = useState(latest);
  const [diff, setDiff] = useState<AgreementDiff | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const choices = Array.from({ length: latest + 1 }, (_, version) => version);
  const compare = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    try {
      setDiff(await store.diff(from, to));
    } catch (failure) {
      setDiff(null);
      setProblem(errorSentence(failure instanceof ApiFailure ? failure.body : null));
    }
  };
  const option = (version: number) => (
    <option key={version} value={version}>
      {version === 0 ? t('diff.empty0') : String(version)}
    </option>
  );
  return (
    <form class="diff-picker" onSubmit={(event) => void compare(event)}>
      <h3>{t('diff.title')}</h3>
      <div class="row">
        <label>
          <span>{t('diff.from')}</span>
          <select name="from_version" value={from} onChange={(event) => setFrom(Number(event.currentTarget.value))}>
            {choices.map(option)}
          </select>
        </label>
        <label>
          <span>{t('diff.to')}</span>
          <select name="to_version" value={to} onChange={(event) => setTo(Number(event.currentTarget.value))}>
            {choices.map(option)}
          </select>
        </label>
        <button type="submit">{t('diff.show')}</button>
      </div>
      {problem && <p class="form-error" role="alert">{problem}</p>}
      {diff && <DiffView diff={diff} />}
    </form>
  );
}

export function DiffView({ diff }: { diff: AgreementDiff }) {
  if (diff.sections.length === 0) return <p class="muted">{t('diff.same')}</p>;
  return (
    <div class="diff" aria-live="polite">
      {diff.sections.map((section) => (
        <div key={section.section} class="diff-section" data-section={section.section}>
          <h4>{sectionName(section.section)}</h4>
          <div class="side-by-side">
            <figure class="from">
              <figcaption>{t('diff.fromHeading', { version: diff.from })}</figcaption>
              <p class="text">
                {section.from_text == null ? (
                  <span class="muted">{t('diff.notWritten')}</span>
                ) : (
                  sideOf(section.words, 'from').map((run, index) =>
                    run.changed ? <del key={index} title={t('diff.removedWords')}>{run.text}</del> : <span key={index}>{run.text}</span>,
                  )
                )}
              </p>
            </figure>
            <figure class="to">
              <figcaption>{t('diff.toHeading', { version: diff.to })}</figcaption>
              <p class="text">
                {section.to_text == null ? (
                  <span class="muted">{t('diff.notWritten')}</span>
                ) : (
                  sideOf(section.words, 'to').map((run, index) =>
                    run.changed ? <ins key={index} title={t('diff.addedWords')}>{run.text}</ins> : <span key={index}>{run.text}</span>,
                  )
                )}
              </p>
            </figure>
          </div>
        </div>
      ))}
    </div>
  );
}
