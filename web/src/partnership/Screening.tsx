// The screening ("How to Say No"): the fourteen questions in words, in the UI language, as
// the server's `/api/method` gives them; the latest screening's answers, notes, score and
// decision; the earlier ones kept and viewable; and a new screening (all fourteen answered,
// a decision and why), sent as `ScreenPartnership`.
import { useState } from 'preact/hooks';
import type { Answer, ScreeningDecision } from '../protocol/command';
import { errorSentence, language, t } from '../i18n';
import { sendAndTell } from '../map/send';
import { ANSWERS, SCREENING_DECISIONS, type Method, type Screening } from './model';
import type { PartnershipStore } from './store';
import { momentText } from './words';

export function ScreeningPanel({
  store,
  partnershipId,
  latest,
  earlier,
  closed,
}: {
  store: PartnershipStore;
  partnershipId: string;
  latest: Screening | null;
  earlier: readonly Screening[];
  /** The partnership ended: its file is closed. */
  closed: boolean;
}) {
  const method = store.method.value;
  const [open, setOpen] = useState(false);
  return (
    <section class="panel screening" id="screening" aria-labelledby="screening-title">
      <h2 id="screening-title">{t('screening.title')}</h2>
      {latest ? (
        <ScreeningView screening={latest} method={method} heading={t('screening.latest')} open={false} />
      ) : (
        <p class="muted">{t('screening.none')}</p>
      )}
      {earlier.length > 0 && (
        <details class="earlier">
          <summary>{t('screening.earlier', { count: earlier.length })}</summary>
          {[...earlier].reverse().map((screening) => (
            <ScreeningView key={screening.recorded_at} screening={screening} method={method} heading={momentText(screening.recorded_at)} open={false} />
          ))}
        </details>
      )}
      {store.canEdit &&
        !closed &&
        (open || !latest ? (
          <ScreeningForm store={store} partnershipId={partnershipId} method={method} onDone={() => setOpen(false)} />
        ) : (
          <button type="button" class="secondary" onClick={() => setOpen(true)}>{t('screening.again')}</button>
        ))}
    </section>
  );
}

function questionText(method: Method | null, number: number): string {
  const question = method?.screening_questions.find((entry) => entry.number === number);
  return question ? question[language.value] : t('screening.question', { number });
}

function ScreeningView({ screening, method, heading, open }: { screening: Screening; method: Method | null; heading: string; open: boolean }) {
  return (
    <details class="screening-view" open={open}>
      <summary>
        <strong>{heading}</strong>{' '}
        {t('screening.summary', { score: screening.score, max: screening.max_score, decision: t(`decision.${screening.decision}`) })}
        <span class="muted"> · {t('screening.by', { actor: screening.actor, when: momentText(screening.recorded_at) })}</span>
      </summary>
      {screening.decision_note !== '' && <p>{screening.decision_note}</p>}
      <ol class="answers">
        {screening.answers.map((answer) => (
          <li key={answer.question} value={answer.question}>
            <span>{questionText(method, answer.question)}</span>{' '}
            <strong class={`answer answer-${answer.answer}`}>{t(`answer.${answer.answer}`)}</strong>
            {answer.note && <span class="muted"> · {answer.note}</span>}
          </li>
        ))}
      </ol>
    </details>
  );
}

function ScreeningForm({
  store,
  partnershipId,
  method,
  onDone,
}: {
  store: PartnershipStore;
  partnershipId: string;
  method: Method | null;
  onDone: () => void;
}) {
  const [answers, setAnswers] = useState<Record<number, Answer>>({});
  const [notes, setNotes] = useState<Record<number, string>>({});
  const [decision, setDecision] = useState<ScreeningDecision>('go');
  const [decisionNote, setDecisionNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  if (!method) return <p class="muted">{t('screening.loadingQuestions')}</p>;
  const submit = async (event: Event) => {
    event.preventDefault();
    const missing = method.screening_questions.filter((question) => answers[question.number] === undefined).map((question) => question.number);
    if (missing.length > 0) {
      setProblem(t('screening.unanswered', { missing: missing.join(', ') }));
      return;
    }
    setProblem(null);
    const outcome = await sendAndTell(
      store,
      {
        type: 'ScreenPartnership',
        partnership_id: partnershipId,
        answers: method.screening_questions.map((question) => ({
          question: question.number,
          answer: answers[question.number] ?? 'unknown',
          note: (notes[question.number] ?? '').trim(),
        })),
        decision,
        decision_note: decisionNote.trim(),
      },
      () => t('screening.saved'),
    );
    if (outcome.kind === 'ack') onDone();
    else setProblem(errorSentence(outcome.error));
  };
  return (
    <form class="screening-form" onSubmit={(event) => void submit(event)}>
      <h3>{t('screening.new')}</h3>
      <ol class="questions">
        {method.screening_questions.map((question) => (
          <li key={question.number} value={question.number}>
            <fieldset>
              <legend>{question[language.value]}</legend>
              <div class="choices">
                {ANSWERS.map((answer) => (
                  <label key={answer} class="choice">
                    <input
                      type="radio"
                      name={`answer-${question.number}`}
                      value={answer}
                      checked={answers[question.number] === answer}
                      onChange={() => setAnswers({ ...answers, [question.number]: answer })}
                    />
                    <span>{t(`answer.${answer}`)}</span>
                  </label>
                ))}
              </div>
              <label class="note">
                <span class="visually-hidden">{t('screening.note')}</span>
                <input
                  name={`note-${question.number}`}
                  placeholder={t('screening.note')}
                  value={notes[question.number] ?? ''}
                  onInput={(event) => setNotes({ ...notes, [question.number]: event.currentTarget.value })}
                />
              </label>
            </fieldset>
          </li>
        ))}
      </ol>
      <label>
        <span>{t('screening.decision')}</span>
        <select name="decision" value={decision} onChange={(event) => setDecision(event.currentTarget.value as ScreeningDecision)}>
          {SCREENING_DECISIONS.map((value) => (
            <option key={value} value={value}>{t(`decision.${value}`)}</option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('screening.decisionNote')}</span>
        <textarea name="decision_note" rows={2} value={decisionNote} onInput={(event) => setDecisionNote(event.currentTarget.value)} />
      </label>
      {problem && <p class="form-error" role="alert">{problem}</p>}
      <button type="submit">{t('screening.submit')}</button>
    </form>
  );
}
