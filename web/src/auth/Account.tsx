// The account page (`/account`): change the password (`POST /api/me/password`). The server
// ends every other session of the account; this one carries on with the new session it hands
// back.
import { useState } from 'preact/hooks';
import { changePassword } from './session';
import { errorSentence, t } from '../i18n';
import { ApiFailure } from '../store/http';

export function AccountPage() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      await changePassword(current, next);
      setCurrent('');
      setNext('');
      setDone(true);
    } catch (failure) {
      setError(errorSentence(failure instanceof ApiFailure ? failure.body : null));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="login">
      <h1>{t('account.title')}</h1>
      <h2>{t('account.changePassword')}</h2>
      <form onSubmit={submit}>
        <label>
          {t('account.current')}
          <input
            name="current"
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onInput={(e) => setCurrent(e.currentTarget.value)}
          />
        </label>
        <label>
          {t('account.new')}
          <input
            name="new"
            type="password"
            autoComplete="new-password"
            required
            value={next}
            onInput={(e) => setNext(e.currentTarget.value)}
            aria-describedby="account-password-rule"
          />
          <span id="account-password-rule" class="muted">{t('invite.passwordRule')}</span>
        </label>
        {error && <p class="form-error" role="alert">{error}</p>}
        {done && <p class="form-ok" role="status">{t('account.changed')}</p>}
        <button type="submit" disabled={busy}>
          {t('account.submit')}
        </button>
      </form>
    </main>
  );
}
