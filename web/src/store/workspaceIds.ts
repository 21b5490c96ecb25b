// The websocket names a workspace by its id (a UUID): the server answers, fans out events and
// relays presence under the id. A page opened by the workspace's readable address
// (`/w/roskilde-bibliotekerne/...`) knows only the slug; the connection asks the server once
// which id it stands for (the summary, `GET /api/workspaces/<slug>`, the way the HTTP routes
// resolve it) and names the id from then on, so events and presence reach the page.
import type { WorkspaceSummary } from './views';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `address` is a workspace's id (anything else is taken for its slug). */
export function isWorkspaceId(address: string): boolean {
  return UUID.test(address);
}

/** Workspace ids by the address a page names the workspace with, each slug resolved once. */
export class WorkspaceIds {
  private readonly known = new Map<string, string>();
  private readonly asked = new Map<string, Promise<string>>();

  constructor(private readonly lookUp: (slug: string) => Promise<string>) {}

  /** The id, if known now: an id is its own, a slug once resolved. */
  now(address: string): string | null {
    return isWorkspaceId(address) ? address.toLowerCase() : (this.known.get(address) ?? null);
  }

  /** The id; a slug is asked for once (a failed look-up is asked again next time). */
  of(address: string): Promise<string> {
    const known = this.now(address);
    if (known !== null) return Promise.resolve(known);
    let asking = this.asked.get(address);
    if (!asking) {
      asking = this.lookUp(address).then(
        (id) => {
          this.known.set(address, id);
          return id;
        },
        (failure: unknown) => {
          this.asked.delete(address);
          throw failure;
        },
      );
      this.asked.set(address, asking);
    }
    return asking;
  }
}

/** The look-up the app uses: the workspace's summary over HTTP. */
export function summaryLookUp(api: <T>(path: string, options: { token?: string | null }) => Promise<T>, token: string) {
  return async (slug: string): Promise<string> =>
    (await api<WorkspaceSummary>(`/api/workspaces/${encodeURIComponent(slug)}`, { token })).workspace_id;
}
