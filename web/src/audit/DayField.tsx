// A day typed in the UI language's date format (days.ts), for the audit view's time slider
// and compare mode: labelled, with the format shown beside it, and a sentence under it when
// what was typed is not a day of the history. A valid day is reported as it is typed; the
// error is said once the person leaves the field or presses Enter, not at every keystroke.
import { useEffect, useState } from 'preact/hooks';
import { language, t } from '../i18n';
import { readDay, writeDay } from './days';

let fields = 0;

export function DayField({
  name,
  label,
  value,
  first,
  last,
  formatDay,
  onDay,
}: {
  name: string;
  label: string;
  /** The day shown (ISO), or null while what is typed is not a day. */
  value: string | null;
  first: string;
  last: string;
  formatDay: (day: string) => string;
  /** Called with the day typed (ISO), or null when the text is not a day of the history. */
  onDay: (day: string | null) => void;
}) {
  const [id] = useState(() => `day-field-${++fields}`);
  const lang = language.value;
  const [text, setText] = useState(value === null ? '' : writeDay(value, lang));
  const [problem, setProblem] = useState<string | null>(null);
  // A day chosen elsewhere (the slider): the field writes it, unless the text already says it.
  useEffect(() => {
    const typed = readDay(text, first, last);
    if (value !== null && !(typed.kind === 'day' && typed.day === value)) {
      setText(writeDay(value, lang));
      setProblem(null);
    }
  }, [value]);
  // Another language: a day typed is written the new language's way.
  useEffect(() => {
    const typed = readDay(text, first, last);
    if (typed.kind === 'day') setText(writeDay(typed.day, lang));
  }, [lang]);

  const commit = () => {
    const typed = readDay(text, first, last);
    if (typed.kind === 'day') {
      setText(writeDay(typed.day, lang));
      setProblem(null);
    } else if (typed.kind === 'outside') {
      setProblem(t('audit.dayOutside', { date: formatDay(typed.day), first: formatDay(first), last: formatDay(last) }));
    } else {
      setProblem(t('audit.dayInvalid', { text: text.trim(), example: writeDay(last, lang) }));
    }
  };

  return (
    <div class="day-field">
      <label for={id}>{label}</label>
      <input
        id={id}
        type="text"
        name={name}
        inputMode="numeric"
        autoComplete="off"
        size={10}
        value={text}
        aria-invalid={problem !== null}
        aria-describedby={`${id}-format${problem ? ` ${id}-problem` : ''}`}
        onInput={(event) => {
          const next = event.currentTarget.value;
          setText(next);
          const typed = readDay(next, first, last);
          if (typed.kind === 'day') setProblem(null);
          onDay(typed.kind === 'day' ? typed.day : null);
        }}
        onChange={commit}
        onKeyDown={(event) => {
          if (event.key === 'Enter') commit();
        }}
      />
      <span class="day-format" id={`${id}-format`}>
        {t('audit.dayFormat')}
      </span>
      {problem && (
        <p class="form-error" id={`${id}-problem`} role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
