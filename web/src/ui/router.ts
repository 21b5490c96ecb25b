// The app's addresses: `/` (log in, choose a workspace), `/w/<workspace id>` (its network
// map), `/join#<invite>` (a guest invite link). The server answers index.html for all of
// them (src/web.rs), so they can be bookmarked and reloaded.
import { signal } from '@preact/signals';

export type Route =
  | { readonly page: 'home' }
  | { readonly page: 'workspace'; readonly workspaceId: string }
  | { readonly page: 'join'; readonly invite: string | null };

export function parseRoute(pathname: string, hash: string): Route {
  const workspace = /^\/w\/([^/]+)\/?$/.exec(pathname);
  if (workspace?.[1]) return { page: 'workspace', workspaceId: decodeURIComponent(workspace[1]) };
  if (pathname === '/join' || pathname === '/join/') {
    const invite = hash.replace(/^#/, '');
    return { page: 'join', invite: invite === '' ? null : invite };
  }
  return { page: 'home' };
}

export const route = signal<Route>(parseRoute(location.pathname, location.hash));

window.addEventListener('popstate', () => {
  route.value = parseRoute(location.pathname, location.hash);
});

export function navigate(path: string): void {
  history.pushState(null, '', path);
  route.value = parseRoute(location.pathname, location.hash);
}
