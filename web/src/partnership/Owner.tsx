// Who at the library owns a partnership (its `owner_id`, a colleague), by name and team, in the
// file's head. The file carries only the colleague's id; the colleagues are the network's
// staff nodes, read once per file and owner (as the assets page reads them for contacts).
import { useEffect, useState } from 'preact/hooks';
import { session } from '../auth/session';
import { t } from '../i18n';
import { api } from '../store/http';
import type { NetworkView } from '../store/views';

export function Owner({ workspace, ownerId }: { workspace: string; ownerId: string | null }) {
  const [owner, setOwner] = useState<{ name: string; team: string } | null>(null);
  useEffect(() => {
    setOwner(null);
    if (ownerId === null) return;
    let current = true;
    api<NetworkView>(`/api/workspaces/${encodeURIComponent(workspace)}/network`, { token: session.value?.token ?? null }).then(
      (network) => {
        const node = network.nodes.find((candidate) => candidate.kind === 'staff' && candidate.id === ownerId);
        if (current && node) setOwner({ name: node.label, team: node.team ?? '' });
      },
      // Without the name the file still says there is an owner; the page reports its own errors.
      () => undefined,
    );
    return () => { current = false; };
  }, [workspace, ownerId]);
  if (ownerId === null) return <span class="owner muted">{t('file.noOwner')}</span>;
  return (
    <span class="owner" data-testid="partnership-owner">
      {owner ? t('file.owner', { name: owner.team ? `${owner.name} (${owner.team})` : owner.name }) : t('file.ownerLoading')}
    </span>
  );
}
