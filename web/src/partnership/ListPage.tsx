// `/w/<workspace>/partnerships`: the workspace's partnerships, active first, each with its
// partners, its phase and the next evaluation due (overdue ones said so), linking to its file; editors
// propose a new one (a command, like every change).
import { useState } from 'preact/hooks';
import { errorSentence, t } from '../i18n';
import { uuidv4 } from '../store/ids';
import { sendAndTell } from '../map/send';
import { navigate } from '../ui/router';
import { AppLink, partnershipPath } from './links';
import { overdue, todayIso, type Organisation, type PartnershipFile } from './model';
import type { PartnershipStore } from './store';
import './partnership.css';
import { dayText, phaseOf } from './words';

export function PartnershipsPage({ store, workspace }: { store: PartnershipStore; workspace: string }) {
  const list = store.list.value;
  const error = store.error.value;
  const entries = Object.entries(list ?? {}).sort(([, a], [, b]) => a.title.localeCompare(b.title, 'da'));
  const active = entries.filter(([, partnership]) => !partnership.ending);
  const ended = entries.filter(([, partnership]) => partnership.ending);
  return (
    <main id="main" class="partnerships">
      <h1>{t('partnerships.title')}</h1>
      {error && <p class="form-error" role="alert">{errorSentence(error)}</p>}
      {!list && !error && <p>{t('partnerships.loading')}</p>}
      {list && entries.length === 0 && <p>{t('partnerships.none')}</p>}
      {active.length > 0 && <Section title={t('partnerships.active')} entries={active} workspace={workspace} organisations={store.organisations.value} />}
      {ended.length > 0 && <Section title={t('partnerships.ended')} entries={ended} workspace={workspace} organisations={store.organisations.value} />}
      {store.canEdit && <ProposeForm store={store} workspace={workspace} />}
    </main>
  );
}

function Section({
  title,
  entries,
  workspace,
  organisations,
}: {
  title: string;
  entries: [string, PartnershipFile][];
  workspace: string;
  organisations: Readonly<Record<string, Organisation>>;
}) {
  const today = todayIso();
  return (
    <section aria-label={title}>
      <h2>{title}</h2>
      <ul class="partnership-list">
        {entries.map(([id, partnership]) => {
          const due = partnership.evaluations.at(-1)?.next_evaluation_due ?? null;
          return (
            <li key={id}>
              <AppLink href={partnershipPath(workspace, id)} class="title">
                {partnership.title}
              </AppLink>
              {partnership.partner_ids.length > 0 && (
                <span class="partners-line">
                  {partnership.partner_ids.map((id) => organisations[id]?.name ?? id).join(', ')}
                </span>
              )}
              <span class="muted">{phaseOf(partnership.phase)}</span>
              {due && !partnership.ending && (
                <span class={overdue(due, today) ? 'overdue' : 'muted'}>
                  {overdue(due, today) ? t('evaluations.overdue', { date: dayText(due) }) : t('partnerships.nextDue', { date: dayText(due) })}
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function ProposeForm({ store, workspace }: { store: PartnershipStore; workspace: string }) {
  const [title, setTitle] = useState('');
  const [purpose, setPurpose] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (title.trim() === '') {
      setProblem(t('error.emptyName'));
      return;
    }
    setProblem(null);
    const partnershipId = uuidv4();
    const outcome = await sendAndTell(
      store,
      { type: 'ProposePartnership', partnership_id: partnershipId, title: title.trim(), purpose: purpose.trim(), form: { kind: 'frame' } },
      () => t('partnerships.created', { title: title.trim() }),
    );
    if (outcome.kind === 'ack') navigate(partnershipPath(workspace, partnershipId));
    else setProblem(errorSentence(outcome.error));
  };
  return (
    <form class="panel new-partnership" onSubmit={(event) => void submit(event)}>
      <h2>{t('partnerships.new')}</h2>
      {problem && <p class="form-error" role="alert">{problem}</p>}
      <label>
        <span>{t('partnerships.newTitle')}</span>
        <input name="title" maxLength={200} value={title} onInput={(event) => setTitle(event.currentTarget.value)} />
      </label>
      <label>
        <span>{t('partnerships.newPurpose')}</span>
        <textarea name="purpose" rows={2} value={purpose} onInput={(event) => setPurpose(event.currentTarget.value)} />
      </label>
      <button type="submit">{t('partnerships.create')}</button>
    </form>
  );
}
