// A colleague's member invite (`/invite#<invite>`): someone without an account chooses a name
// and a password and becomes a member (`POST /api/invites/accept`); someone logged in accepts
// with their account (`POST /api/me/accept-invite`). Either way the app then opens the
// workspace's map. Refusals (used, revoked or expired invite, a taken name, a weak password)
// are said as sentences.
import { useState } from 'preact/hooks';
import { adoptSession, logOutEverywhere, session } from './session';
import { errorSentence, restoreLanguage, t } from '../i18n';
import { api, ApiFailure } from '../store/http';
import type { AcceptedInvite } from '../protocol/api';
import { navigate } from '../ui/router';


export function InvitePage({ invite }: { invite: string | null }) {
  const current = session.value;
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (!invite) {
    return (
      <main id="main" class="login">
        <h1>{t('invite.title')}</h1>
        <p>{t('invite.missing')}</p>
      </main>
    );
  }

  const run = async (work: () => Promise<AcceptedInvite>) => {
    setBusy(true);
    setError(null);
    try {
      const accepted = await work();
      if (accepted.token) {
        adoptSession(accepted.token, accepted.account, accepted.expires_at ?? null);
        restoreLanguage(accepted.account);
      }
      navigate(`/w/${accepted.workspace_id}`);
    } catch (failure) {
      setError(errorSentence(failure instanceof ApiFailure ? failure.body : null));
    } finally {
      setBusy(false);
    }
  };

  if (current) {
    return (
      <main id="main" class="login">
        <h1>{t('invite.title')}</h1>
        <p>{t('invite.asAccount', { name: current.account })}</p>
        {error && <p class="form-error" role="alert">{error}</p>}
        <p>
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              void run(() =>
                api<AcceptedInvite>('/api/me/accept-invite', { token: current.token, body: { invite } }),
              )
            }
          >
            {t('invite.accept')}
          </button>
        </p>
        <p>
          <button type="button" class="link" onClick={() => void logOutEverywhere()}>
            {t('invite.otherAccount')}
          </button>
        </p>
      </main>
    );
  }

  const submit = (event: Event) => {
    event.preventDefault();
    void run(() =>
      api<AcceptedInvite>('/api/invites/accept', { body: { invite, name: name.trim(), password } }),
    );
  };

  return (
    <main id="main" class="login">
      <h1>{t('invite.title')}</h1>
      <p>{t('invite.intro')}</p>
      <form onSubmit={submit}>
        <label>
          {t('invite.name')}
          <input
            name="name"
            autoComplete="username"
            required
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
            aria-describedby="invite-name-rule"
          />
          <span id="invite-name-rule" class="muted">{t('invite.nameRule')}</span>
        </label>
        <label>
          {t('invite.password')}
          <input
            name="password"
            type="password"
            autoComplete="new-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            aria-describedby="invite-password-rule"
          />
          <span id="invite-password-rule" class="muted">{t('invite.passwordRule')}</span>
        </label>
        {error && <p class="form-error" role="alert">{error}</p>}
        <button type="submit" disabled={busy}>
          {busy ? t('invite.busy') : t('invite.create')}
        </button>
      </form>
      <p class="muted">{t('invite.haveAccount')}</p>
    </main>
  );
}
