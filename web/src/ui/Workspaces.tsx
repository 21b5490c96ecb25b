// Choosing a workspace: the ones the session is a member of (`GET /api/workspaces`).
import { useEffect, useState } from 'preact/hooks';
import { api, ApiFailure } from '../store/http';
import type { WorkspaceEntry } from '../store/views';
import { errorSentence, isMessageKey, t } from '../i18n';
import { navigate } from './router';

export function Workspaces({ token }: { token: string }) {
  const [workspaces, setWorkspaces] = useState<WorkspaceEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<WorkspaceEntry[]>('/api/workspaces', { token }).then(
      (list) => setWorkspaces([...list].sort((a, b) => a.name.localeCompare(b.name, 'da'))),
      (failure: unknown) => setError(errorSentence(failure instanceof ApiFailure ? failure.body : null)),
    );
  }, [token]);
  return (
    <main id="main" class="workspaces">
      <h1>{t('workspaces.title')}</h1>
      {error && <p class="form-error" role="alert">{error}</p>}
      {!error && workspaces === null && <p>{t('workspaces.loading')}</p>}
      {workspaces?.length === 0 && <p>{t('workspaces.none')}</p>}
      <ul>
        {workspaces?.map((workspace) => {
          const roleKey = `role.${workspace.role}`;
          const address = `/w/${encodeURIComponent(workspace.slug ?? workspace.workspace_id)}`;
          return (
            <li key={workspace.workspace_id}>
              <a
                href={address}
                onClick={(event) => { event.preventDefault(); navigate(address); }}
              >
                {workspace.name}
              </a>{' '}
              <span class="muted">{t('workspaces.role', { role: isMessageKey(roleKey) ? t(roleKey) : workspace.role })}</span>
            </li>
          );
        })}
      </ul>
    </main>
  );
}
