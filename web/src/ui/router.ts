// The app's addresses: `/` (log in, choose a workspace), `/w/<workspace>` (its network
// map; the workspace by its slug, e.g. `/w/roskilde-bibliotekerne`, or its id),
// `/w/<workspace>/members` (owners: members and invites), `/w/<workspace>/portfolio` (the
// portfolio and suggestions), `/w/<workspace>/audit` (the audit view) and
// `.../audit/print#<entity>` (the audit trail to print), `/account` (change the
// password), `/join#<invite>` (a guest invite link), `/invite#<invite>` (a colleague's
// member invite), `/w/<workspace id>/boards` (workshop boards), `/w/<workspace id>/boards/<board
// id>` (a live board) and `.../summary` (its summary), `/w/<workspace>/partnerships` (the
// partnerships) and `.../partnerships/<id>` (a partnership's file). The server answers index.html for all of
// them (src/web.rs), so they can be bookmarked and reloaded.
import { signal } from '@preact/signals';
import { parseRoute, type Route } from './routes';

export type { Route } from './routes';

export const route = signal<Route>(parseRoute(location.pathname, location.hash));

window.addEventListener('popstate', () => {
  route.value = parseRoute(location.pathname, location.hash);
});

export function navigate(path: string): void {
  history.pushState(null, '', path);
  route.value = parseRoute(location.pathname, location.hash);
}
