// The one navigation between a workspace's pages (map, boards, partnerships, portfolio, assets,
// audit, members), in the header of every workspace page, the current page marked with
// `aria-current`. It shows the pages the member's role opens, so it needs the member's entry
// of the workspace (`GET /api/workspaces`: id, slug, role), fetched once per session and again
// only for a workspace it does not list yet (one just joined). Someone who is not a member (a
// guest on a board) gets no navigation.
import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { t, type MessageKey } from '../i18n';
import { api } from '../store/http';
import type { WorkspaceEntry } from '../store/views';
import { navigate, route } from './router';
import { sectionPath, sectionsFor, workspacePlace, type WorkspaceSection } from './workspaceNav';

const LABELS: Readonly<Record<WorkspaceSection, MessageKey>> = {
  map: 'map.title',
  boards: 'boards.link',
  partnerships: 'partnerships.link',
  portfolio: 'portfolio.link',
  assets: 'assets.link',
  audit: 'audit.link',
  members: 'members.title',
};

/** The session's workspaces, with the token they were read with. */
const memberships = signal<{ readonly token: string; readonly entries: readonly WorkspaceEntry[] } | null>(null);

export function WorkspaceNav({ token }: { token: string }) {
  const place = workspacePlace(route.value);
  const known = memberships.value?.token === token ? memberships.value.entries : null;
  const entry = place && known?.find((it) => it.workspace_id === place.workspaceId || it.slug === place.workspaceId);
  const missing = place !== null && entry === undefined;
  useEffect(() => {
    if (!missing) return;
    let current = true;
    api<WorkspaceEntry[]>('/api/workspaces', { token }).then(
      (entries) => { if (current) memberships.value = { token, entries }; },
      // Without the list there is no navigation; the page itself says what went wrong.
      () => undefined,
    );
    return () => { current = false; };
  }, [token, missing, place?.workspaceId]);
  if (!place || !entry) return null;
  return (
    <nav class="workspace-nav no-print" aria-label={t('nav.workspace')}>
      <ul>
        {sectionsFor(entry.role).map((section) => {
          const path = sectionPath(section, entry);
          const current = section === place.section ? (place.exact ? 'page' : 'true') : undefined;
          return (
            <li key={section}>
              <a href={path} aria-current={current} onClick={(event) => { event.preventDefault(); navigate(path); }}>
                {t(LABELS[section])}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
