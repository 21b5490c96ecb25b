// The working parts of a partnership's file: the resources each party commits, the
// evaluations with their criteria and the next due date (record one here), the
// communication plan with what was sent, and the readiness checklist (tick and untick).
// Each change is a command through `sendAndTell`: the ack or the refusal in words.
import { useState } from 'preact/hooks';
import type { Audience, EvaluationDecision, ReadinessItem } from '../protocol/command';
import { errorSentence, t } from '../i18n';
import { uuidv4 } from '../store/ids';
import { sendAndTell } from '../map/send';
import { EVALUATION_DECISIONS, overdue, READINESS_ITEMS, todayIso, type Organisation, type PartnershipFile } from './model';
import type { PartnershipStore } from './store';
import { dayText, momentText, numberText, partyName } from './words';

interface PartProps {
  readonly store: PartnershipStore;
  readonly partnershipId: string;
  readonly file: PartnershipFile;
}

export function Resources({ store, partnershipId, file, organisations }: PartProps & { organisations: Readonly<Record<string, Organisation>> }) {
  const [party, setParty] = useState('library');
  const [description, setDescription] = useState('');
  const [hours, setHours] = useState('');
  const [amount, setAmount] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const parties = ['library', ...file.partner_ids];
  const submit = async (event: Event) => {
    event.preventDefault();
    if (description.trim() === '') {
      setProblem(t('plan.fillAll'));
      return;
    }
    const outcome = await sendAndTell(
      store,
      {
        type: 'CommitResources',
        partnership_id: partnershipId,
        commitment_id: uuidv4(),
        party: party === 'library' ? { kind: 'library' } : { kind: 'organisation', organisation_id: party },
        description: description.trim(),
        hours: hours === '' ? null : Math.max(0, Math.round(Number(hours))),
        amount_dkk: amount === '' ? null : Math.max(0, Math.round(Number(amount))),
      },
      () => t('resources.added'),
    );
    if (outcome.kind === 'ack') {
      setDescription('');
      setHours('');
      setAmount('');
      setProblem(null);
    } else setProblem(errorSentence(outcome.error));
  };
  return (
    <section class="panel" id="resources" aria-labelledby="resources-title">
      <h2 id="resources-title">{t('resources.title')}</h2>
      {file.resources.length === 0 && <p class="muted">{t('resources.none')}</p>}
      {parties.map((id) => {
        const mine = file.resources.filter((resource) => (resource.party.kind === 'library' ? 'library' : resource.party.organisation_id) === id);
        if (mine.length === 0) return null;
        return (
          <div key={id} class="party">
            <h3>{partyName(mine[0]?.party ?? { kind: 'library' }, organisations)}</h3>
            <ul>
              {mine.map((resource) => (
                <li key={resource.commitment_id}>
                  {resource.description}
                  {resource.hours != null && <span class="muted"> · {t('resources.hours', { hours: numberText(resource.hours) })}</span>}
                  {resource.amount_dkk != null && <span class="muted"> · {t('resources.amount', { amount: numberText(resource.amount_dkk) })}</span>}
                </li>
              ))}
            </ul>
          </div>
        );
      })}
      {store.canEdit && !file.ending && (
        <details>
          <summary>{t('resources.add')}</summary>
          <form class="grid-form" onSubmit={(event) => void submit(event)}>
            <label>
              <span>{t('resources.party')}</span>
              <select name="party" value={party} onChange={(event) => setParty(event.currentTarget.value)}>
                {parties.map((id) => (
                  <option key={id} value={id}>
                    {id === 'library' ? t('file.library') : (organisations[id]?.name ?? id)}
                  </option>
                ))}
              </select>
            </label>
            <label class="wide">
              <span>{t('resources.description')}</span>
              <input name="description" value={description} onInput={(event) => setDescription(event.currentTarget.value)} />
            </label>
            <label>
              <span>{t('resources.hoursField')}</span>
              <input name="hours" type="number" min={0} value={hours} onInput={(event) => setHours(event.currentTarget.value)} />
            </label>
            <label>
              <span>{t('resources.amountField')}</span>
              <input name="amount" type="number" min={0} value={amount} onInput={(event) => setAmount(event.currentTarget.value)} />
            </label>
            {problem && <p class="form-error wide" role="alert">{problem}</p>}
            <button type="submit">{t('resources.add')}</button>
          </form>
        </details>
      )}
    </section>
  );
}

interface CriterionDraft {
  criterion: string;
  target: string;
  score: number;
}

export function Evaluations({ store, partnershipId, file }: PartProps) {
  const today = todayIso();
  const due = file.evaluations.at(-1)?.next_evaluation_due ?? null;
  const [criteria, setCriteria] = useState<CriterionDraft[]>([{ criterion: '', target: '', score: 3 }]);
  const [evaluatedOn, setEvaluatedOn] = useState(today);
  const [narrative, setNarrative] = useState('');
  const [decision, setDecision] = useState<EvaluationDecision>('continue');
  const [next, setNext] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const change = (index: number, patch: Partial<CriterionDraft>) =>
    setCriteria(criteria.map((entry, at) => (at === index ? { ...entry, ...patch } : entry)));
  const submit = async (event: Event) => {
    event.preventDefault();
    const filled = criteria.filter((entry) => entry.criterion.trim() !== '');
    if (filled.length === 0) {
      setProblem(t('evaluations.needCriterion'));
      return;
    }
    if (narrative.trim() === '') {
      setProblem(t('evaluations.needNarrative'));
      return;
    }
    if (next !== '' && (decision === 'end' || next <= evaluatedOn)) {
      setProblem(decision === 'end' ? t('evaluations.noNextAfterEnd') : t('evaluations.nextAfter'));
      return;
    }
    const outcome = await sendAndTell(
      store,
      {
        type: 'EvaluatePartnership',
        partnership_id: partnershipId,
        evaluation_id: uuidv4(),
        evaluated_on: evaluatedOn,
        criteria: filled.map((entry) => ({ criterion: entry.criterion.trim(), target: entry.target.trim(), score: entry.score })),
        narrative: narrative.trim(),
        decision,
        next_evaluation_due: next === '' ? null : next,
      },
      () => t('evaluations.recorded'),
    );
    if (outcome.kind === 'ack') {
      setCriteria([{ criterion: '', target: '', score: 3 }]);
      setNarrative('');
      setNext('');
      setProblem(null);
    } else setProblem(errorSentence(outcome.error));
  };
  return (
    <section class="panel" id="evaluations" aria-labelledby="evaluations-title">
      <h2 id="evaluations-title">{t('evaluations.title')}</h2>
      {file.ending ? null : due ? (
        <p class={overdue(due, today) ? 'overdue' : ''}>
          {overdue(due, today) ? t('evaluations.overdue', { date: dayText(due) }) : t('evaluations.nextDue', { date: dayText(due) })}
        </p>
      ) : (
        <p class="muted">{t('evaluations.noneDue')}</p>
      )}
      {file.evaluations.length === 0 && <p class="muted">{t('evaluations.none')}</p>}
      {[...file.evaluations].reverse().map((evaluation) => (
        <article key={evaluation.evaluation_id} class="evaluation">
          <h3>{t('evaluations.on', { date: dayText(evaluation.evaluated_on), decision: t(`evaluation.${evaluation.decision}`) })}</h3>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('evaluations.criterion')}</th>
                <th scope="col">{t('evaluations.target')}</th>
                <th scope="col">{t('evaluations.score')}</th>
              </tr>
            </thead>
            <tbody>
              {evaluation.criteria.map((criterion) => (
                <tr key={criterion.criterion}>
                  <td>{criterion.criterion}</td>
                  <td>{criterion.target ?? ''}</td>
                  <td>{t('evaluations.scoreOf', { score: criterion.score })}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>{evaluation.narrative}</p>
        </article>
      ))}
      {store.canEdit && !file.ending && (
        <details>
          <summary>{t('evaluations.new')}</summary>
          <form class="evaluation-form" onSubmit={(event) => void submit(event)}>
            <label>
              <span>{t('evaluations.date')}</span>
              <input name="evaluated_on" type="date" value={evaluatedOn} onInput={(event) => setEvaluatedOn(event.currentTarget.value)} />
            </label>
            {criteria.map((entry, index) => (
              <div class="criterion-row" key={index}>
                <label>
                  <span>{t('evaluations.criterion')}</span>
                  <input name={`criterion-${index}`} value={entry.criterion} onInput={(event) => change(index, { criterion: event.currentTarget.value })} />
                </label>
                <label>
                  <span>{t('evaluations.target')}</span>
                  <input name={`target-${index}`} value={entry.target} onInput={(event) => change(index, { target: event.currentTarget.value })} />
                </label>
                <label>
                  <span>{t('evaluations.score')}</span>
                  <select name={`score-${index}`} value={entry.score} onChange={(event) => change(index, { score: Number(event.currentTarget.value) })}>
                    {[1, 2, 3, 4, 5].map((score) => (
                      <option key={score} value={score}>{score}</option>
                    ))}
                  </select>
                </label>
              </div>
            ))}
            <button type="button" class="secondary" onClick={() => setCriteria([...criteria, { criterion: '', target: '', score: 3 }])}>
              {t('evaluations.addCriterion')}
            </button>
            <label>
              <span>{t('evaluations.narrative')}</span>
              <textarea name="narrative" rows={3} value={narrative} onInput={(event) => setNarrative(event.currentTarget.value)} />
            </label>
            <label>
              <span>{t('evaluations.decision')}</span>
              <select name="decision" value={decision} onChange={(event) => setDecision(event.currentTarget.value as EvaluationDecision)}>
                {EVALUATION_DECISIONS.map((value) => (
                  <option key={value} value={value}>{t(`evaluation.${value}`)}</option>
                ))}
              </select>
            </label>
            <label>
              <span>{t('evaluations.nextField')}</span>
              <input name="next_evaluation_due" type="date" value={next} onInput={(event) => setNext(event.currentTarget.value)} />
            </label>
            {problem && <p class="form-error" role="alert">{problem}</p>}
            <button type="submit">{t('evaluations.record')}</button>
          </form>
        </details>
      )}
    </section>
  );
}

const AUDIENCES: readonly Audience[] = ['internal', 'external'];

export function Communication({ store, partnershipId, file }: PartProps) {
  const blank = { audience: 'internal' as Audience, sender: '', recipients: '', about: '', when: '', channel: '' };
  const [line, setLine] = useState(blank);
  const [problem, setProblem] = useState<string | null>(null);
  const items = Object.entries(file.communication_plan);
  const fields = ['sender', 'recipients', 'about', 'when', 'channel'] as const;
  const submit = async (event: Event) => {
    event.preventDefault();
    if (fields.some((field) => line[field].trim() === '')) {
      setProblem(t('plan.fillAll'));
      return;
    }
    const outcome = await sendAndTell(
      store,
      { type: 'PlanCommunication', partnership_id: partnershipId, item_id: uuidv4(), ...line },
      () => t('communication.added'),
    );
    if (outcome.kind === 'ack') {
      setLine(blank);
      setProblem(null);
    } else setProblem(errorSentence(outcome.error));
  };
  return (
    <section class="panel" id="communication" aria-labelledby="communication-title">
      <h2 id="communication-title">{t('communication.title')}</h2>
      {items.length === 0 ? (
        <p class="muted">{t('communication.none')}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('communication.audience')}</th>
                {fields.map((field) => (
                  <th scope="col" key={field}>{t(`communication.${field}`)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {items.map(([id, item]) => (
                <tr key={id}>
                  <td>{t(`audience.${item.audience}`)}</td>
                  {fields.map((field) => (
                    <td key={field}>{item[field]}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {file.communications_sent.length > 0 && (
        <>
          <h3>{t('communication.sent')}</h3>
          <ul>
            {file.communications_sent.map((sent, index) => (
              <li key={index}>{t('communication.sentLine', { date: dayText(sent.sent_on), channel: sent.channel, summary: sent.summary })}</li>
            ))}
          </ul>
        </>
      )}
      {store.canEdit && !file.ending && <RecordSent store={store} partnershipId={partnershipId} file={file} />}
      {store.canEdit && !file.ending && (
        <details>
          <summary>{t('communication.add')}</summary>
          <form class="grid-form" onSubmit={(event) => void submit(event)}>
            <label>
              <span>{t('communication.audience')}</span>
              <select name="audience" value={line.audience} onChange={(event) => setLine({ ...line, audience: event.currentTarget.value as Audience })}>
                {AUDIENCES.map((audience) => (
                  <option key={audience} value={audience}>{t(`audience.${audience}`)}</option>
                ))}
              </select>
            </label>
            {fields.map((field) => (
              <label key={field}>
                <span>{t(`communication.${field}`)}</span>
                <input name={field} value={line[field]} onInput={(event) => setLine({ ...line, [field]: event.currentTarget.value })} />
              </label>
            ))}
            {problem && <p class="form-error wide" role="alert">{problem}</p>}
            <button type="submit">{t('communication.add')}</button>
          </form>
        </details>
      )}
    </section>
  );
}

/** Recording a communication that was sent, against a line of the plan or outside it. */
function RecordSent({ store, partnershipId, file }: PartProps) {
  const items = Object.entries(file.communication_plan);
  const [itemId, setItemId] = useState('');
  const [sentOn, setSentOn] = useState(todayIso());
  const [channel, setChannel] = useState('');
  const [summary, setSummary] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (channel.trim() === '' || summary.trim() === '') {
      setProblem(t('plan.fillAll'));
      return;
    }
    const outcome = await sendAndTell(
      store,
      {
        type: 'RecordCommunicationSent',
        partnership_id: partnershipId,
        item_id: itemId === '' ? null : itemId,
        sent_on: sentOn,
        channel: channel.trim(),
        summary: summary.trim(),
      },
      () => t('communication.recorded'),
    );
    if (outcome.kind === 'ack') {
      setChannel('');
      setSummary('');
      setProblem(null);
    } else setProblem(errorSentence(outcome.error));
  };
  return (
    <details>
      <summary>{t('communication.recordSent')}</summary>
      <form class="grid-form" onSubmit={(event) => void submit(event)}>
        <label>
          <span>{t('communication.item')}</span>
          <select
            name="item"
            value={itemId}
            onChange={(event) => {
              const chosen = event.currentTarget.value;
              setItemId(chosen);
              const item = file.communication_plan[chosen];
              if (item && channel === '') setChannel(item.channel);
            }}
          >
            <option value="">{t('communication.noItem')}</option>
            {items.map(([id, item]) => (
              <option key={id} value={id}>{`${item.about} (${item.when})`}</option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('communication.sentOn')}</span>
          <input name="sent_on" type="date" value={sentOn} onInput={(event) => setSentOn(event.currentTarget.value)} />
        </label>
        <label>
          <span>{t('communication.channel')}</span>
          <input name="sent_channel" value={channel} onInput={(event) => setChannel(event.currentTarget.value)} />
        </label>
        <label class="wide">
          <span>{t('communication.summary')}</span>
          <input name="sent_summary" value={summary} onInput={(event) => setSummary(event.currentTarget.value)} />
        </label>
        {problem && <p class="form-error wide" role="alert">{problem}</p>}
        <button type="submit">{t('communication.recordSent')}</button>
      </form>
    </details>
  );
}

export function Readiness({ store, partnershipId, file }: PartProps) {
  const done = READINESS_ITEMS.filter((item) => file.readiness[item]).length;
  const toggle = (item: ReadinessItem) =>
    void sendAndTell(
      store,
      file.readiness[item]
        ? { type: 'UntickReadinessItem', partnership_id: partnershipId, item }
        : { type: 'TickReadinessItem', partnership_id: partnershipId, item },
      () => t('readiness.saved'),
    );
  return (
    <section class="panel" id="readiness" aria-labelledby="readiness-title">
      <h2 id="readiness-title">{t('readiness.title')}</h2>
      <p class="muted">{t('readiness.done', { count: done, total: READINESS_ITEMS.length })}</p>
      <ul class="checklist">
        {READINESS_ITEMS.map((item) => {
          const tick = file.readiness[item];
          return (
            <li key={item} class={tick ? 'ticked' : ''}>
              <span class="mark" aria-hidden="true">{tick ? '✓' : '○'}</span>
              <span class="item">
                {t(`readiness.${item}`)}
                <br />
                <span class="muted small">
                  {tick ? t('readiness.ticked', { actor: tick.actor, when: momentText(tick.recorded_at) }) : t('readiness.open')}
                </span>
              </span>
              {store.canEdit && !file.ending && (
                <button type="button" class="secondary small" onClick={() => toggle(item)}>
                  {tick ? t('readiness.untick') : t('readiness.tick')}
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
