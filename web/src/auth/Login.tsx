// The login page: name and password to `POST /api/login`; a failure is said as a sentence.
import { useState } from 'preact/hooks';
import { logIn } from './session';
import { errorSentence, restoreLanguage, t } from '../i18n';
import { ApiFailure } from '../store/http';

export function Login() {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const next = await logIn(name.trim(), password);
      restoreLanguage(next.account);
    } catch (failure) {
      setError(errorSentence(failure instanceof ApiFailure ? failure.body : null));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="login">
      <h1>{t('login.title')}</h1>
      <p>{t('login.intro')}</p>
      <form onSubmit={submit}>
        <label>
          {t('login.name')}
          <input name="name" autoComplete="username" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          {t('login.password')}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        {error && <p class="form-error" role="alert">{error}</p>}
        <button type="submit" disabled={busy}>
          {busy ? t('login.busy') : t('login.submit')}
        </button>
      </form>
    </main>
  );
}
