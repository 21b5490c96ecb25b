// The workspace navigation's logic (pure; WorkspaceNav.tsx shows it): which of a workspace's
// pages a member's role opens, where each lives, and which one an address is on. One list, so
// the header's links and the router's addresses cannot drift apart.
import type { Role } from '../store/views';
import type { Route } from './routes';

/** A workspace's pages, in the order the navigation shows them. */
export const WORKSPACE_SECTIONS = ['map', 'boards', 'partnerships', 'portfolio', 'assets', 'audit', 'members'] as const;
export type WorkspaceSection = (typeof WORKSPACE_SECTIONS)[number];

/** Where an address is inside a workspace: its page, and whether it is that page itself or
 * something under it (a board, a partnership's file, the audit trail to print). */
export interface WorkspacePlace {
  readonly workspaceId: string;
  readonly section: WorkspaceSection;
  readonly exact: boolean;
}

export function workspacePlace(route: Route): WorkspacePlace | null {
  const at = (section: WorkspaceSection, exact = true) =>
    'workspaceId' in route ? { workspaceId: route.workspaceId, section, exact } : null;
  switch (route.page) {
    case 'workspace':
      return at('map');
    case 'boards':
      return at('boards');
    case 'board':
    case 'boardSummary':
      return at('boards', false);
    case 'partnerships':
      return at('partnerships');
    case 'partnership':
      return at('partnerships', false);
    case 'portfolio':
      return at('portfolio');
    case 'assets':
      return at('assets');
    case 'audit':
      return at('audit');
    case 'auditPrint':
      return at('audit', false);
    case 'members':
      return at('members');
    default:
      return null;
  }
}

/** The pages a role opens: the audit trail is for those who may read the whole history (not
 * viewers or guests), the members page for owners; the server refuses the rest anyway. */
export function sectionsFor(role: Role): readonly WorkspaceSection[] {
  return WORKSPACE_SECTIONS.filter((section) => {
    if (section === 'audit') return role !== 'viewer' && role !== 'guest';
    if (section === 'members') return role === 'owner';
    return true;
  });
}

/** A page's address. Boards go by the workspace's id (the board's websocket takes the id, not
 * the slug); every other page by the readable slug where there is one. */
export function sectionPath(section: WorkspaceSection, workspace: { readonly workspace_id: string; readonly slug?: string | null }): string {
  const id = encodeURIComponent(workspace.workspace_id);
  const address = workspace.slug ? encodeURIComponent(workspace.slug) : id;
  switch (section) {
    case 'map':
      return `/w/${address}`;
    case 'boards':
      return `/w/${id}/boards`;
    default:
      return `/w/${address}/${section}`;
  }
}
