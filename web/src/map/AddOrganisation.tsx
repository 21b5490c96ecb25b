// Adding an organisation to the network database: a `RegisterOrganisation` command through
// `sendAndTell` (the store's `send`), so it works offline (queued) and appears live for every colleague.
import { useState } from 'preact/hooks';
import type { Level, Sector } from '../protocol/command';
import type { WorkspaceStore } from '../store/workspace';
import { uuidv4 } from '../store/ids';
import { t } from '../i18n';
import { notify } from '../ui/notices';
import { LEVELS, SECTORS } from '../vocabulary';
import { sendAndTell } from './send';

export function AddOrganisation({ store, online }: { store: WorkspaceStore; online: boolean }) {
  const [name, setName] = useState('');
  const [sector, setSector] = useState<Sector>('public');
  const [level, setLevel] = useState<Level | ''>('network');
  const [error, setError] = useState<string | null>(null);

  const submit = (event: Event) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (trimmed === '') {
      setError(t('error.emptyName'));
      return;
    }
    setError(null);
    setName('');
    if (!online) notify(() => t('addOrganisation.queued', { name: trimmed }));
    void sendAndTell(
      store,
      {
        type: 'RegisterOrganisation',
        organisation_id: uuidv4(),
        name: trimmed,
        sector,
        ...(level === '' ? {} : { level }),
      },
      () => t('addOrganisation.sent', { name: trimmed }),
    );
  };

  return (
    <form class="add-organisation" onSubmit={submit} aria-labelledby="add-org-title">
      <h2 id="add-org-title">{t('addOrganisation.title')}</h2>
      <label>
        {t('field.name')}
        <input name="organisation-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        {t('field.sector')}
        <select name="sector" value={sector} onChange={(e) => setSector(e.currentTarget.value as Sector)}>
          {SECTORS.map((value) => (
            <option key={value} value={value}>
              {t(`sector.${value}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('field.level')}
        <select name="level" value={level} onChange={(e) => setLevel(e.currentTarget.value as Level | '')}>
          {LEVELS.map((value) => (
            <option key={value} value={value}>
              {t(`level.${value}`)}
            </option>
          ))}
          <option value="">{t('level.none')}</option>
        </select>
      </label>
      {error && <p class="form-error" role="alert">{error}</p>}
      <button type="submit">{t('addOrganisation.submit')}</button>
    </form>
  );
}
