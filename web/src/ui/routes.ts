// What an address of the app means (pure; router.ts follows the browser's address with it).
export type Route =
  | { readonly page: 'home' }
  | { readonly page: 'workspace'; readonly workspaceId: string }
  | { readonly page: 'join'; readonly invite: string | null };

export function parseRoute(pathname: string, hash: string): Route {
  const workspace = /^\/w\/([^/]+)\/?$/.exec(pathname);
  if (workspace?.[1]) {
    try {
      return { page: 'workspace', workspaceId: decodeURIComponent(workspace[1]) };
    } catch {
      return { page: 'home' };
    }
  }
  if (pathname === '/join' || pathname === '/join/') {
    const invite = hash.replace(/^#/, '');
    return { page: 'join', invite: invite === '' ? null : invite };
  }
  return { page: 'home' };
}
