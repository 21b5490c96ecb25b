// The agreement (klare aftaler), one editor per section. An editor remembers the version it
// started from and saves only its own section from that version, so two colleagues editing
// different sections both succeed. When a colleague changed the same section meanwhile, the
// server refuses with the current text and this person's side by side (`version_conflict`
// with `conflicts`), and the person chooses: keep their own (sent again on the current
// version), take the current one, or edit a merge. A live reload never touches a draft.
import { useState } from 'preact/hooks';
import { errorSentence, t } from '../i18n';
import { notify } from '../ui/notices';
import {
  amendSection,
  conflictOf,
  resolve,
  SECTIONS,
  type Agreement,
  type Resolution,
  type Section,
  type SectionConflict,
} from './model';
import type { PartnershipStore } from './store';
import { sectionName } from './words';

export function AgreementEditor({
  store,
  partnershipId,
  agreement,
  closed,
}: {
  store: PartnershipStore;
  partnershipId: string;
  agreement: Agreement;
  /** The partnership ended: its file is closed. */
  closed: boolean;
}) {
  return (
    <section class="panel agreement" id="agreement" aria-labelledby="agreement-title">
      <h2 id="agreement-title">
        {t('agreement.title')} <span class="badge">{t('agreement.version', { version: agreement.version })}</span>
      </h2>
      {agreement.version === 0 && <p class="muted">{t('agreement.empty')}</p>}
      <ol class="sections">
        {SECTIONS.map((section) => (
          <SectionEditor key={section} store={store} partnershipId={partnershipId} agreement={agreement} section={section} editable={store.canEdit && !closed} />
        ))}
      </ol>
    </section>
  );
}

interface Draft {
  /** The agreement's version when editing started: what the amendment is written against. */
  readonly base: number;
  readonly text: string;
  readonly reason: string;
}

function SectionEditor({
  store,
  partnershipId,
  agreement,
  section,
  editable,
}: {
  store: PartnershipStore;
  partnershipId: string;
  agreement: Agreement;
  section: Section;
  editable: boolean;
}) {
  const current = agreement.sections[section] ?? null;
  const changedIn = agreement.section_versions?.[section] ?? null;
  const [draft, setDraft] = useState<Draft | null>(null);
  const [conflict, setConflict] = useState<SectionConflict | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const name = sectionName(section);

  const finish = () => {
    setDraft(null);
    setConflict(null);
    setProblem(null);
  };

  const send = async (command: ReturnType<typeof amendSection>) => {
    setBusy(true);
    setProblem(null);
    const outcome = await store.send(command);
    setBusy(false);
    if (outcome.kind === 'ack') {
      notify(() => t('agreement.saved', { section: name }));
      finish();
      return;
    }
    const found = conflictOf(outcome.error, section);
    if (found) {
      setConflict(found);
      return;
    }
    setProblem(errorSentence(outcome.error));
  };

  const save = (event: Event) => {
    event.preventDefault();
    if (!draft) return;
    if (draft.text.trim() === '') {
      setProblem(t('agreement.emptyText'));
      return;
    }
    void send(amendSection(partnershipId, draft.base, section, draft.text, draft.reason));
  };

  const choose = (resolution: Resolution) => {
    if (!conflict) return;
    const command = resolve(partnershipId, conflict, resolution, draft?.reason ?? '');
    if (command === null) {
      notify(() => t('conflict.tookCurrent', { section: name }));
      finish();
      return;
    }
    void send(command);
  };

  return (
    <li class="section" data-section={section}>
      <div class="section-head">
        <h3>{name}</h3>
        {changedIn !== null && <span class="muted small">{t('agreement.lastChanged', { version: changedIn })}</span>}
        {editable && !draft && (
          <button
            type="button"
            class="secondary"
            onClick={() => setDraft({ base: agreement.version, text: current ?? '', reason: '' })}
          >
            {current === null ? t('agreement.write') : t('agreement.edit')}
          </button>
        )}
      </div>
      {!draft && (current === null ? <p class="muted">{t('agreement.sectionEmpty')}</p> : <p class="text">{current}</p>)}
      {draft && !conflict && (
        <form class="section-editor" onSubmit={save}>
          <p class="muted small">{t('agreement.startedFrom', { version: draft.base })}</p>
          {changedIn !== null && changedIn > draft.base && (
            <p class="warning" role="status">{t('agreement.changedMeanwhile', { version: changedIn })}</p>
          )}
          <label>
            <span class="visually-hidden">{name}</span>
            <textarea
              name={`section-${section}`}
              rows={4}
              value={draft.text}
              onInput={(event) => setDraft({ ...draft, text: event.currentTarget.value })}
            />
          </label>
          <label>
            <span>{t('agreement.reason')}</span>
            <input name="reason" value={draft.reason} onInput={(event) => setDraft({ ...draft, reason: event.currentTarget.value })} />
          </label>
          {problem && <p class="form-error" role="alert">{problem}</p>}
          <div class="buttons">
            <button type="submit" disabled={busy}>{busy ? t('agreement.saving') : t('agreement.save')}</button>
            <button type="button" class="secondary" onClick={finish}>{t('file.cancel')}</button>
          </div>
        </form>
      )}
      {conflict && <ConflictChoice conflict={conflict} name={name} busy={busy} problem={problem} onChoose={choose} />}
    </li>
  );
}

function ConflictChoice({
  conflict,
  name,
  busy,
  problem,
  onChoose,
}: {
  conflict: SectionConflict;
  name: string;
  busy: boolean;
  problem: string | null;
  onChoose: (resolution: Resolution) => void;
}) {
  const [merge, setMerge] = useState<string | null>(null);
  return (
    <div class="conflict" role="alert" aria-live="assertive">
      <h4>{t('conflict.title', { section: name })}</h4>
      <p>{t('conflict.text', { version: conflict.changedIn })}</p>
      <div class="side-by-side">
        <figure class="current">
          <figcaption>{t('conflict.current', { version: conflict.actual })}</figcaption>
          <p class="text">{conflict.current ?? t('conflict.removed')}</p>
        </figure>
        <figure class="yours">
          <figcaption>{t('conflict.yours')}</figcaption>
          <p class="text">{conflict.yours ?? t('conflict.removed')}</p>
        </figure>
      </div>
      {merge !== null && (
        <label>
          <span>{t('conflict.mergeLabel')}</span>
          <textarea name="merge" rows={5} value={merge} onInput={(event) => setMerge(event.currentTarget.value)} />
        </label>
      )}
      {problem && <p class="form-error">{problem}</p>}
      <div class="buttons">
        {merge === null ? (
          <>
            <button type="button" disabled={busy} onClick={() => onChoose({ kind: 'keepMine' })}>{t('conflict.keepMine')}</button>
            <button type="button" class="secondary" disabled={busy} onClick={() => onChoose({ kind: 'takeCurrent' })}>
              {t('conflict.takeCurrent')}
            </button>
            <button
              type="button"
              class="secondary"
              disabled={busy}
              onClick={() => setMerge([conflict.current, conflict.yours].filter((text) => text !== null).join('\n\n'))}
            >
              {t('conflict.merge')}
            </button>
          </>
        ) : (
          <>
            <button type="button" disabled={busy || merge.trim() === ''} onClick={() => onChoose({ kind: 'merge', text: merge })}>
              {t('conflict.saveMerge')}
            </button>
            <button type="button" class="secondary" onClick={() => setMerge(null)}>{t('file.cancel')}</button>
          </>
        )}
      </div>
    </div>
  );
}
