// What a partner seeks, edited: one wish per line and where we know it from, saved with
// `RecordOrganisationSeeks` (a command, like every change). The one editor for it, used by the
// suggestions panel (choosing the organisation there) and the map's node details (the selected
// organisation).
import { useState } from 'preact/hooks';
import type { SeeksSource } from '../protocol/command';
import { t } from '../i18n';
import { sendAndTell } from '../map/send';
import type { WorkspaceStore } from '../store/workspace';

const SOURCES: readonly SeeksSource[] = ['typed', 'screening', 'mapping_workshop'];

let editors = 0;

/** Give it a `key` per organisation: it starts from `seeks` once. */
export function SeeksEditor({
  organisation,
  seeks,
  store,
}: {
  /** The organisation the wishes are of; null: none chosen yet (saving says so). */
  organisation: { readonly id: string; readonly name: string } | null;
  seeks: readonly string[];
  store: WorkspaceStore;
}) {
  const [hint] = useState(() => `seeks-hint-${++editors}`);
  const [text, setText] = useState(seeks.join('\n'));
  const [source, setSource] = useState<SeeksSource>('typed');
  const [problem, setProblem] = useState<string | null>(null);

  const save = async (event: Event) => {
    event.preventDefault();
    if (!organisation) {
      setProblem(t('suggestions.chooseFirst'));
      return;
    }
    setProblem(null);
    const wishes = text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
    await sendAndTell(
      { send: (command) => store.send(command) },
      { type: 'RecordOrganisationSeeks', organisation_id: organisation.id, seeks: wishes, source },
      () => t('suggestions.saved', { organisation: organisation.name }),
    );
  };

  return (
    <form class="seeks-editor" onSubmit={save}>
      <label>
        {t('suggestions.seeksField')}
        <textarea rows={3} value={text} onInput={(event) => setText(event.currentTarget.value)} aria-describedby={hint} />
        <span id={hint} class="small muted">{t('suggestions.seeksHint')}</span>
      </label>
      <label>
        {t('suggestions.source')}
        <select value={source} onChange={(event) => setSource(event.currentTarget.value as SeeksSource)}>
          {SOURCES.map((one) => (
            <option key={one} value={one}>{t(`suggestions.source.${one}`)}</option>
          ))}
        </select>
      </label>
      {problem && <p class="form-error" role="alert">{problem}</p>}
      <button type="submit">{t('suggestions.save')}</button>
    </form>
  );
}
