// What the selected organisation seeks, edited from the map (the same editor as the
// portfolio's suggestions, the same `RecordOrganisationSeeks`). The map's view does not carry
// the wishes, so opening the editor reads the organisation once (`GET .../organisations/<id>`).
import { useEffect, useState } from 'preact/hooks';
import { session } from '../auth/session';
import { errorSentence, t } from '../i18n';
import { SeeksEditor } from '../portfolio/SeeksEditor';
import { api, ApiFailure } from '../store/http';
import type { WorkspaceStore } from '../store/workspace';

export function OrganisationSeeks({ store, organisation }: { store: WorkspaceStore; organisation: { readonly id: string; readonly label: string } }) {
  const [open, setOpen] = useState(false);
  const [seeks, setSeeks] = useState<readonly string[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (!open || seeks !== null) return;
    let current = true;
    const path = `/api/workspaces/${encodeURIComponent(store.workspaceId)}/organisations/${encodeURIComponent(organisation.id)}`;
    api<{ seeks?: readonly string[] }>(path, { token: session.value?.token ?? null }).then(
      (found) => current && setSeeks(found.seeks ?? []),
      (failure: unknown) => current && setProblem(errorSentence(failure instanceof ApiFailure ? failure.body : null)),
    );
    return () => { current = false; };
  }, [open, seeks, organisation.id]);
  return (
    <details class="organisation-seeks" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>{t('map.seeks')}</summary>
      {problem && <p class="form-error" role="alert">{problem}</p>}
      {open && seeks === null && !problem && <p class="muted">{t('map.loading')}</p>}
      {seeks !== null && <SeeksEditor organisation={{ id: organisation.id, name: organisation.label }} seeks={seeks} store={store} />}
    </details>
  );
}
