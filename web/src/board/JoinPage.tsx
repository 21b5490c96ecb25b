// `/join#<invite>`: a workshop guest, usually on a phone, gives only a display name and is
// on the board (`POST /api/join`, a credential of their own). A withdrawn, expired or
// unknown invite is said in words; so is an access that ended while the person was on the
// board.
import { useState } from 'preact/hooks';
import { t } from '../i18n';
import { ApiFailure } from '../store/http';
import { navigate } from '../ui/router';
import { boardPath, guestEnded, join } from './guest';
import { joinRefusal } from './words';

export function JoinPage({ invite }: { invite: string | null }) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (!invite) {
    return (
      <main id="main" class="join">
        <h1>{t('join.title')}</h1>
        <p role="alert">{guestEnded.value ? t('join.ended') : t('join.missing')}</p>
      </main>
    );
  }

  const submit = async (event: Event) => {
    event.preventDefault();
    if (name.trim() === '') {
      setError(t('error.emptyName'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const credential = await join(invite, name.trim());
      navigate(boardPath(credential.workspace_id, credential.board_id));
    } catch (failure) {
      setError(joinRefusal(failure instanceof ApiFailure ? failure.body : null));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="join">
      <h1>{t('join.title')}</h1>
      <p>{t('join.text')}</p>
      <form onSubmit={(event) => void submit(event)}>
        <label>
          <span>{t('join.name')}</span>
          <input
            name="display_name"
            autoComplete="nickname"
            maxLength={64}
            value={name}
            onInput={(event) => setName(event.currentTarget.value)}
            aria-describedby="join-hint"
          />
        </label>
        <p id="join-hint" class="muted small">{t('join.nameHint')}</p>
        {error && <p class="form-error" role="alert">{error}</p>}
        <button type="submit" disabled={busy}>{busy ? t('join.busy') : t('join.submit')}</button>
      </form>
    </main>
  );
}
