// The bar at the top of every page: the app, the connection state (always visible once
// logged in), the language switch, and the account menu (who is logged in, change password,
// log out); below it, on a workspace's pages, the navigation between them (WorkspaceNav).
import type { LiveConnection } from '../store/live';
import { chooseLanguage, language, LANGUAGES, t } from '../i18n';
import { session, logOutEverywhere } from '../auth/session';
import { navigate } from './router';
import { WorkspaceNav } from './WorkspaceNav';

const LANGUAGE_NAMES = { da: 'Dansk', en: 'English' } as const;

export function Header({ live, title }: { live: LiveConnection | null; title?: string | undefined }) {
  const account = session.value?.account ?? null;
  const token = session.value?.token ?? null;
  return (
    <header class="top">
      <div class="top-bar">
        <a class="brand" href="/" onClick={(event) => { event.preventDefault(); navigate('/'); }}>
          {t('app.name')}
        </a>
        {title && <span class="workspace-name">{title}</span>}
        <span class="spacer" />
        {live && <ConnectionBadge live={live} />}
        <label class="language">
          <span>{t('app.language')}</span>
          <select
            value={language.value}
            onChange={(event) => chooseLanguage((event.currentTarget.value === 'en' ? 'en' : 'da'), account)}
          >
            {LANGUAGES.map((lang) => (
              <option key={lang} value={lang} lang={lang}>
                {LANGUAGE_NAMES[lang]}
              </option>
            ))}
          </select>
        </label>
        {account && <AccountMenu account={account} />}
      </div>
      {token && <WorkspaceNav token={token} />}
    </header>
  );
}

/** The account menu: who is logged in, changing the password, logging out (on the server). */
function AccountMenu({ account }: { account: string }) {
  return (
    <details class="account-menu">
      <summary>{t('session.signedInAs', { name: account })}</summary>
      <ul>
        <li>
          <a
            href="/account"
            onClick={(event) => {
              event.preventDefault();
              (event.currentTarget.closest('details') as HTMLDetailsElement | null)?.removeAttribute('open');
              navigate('/account');
            }}
          >
            {t('account.changePassword')}
          </a>
        </li>
        <li>
          <button type="button" class="link" onClick={() => { void logOutEverywhere(); navigate('/'); }}>
            {t('logout')}
          </button>
        </li>
      </ul>
    </details>
  );
}

function ConnectionBadge({ live }: { live: LiveConnection }) {
  const state = live.state.value;
  const text =
    state === 'online'
      ? t('connection.online')
      : state === 'offline'
        ? t('connection.offline')
        : t('connection.reconnecting');
  const pending = live.pending.value;
  return (
    <span class={`connection connection-${state}`} role="status" data-state={state}>
      <span class="dot" aria-hidden="true" />
      {text}
      {pending > 0 && state !== 'online' && <span class="queued"> · {t('connection.queued', { count: pending })}</span>}
    </span>
  );
}
