// `/w/<workspace>/partnerships/<id>`: a partnership's file (partnerskabets sag). Purpose and
// form, its owner at the library, partners and their contact persons, the twelve phases with
// what each needs (move to the next, or back to an earlier one with a reason), the screening, the agreement with its
// editor per section, its versions and diff, resources, evaluations, the communication plan,
// the checklist and the timeline. Viewers and auditors see the same file without edit controls.
import { useEffect, useState } from 'preact/hooks';
import { errorSentence, language, t } from '../i18n';
import { sendAndTell } from '../map/send';
import { AgreementEditor } from './Agreement';
import { AgreementHistory } from './AgreementHistory';
import { DetailsEditor } from './Details';
import { AppLink, partnershipsPath } from './links';
import { earlierPhases, nextPhase, PHASES, phaseNumber, type Organisation, type PartnershipFile } from './model';
import { Communication, Evaluations, Readiness, Resources } from './Plan';
import { Owner } from './Owner';
import { ScreeningPanel } from './Screening';
import type { Phase } from '../protocol/command';
import type { PartnershipStore } from './store';
import './partnership.css';
import { dayText, momentText, phaseName } from './words';

export function PartnershipPage({ store, workspace }: { store: PartnershipStore; workspace: string }) {
  const file = store.file.value;
  const error = store.error.value;
  const id = store.partnershipId ?? '';
  const [editing, setEditing] = useState(false);
  const back = (
    <p class="back">
      <AppLink href={partnershipsPath(workspace)}>{t('partnerships.back')}</AppLink>
    </p>
  );
  if (!file) {
    return (
      <main id="main" class="partnership-file">
        {back}
        {error ? <p class="form-error" role="alert">{errorSentence(error)}</p> : <p>{t('file.loading')}</p>}
      </main>
    );
  }
  const organisations = store.organisations.value;
  const editable = store.canEdit && !file.ending;
  return (
    <main id="main" class="partnership-file">
      {back}
      <header class="file-head">
        <p class="kicker">{t('file.kicker')}</p>
        <h1>{file.title}</h1>
        <p class="facts">
          <span class="badge phase">{t('partnerships.phaseOf', { number: phaseNumber(file.phase), phase: phaseName(file.phase) })}</span>
          <span>{formText(file)}</span>
          <Owner workspace={workspace} ownerId={file.owner_id ?? null} />
          {[
            ...file.goals.map((goal) => t(`goal.${goal}`)),
            ...file.rooms.map((room) => t(`room.${room}`)),
            ...(file.age_groups ?? []).map((group) => t(`ageGroup.${group}`)),
          ].map((word) => (
            <span key={word} class="tag">{word}</span>
          ))}
          {editable && !editing && (
            <button type="button" class="secondary small" onClick={() => setEditing(true)}>{t('details.edit')}</button>
          )}
        </p>
        {file.ending && <p class="ended">{t('file.endedOn', { reason: file.ending.reason })}</p>}
        {!store.canEdit && store.summary.value && <p class="muted">{t('file.readOnly')}</p>}
        {error && <p class="form-error" role="alert">{errorSentence(error)}</p>}
      </header>
      {editable && editing && (
        <DetailsEditor store={store} partnershipId={id} file={file} organisations={organisations} onClose={() => setEditing(false)} />
      )}
      <nav class="file-nav" aria-label={t('file.nav')}>
        {(
          [
            ['phases', t('phases.title')],
            ['screening', t('screening.title')],
            ['agreement', t('agreement.title')],
            ['versions', t('versions.title')],
            ['resources', t('resources.title')],
            ['evaluations', t('evaluations.title')],
            ['communication', t('communication.title')],
            ['readiness', t('readiness.title')],
            ['timeline', t('timeline.title')],
          ] as const
        ).map(([anchor, label]) => (
          <a key={anchor} href={`#${anchor}`}>{label}</a>
        ))}
      </nav>
      <div class="file-grid">
        <div class="file-main">
          <Purpose store={store} partnershipId={id} file={file} />
          <AgreementEditor store={store} partnershipId={id} agreement={file.agreement} closed={Boolean(file.ending)} />
          <AgreementHistory store={store} agreement={file.agreement} />
          <ScreeningPanel store={store} partnershipId={id} latest={file.screening ?? null} earlier={file.earlier_screenings ?? []} closed={Boolean(file.ending)} />
          <Evaluations store={store} partnershipId={id} file={file} />
          <Communication store={store} partnershipId={id} file={file} />
        </div>
        <aside class="file-side">
          <Partners file={file} organisations={organisations} />
          <Phases store={store} partnershipId={id} file={file} />
          <Readiness store={store} partnershipId={id} file={file} />
          <Resources store={store} partnershipId={id} file={file} organisations={organisations} />
          <Timeline store={store} />
        </aside>
      </div>
    </main>
  );
}

function formText(file: PartnershipFile): string {
  return file.form.kind === 'activity'
    ? t('file.formActivity', { from: dayText(file.form.starts_on), to: dayText(file.form.ends_on) })
    : t('file.formFrame');
}

function Purpose({ store, partnershipId, file }: { store: PartnershipStore; partnershipId: string; file: PartnershipFile }) {
  const [draft, setDraft] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const save = async (event: Event) => {
    event.preventDefault();
    if (draft === null) return;
    const outcome = await sendAndTell(store, { type: 'UpdatePartnership', partnership_id: partnershipId, purpose: draft.trim() }, () =>
      t('file.purposeSaved'),
    );
    if (outcome.kind === 'ack') {
      setDraft(null);
      setProblem(null);
    } else setProblem(errorSentence(outcome.error));
  };
  return (
    <section class="panel purpose" aria-labelledby="purpose-title">
      <div class="section-head">
        <h2 id="purpose-title">{t('file.purpose')}</h2>
        {store.canEdit && !file.ending && draft === null && (
          <button type="button" class="secondary" onClick={() => setDraft(file.purpose)}>{t('file.editPurpose')}</button>
        )}
      </div>
      {draft === null ? (
        <p class={file.purpose === '' ? 'muted' : 'text'}>{file.purpose === '' ? t('file.noPurpose') : file.purpose}</p>
      ) : (
        <form onSubmit={(event) => void save(event)}>
          <label>
            <span class="visually-hidden">{t('file.purpose')}</span>
            <textarea name="purpose" rows={3} value={draft} onInput={(event) => setDraft(event.currentTarget.value)} />
          </label>
          {problem && <p class="form-error" role="alert">{problem}</p>}
          <div class="buttons">
            <button type="submit">{t('file.savePurpose')}</button>
            <button type="button" class="secondary" onClick={() => setDraft(null)}>{t('file.cancel')}</button>
          </div>
        </form>
      )}
    </section>
  );
}

function Partners({ file, organisations }: { file: PartnershipFile; organisations: Readonly<Record<string, Organisation>> }) {
  return (
    <section class="panel partners" aria-labelledby="partners-title">
      <h2 id="partners-title">{t('file.partners')}</h2>
      {file.partner_ids.length === 0 && <p class="muted">{t('file.noPartners')}</p>}
      {file.partner_ids.map((partnerId) => {
        const organisation = organisations[partnerId];
        const persons = Object.entries(organisation?.contact_persons ?? {});
        return (
          <div key={partnerId} class="partner">
            <h3>
              {organisation?.name ?? partnerId}
              {organisation && <span class="muted small"> · {t(`sector.${organisation.sector}` as 'sector.public')}</span>}
            </h3>
            {persons.length === 0 ? (
              <p class="muted small">{t('file.noContacts')}</p>
            ) : (
              <ul class="contacts">
                {persons.map(([personId, person]) => (
                  <li key={personId}>
                    {'name' in person.personal ? (
                      <>
                        <strong>{person.personal.name}</strong>
                        {person.role !== '' && <span class="muted"> · {person.role}</span>}
                        {person.personal.email && (
                          <>
                            <br />
                            <a href={`mailto:${person.personal.email}`}>{person.personal.email}</a>
                          </>
                        )}
                        {person.personal.phone && <span class="muted"> · {person.personal.phone}</span>}
                      </>
                    ) : (
                      <span class="muted">{t('file.contactErased')}</span>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </div>
        );
      })}
    </section>
  );
}

function Phases({ store, partnershipId, file }: { store: PartnershipStore; partnershipId: string; file: PartnershipFile }) {
  const next = file.ending ? null : nextPhase(file.phase);
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const current = phaseNumber(file.phase);
  const move = async (event: Event) => {
    event.preventDefault();
    if (!next) return;
    const outcome = await sendAndTell(store, { type: 'MovePartnershipPhase', partnership_id: partnershipId, to: next, note: note.trim() }, () =>
      t('phases.moved', { phase: phaseName(next) }),
    );
    if (outcome.kind === 'ack') {
      setNote('');
      setProblem(null);
    } else {
      // What the next phase needs, in the UI's words, after the refusal's sentence.
      const needs = outcome.error.code === 'phase_requirement' ? ` ${t(`phaseNeeds.${next}`)}` : '';
      setProblem(`${errorSentence(outcome.error)}${needs}`);
    }
  };
  return (
    <section class="panel phases" id="phases" aria-labelledby="phases-title">
      <h2 id="phases-title">{t('phases.title')}</h2>
      <p>{t('phases.current', { number: current, phase: phaseName(file.phase) })}</p>
      <ol class="phase-list">
        {PHASES.map((phase, index) => {
          const state = index + 1 < current ? 'done' : index + 1 === current ? 'current' : 'later';
          return (
            <li key={phase} class={`phase-${state}`} aria-current={state === 'current' ? 'step' : undefined}>
              <strong>{phaseName(phase)}</strong>
              <br />
              <span class="small">{t(`phaseNeeds.${phase}`)}</span>
            </li>
          );
        })}
      </ol>
      {store.canEdit && next && (
        <form class="move" onSubmit={(event) => void move(event)}>
          <label>
            <span>{t('phases.note')}</span>
            <input name="phase_note" value={note} onInput={(event) => setNote(event.currentTarget.value)} />
          </label>
          {problem && <p class="form-error" role="alert">{problem}</p>}
          <button type="submit">{t('phases.moveTo', { number: phaseNumber(next), phase: phaseName(next) })}</button>
        </form>
      )}
      {store.canEdit && !file.ending && earlierPhases(file.phase).length > 0 && (
        <BackForm store={store} partnershipId={partnershipId} phase={file.phase} />
      )}
      {store.canEdit && !file.ending && <EndForm store={store} partnershipId={partnershipId} />}
    </section>
  );
}

/** Back to an earlier phase (an agreement renegotiated, a screening to redo): the same
 * command as a move forward, which the rules allow to any earlier phase; the app asks why,
 * so the timeline says it. */
function BackForm({ store, partnershipId, phase }: { store: PartnershipStore; partnershipId: string; phase: Phase }) {
  const choices = earlierPhases(phase);
  const [to, setTo] = useState<Phase>(choices[0] ?? 'idea');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  // The choice must stay one of the earlier phases when the partnership moves under it.
  const target = choices.includes(to) ? to : (choices[0] ?? 'idea');
  const back = async (event: Event) => {
    event.preventDefault();
    if (reason.trim() === '') {
      setProblem(t('phases.backNeedsReason'));
      return;
    }
    const outcome = await sendAndTell(
      store,
      { type: 'MovePartnershipPhase', partnership_id: partnershipId, to: target, note: reason.trim() },
      () => t('phases.moved', { phase: phaseName(target) }),
    );
    if (outcome.kind === 'ack') {
      setReason('');
      setProblem(null);
    } else {
      setProblem(errorSentence(outcome.error));
    }
  };
  return (
    <details class="back-phase">
      <summary>{t('phases.backTitle')}</summary>
      <form class="move-back" onSubmit={(event) => void back(event)}>
        <label>
          <span>{t('phases.backTo')}</span>
          <select name="back_to" value={target} onChange={(event) => setTo(event.currentTarget.value as Phase)}>
            {choices.map((choice) => (
              <option key={choice} value={choice}>
                {t('phases.numbered', { number: phaseNumber(choice), phase: phaseName(choice) })}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('phases.backReason')}</span>
          <input name="back_reason" value={reason} onInput={(event) => setReason(event.currentTarget.value)} />
        </label>
        {problem && <p class="form-error" role="alert">{problem}</p>}
        <button type="submit">{t('phases.backSubmit')}</button>
      </form>
    </details>
  );
}

/** Ending a partnership (phase 12): its own command, with the reason. */
function EndForm({ store, partnershipId }: { store: PartnershipStore; partnershipId: string }) {
  const [reason, setReason] = useState('');
  const [endedOn, setEndedOn] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const end = async (event: Event) => {
    event.preventDefault();
    if (reason.trim() === '') {
      setProblem(t('end.needReason'));
      return;
    }
    const outcome = await sendAndTell(
      store,
      { type: 'EndPartnership', partnership_id: partnershipId, reason: reason.trim(), ended_on: endedOn === '' ? null : endedOn },
      () => t('end.done'),
    );
    setProblem(outcome.kind === 'ack' ? null : errorSentence(outcome.error));
  };
  return (
    <details class="end">
      <summary>{t('end.title')}</summary>
      <form onSubmit={(event) => void end(event)}>
        <label>
          <span>{t('end.reason')}</span>
          <textarea name="end_reason" rows={2} value={reason} onInput={(event) => setReason(event.currentTarget.value)} />
        </label>
        <label>
          <span>{t('end.endedOn')}</span>
          <input name="ended_on" type="date" value={endedOn} onInput={(event) => setEndedOn(event.currentTarget.value)} />
        </label>
        {problem && <p class="form-error" role="alert">{problem}</p>}
        <button type="submit" class="danger">{t('end.submit')}</button>
      </form>
    </details>
  );
}

/** How many of the latest timeline lines show before "show the whole timeline". */
const TIMELINE_SHOWN = 8;

function Timeline({ store }: { store: PartnershipStore }) {
  const lines = store.timeline.value;
  const [all, setAll] = useState(false);
  // The server says the timeline in the UI's language: read again when it changes.
  const lang = language.value;
  useEffect(() => store.timelineIn(lang), [store, lang]);
  return (
    <section class="panel timeline" id="timeline" aria-labelledby="timeline-title">
      <h2 id="timeline-title">{t('timeline.title')}</h2>
      {!store.canReadHistory ? (
        <p class="muted">{t('timeline.noAccess')}</p>
      ) : lines === null ? null : lines.length === 0 ? (
        <p class="muted">{t('timeline.none')}</p>
      ) : (
        <ol class="timeline-list" reversed>
          {[...lines].reverse().slice(0, all ? undefined : TIMELINE_SHOWN).map((line) => (
            <li key={line.position}>
              <span class="muted small">
                {momentText(line.recorded_at)}
                {line.actor ? ` · ${line.actor}` : ''}
              </span>
              <br />
              <span>{line.summary}</span>
            </li>
          ))}
        </ol>
      )}
      {lines !== null && lines.length > TIMELINE_SHOWN && !all && (
        <button type="button" class="link" onClick={() => setAll(true)}>{t('timeline.showAll', { count: lines.length })}</button>
      )}
    </section>
  );
}
