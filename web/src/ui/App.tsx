// The app's shell: which page the address and the session call for, one live connection per
// session, one store per open workspace.
import { useEffect, useMemo } from 'preact/hooks';
import { session, logOut } from '../auth/session';
import { Login } from '../auth/Login';
import { InvitePage } from '../auth/Invite';
import { AccountPage } from '../auth/Account';
import { LiveConnection } from '../store/live';
import { WorkspaceStore } from '../store/workspace';
import { MapPage } from '../map/MapPage';
import { t } from '../i18n';
import { Header } from './Header';
import { Notices } from './Notices';
import { route } from './router';
import { Workspaces } from './Workspaces';
import { MembersPage } from './Members';

export function App() {
  const current = session.value;
  const where = route.value;
  const token = current?.token ?? null;

  const live = useMemo(() => (token ? new LiveConnection(token, logOut) : null), [token]);
  useEffect(() => {
    live?.start();
    return () => live?.stop();
  }, [live]);

  const workspaceId = where.page === 'workspace' ? where.workspaceId : null;
  const store = useMemo(
    () => (live && token && workspaceId ? new WorkspaceStore(workspaceId, token, live, logOut) : null),
    [live, token, workspaceId],
  );
  useEffect(() => {
    void store?.open();
    return () => store?.dispose();
  }, [store]);

  let page;
  if (where.page === 'join') {
    page = (
      <main id="main" class="join">
        <h1>{t('join.title')}</h1>
        <p>{where.invite ? t('join.text') : t('join.missing')}</p>
      </main>
    );
  } else if (where.page === 'invite') {
    page = <InvitePage invite={where.invite} />;
  } else if (!current || !live) {
    page = <Login />;
  } else if (where.page === 'account') {
    page = <AccountPage />;
  } else if (where.page === 'members') {
    page = <MembersPage token={current.token} workspaceId={where.workspaceId} self={current.account} />;
  } else if (store) {
    page = <MapPage store={store} live={live} />;
  } else {
    page = <Workspaces token={current.token} />;
  }

  return (
    <>
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <Header live={live} title={store?.summary.value?.name} />
      {page}
      <Notices />
    </>
  );
}
