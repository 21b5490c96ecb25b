// What an address of the app means (pure; router.ts follows the browser's address with it).
// A workspace's `workspaceId` is as the address has it: its slug or its id.
export type Route =
  | { readonly page: 'home' }
  | { readonly page: 'workspace'; readonly workspaceId: string }
  | { readonly page: 'members'; readonly workspaceId: string }
  | { readonly page: 'portfolio'; readonly workspaceId: string }
  | { readonly page: 'audit'; readonly workspaceId: string }
  | { readonly page: 'auditPrint'; readonly workspaceId: string; readonly entity: string | null }
  | { readonly page: 'account' }
  | { readonly page: 'boards'; readonly workspaceId: string }
  | { readonly page: 'board'; readonly workspaceId: string; readonly boardId: string }
  | { readonly page: 'boardSummary'; readonly workspaceId: string; readonly boardId: string }
  | { readonly page: 'assets'; readonly workspaceId: string }
  | { readonly page: 'publicAssets'; readonly token: string | null }
  | { readonly page: 'partnerships'; readonly workspaceId: string }
  | { readonly page: 'partnership'; readonly workspaceId: string; readonly partnershipId: string }
  | { readonly page: 'join'; readonly invite: string | null }
  | { readonly page: 'invite'; readonly invite: string | null };

/** The pages of a workspace at `/w/<workspace>/<segment>`, by their segment. */
const WORKSPACE_PAGES: ReadonlyMap<string, 'portfolio' | 'assets'> = new Map([
  ['portfolio', 'portfolio'],
  ['assets', 'assets'],
]);

export function parseRoute(pathname: string, hash: string): Route {
  const board = /^\/w\/([^/]+)\/boards(?:\/([^/]+)(\/summary)?)?\/?$/.exec(pathname);
  if (board?.[1]) {
    try {
      const workspaceId = decodeURIComponent(board[1]);
      if (!board[2]) return { page: 'boards', workspaceId };
      const boardId = decodeURIComponent(board[2]);
      return board[3] ? { page: 'boardSummary', workspaceId, boardId } : { page: 'board', workspaceId, boardId };
    } catch {
      return { page: 'home' };
    }
  }
  const partnership = /^\/w\/([^/]+)\/partnerships(?:\/([^/]+))?\/?$/.exec(pathname);
  if (partnership?.[1]) {
    try {
      const workspaceId = decodeURIComponent(partnership[1]);
      return partnership[2]
        ? { page: 'partnership', workspaceId, partnershipId: decodeURIComponent(partnership[2]) }
        : { page: 'partnerships', workspaceId };
    } catch {
      return { page: 'home' };
    }
  }
  const audit = /^\/w\/([^/]+)\/audit(\/print)?\/?$/.exec(pathname);
  if (audit?.[1]) {
    try {
      const workspaceId = decodeURIComponent(audit[1]);
      const entity = hash.replace(/^#/, '');
      return audit[2] ? { page: 'auditPrint', workspaceId, entity: entity === '' ? null : entity } : { page: 'audit', workspaceId };
    } catch {
      return { page: 'home' };
    }
  }
  const section = /^\/w\/([^/]+)\/([a-z-]+)\/?$/.exec(pathname);
  const page = section?.[2] ? WORKSPACE_PAGES.get(section[2]) : undefined;
  if (section?.[1] && page) {
    try {
      return { page, workspaceId: decodeURIComponent(section[1]) };
    } catch {
      return { page: 'home' };
    }
  }
  // The public assets page ("Vi kan – Vil du?"): the share link's secret rides in the hash,
  // which the browser never sends to the server nor in a referrer.
  if (pathname === '/vi-kan' || pathname === '/vi-kan/') {
    const token = hash.replace(/^#/, '');
    return { page: 'publicAssets', token: token === '' ? null : token };
  }
  const workspace = /^\/w\/([^/]+)(\/members)?\/?$/.exec(pathname);
  if (workspace?.[1]) {
    try {
      const workspaceId = decodeURIComponent(workspace[1]);
      return workspace[2] ? { page: 'members', workspaceId } : { page: 'workspace', workspaceId };
    } catch {
      return { page: 'home' };
    }
  }
  if (pathname === '/account' || pathname === '/account/') return { page: 'account' };
  for (const page of ['join', 'invite'] as const) {
    if (pathname === `/${page}` || pathname === `/${page}/`) {
      const invite = hash.replace(/^#/, '');
      return { page, invite: invite === '' ? null : invite };
    }
  }
  return { page: 'home' };
}
