// The app's shell: which page the address and the session call for, one live connection per
// session, one store per open workspace.
import { useEffect, useLayoutEffect, useMemo } from 'preact/hooks';
import { session, logOut } from '../auth/session';
import { Login } from '../auth/Login';
import { InvitePage } from '../auth/Invite';
import { AccountPage } from '../auth/Account';
import { LiveConnection } from '../store/live';
import { WorkspaceStore } from '../store/workspace';
import { MapPage } from '../map/MapPage';
import { PortfolioPage } from '../portfolio/PortfolioPage';
import { t } from '../i18n';
import { Header } from './Header';
import { Notices } from './Notices';
import { route } from './router';
import { Workspaces } from './Workspaces';
import { MembersPage } from './Members';
import { AuditPage } from '../audit/AuditPage';
import { PrintPage } from '../audit/PrintPage';
import { JoinPage } from '../board/JoinPage';
import { BoardsPage } from '../board/BoardsPage';
import { BoardPage } from '../board/BoardPage';
import { SummaryPage } from '../board/SummaryPage';
import { BoardStore } from '../board/store';
import { AssetsPage } from '../assets/AssetsPage';
import { PublicAssetsPage } from '../assets/PublicAssetsPage';
import { endGuest, guest, guestEnded } from '../board/guest';
import { PartnershipStore } from '../partnership/store';
import { PartnershipsPage } from '../partnership/ListPage';
import { PartnershipPage } from '../partnership/FilePage';

export function App() {
  const current = session.value;
  const where = route.value;
  // On a board a guest joined, the guest's own credential; everywhere else the session's.
  const boardRoute = where.page === 'board' || where.page === 'boardSummary' ? where : null;
  const asGuest =
    boardRoute && guest.value?.board_id === boardRoute.boardId && guest.value.workspace_id === boardRoute.workspaceId
      ? guest.value
      : null;
  const token = asGuest?.token ?? current?.token ?? null;
  const onUnauthenticated = asGuest ? endGuest : logOut;

  const live = useMemo(() => (token ? new LiveConnection(token, onUnauthenticated) : null), [token]);
  useEffect(() => {
    live?.start();
    return () => live?.stop();
  }, [live]);

  const workspaceId = where.page === 'workspace' || where.page === 'portfolio' ? where.workspaceId : null;
  const store = useMemo(
    () => (live && token && workspaceId ? new WorkspaceStore(workspaceId, token, live, logOut) : null),
    [live, token, workspaceId],
  );
  // Opened as the page is rendered (a layout effect), not after its first frame (an effect):
  // the views' requests leave a frame earlier, and the map's first frame waits on them.
  useLayoutEffect(() => {
    void store?.open();
    return () => store?.dispose();
  }, [store]);

  const me = asGuest?.actor ?? current?.account ?? null;
  const boardStore = useMemo(
    () =>
      live && token && me && boardRoute
        ? new BoardStore(boardRoute.workspaceId, boardRoute.boardId, me, token, live, onUnauthenticated)
        : null,
    [live, token, me, boardRoute?.workspaceId, boardRoute?.boardId],
  );
  useEffect(() => {
    boardStore?.open();
    return () => boardStore?.dispose();
  }, [boardStore]);

  // The public assets page stands alone: no login, no header, nothing of the app around it.
  if (where.page === 'publicAssets') {
    return (
      <>
        <a class="skip" href="#main">
          {t('app.skip')}
        </a>
        <PublicAssetsPage token={where.token} />
      </>
    );
  }
  // The partnerships, or one partnership's file: a store of their own, fed by the same websocket.
  const partnershipRoute = where.page === 'partnerships' || where.page === 'partnership' ? where : null;
  const partnershipId = where.page === 'partnership' ? where.partnershipId : null;
  const partnershipStore = useMemo(
    () =>
      live && current && partnershipRoute
        ? new PartnershipStore(partnershipRoute.workspaceId, partnershipId, current.token, live, logOut)
        : null,
    [live, current?.token, partnershipRoute?.workspaceId, partnershipId],
  );
  useEffect(() => {
    void partnershipStore?.open();
    return () => partnershipStore?.dispose();
  }, [partnershipStore]);

  let page;
  if (where.page === 'join') {
    page = <JoinPage invite={where.invite} />;
  } else if (boardStore && live && token && where.page === 'board') {
    page = <BoardPage store={boardStore} live={live} token={token} guestName={asGuest?.display_name ?? null} />;
  } else if (boardStore && where.page === 'boardSummary') {
    page = <SummaryPage store={boardStore} />;
  } else if (boardRoute && !current && guestEnded.value) {
    // A guest whose invite was withdrawn or expired: said in words, not a login form.
    page = <JoinPage invite={null} />;
  } else if (where.page === 'invite') {
    page = <InvitePage invite={where.invite} />;
  } else if (!current || !live) {
    page = <Login />;
  } else if (where.page === 'account') {
    page = <AccountPage />;
  } else if (where.page === 'boards') {
    page = <BoardsPage workspaceId={where.workspaceId} token={current.token} live={live} />;
  } else if (where.page === 'assets') {
    page = <AssetsPage workspaceId={where.workspaceId} token={current.token} live={live} />;
  } else if (where.page === 'audit') {
    page = <AuditPage workspaceId={where.workspaceId} token={current.token} />;
  } else if (where.page === 'auditPrint') {
    page = <PrintPage workspaceId={where.workspaceId} token={current.token} entity={where.entity} />;
  } else if (where.page === 'members') {
    page = <MembersPage token={current.token} workspaceId={where.workspaceId} self={current.account} />;
  } else if (store && where.page === 'portfolio') {
    page = <PortfolioPage store={store} token={current.token} />;
  } else if (partnershipStore && partnershipRoute && where.page === 'partnership') {
    page = <PartnershipPage store={partnershipStore} workspace={partnershipRoute.workspaceId} />;
  } else if (partnershipStore && partnershipRoute) {
    page = <PartnershipsPage store={partnershipStore} workspace={partnershipRoute.workspaceId} />;
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
      <Header live={live} title={store?.summary.value?.name ?? boardStore?.board.value?.title ?? partnershipStore?.summary.value?.name} />
      {page}
      <Notices />
    </>
  );
}
