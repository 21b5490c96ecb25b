// The side panel of the selected node: what it is, its sector and level, rooms, age groups,
// tags, the findings about it (key-person risks, duplicate contacts), and for an organisation
// the editing of its relation and of what it seeks, and moving it on the map without dragging
// (for roles that may change the map).
import type { MutableRef } from 'preact/hooks';
import type { NetworkView } from '../store/views';
import type { WorkspaceStore } from '../store/workspace';
import { t } from '../i18n';
import type { Finding } from './findings';
import { kindLabel, levelLabel, sectorLabel } from './labels';
import { RelationEditor } from './RelationEditor';
import type { MapCanvas } from './canvas';
import { MoveNode } from './MoveNode';
import { OrganisationSeeks } from './OrganisationSeeks';

export function NodeDetails({
  view,
  nodeId,
  findings,
  store,
  canEdit,
  onClose,
  canvas,
}: {
  view: NetworkView;
  nodeId: string | null;
  findings: ReadonlyMap<string, readonly Finding[]>;
  store: WorkspaceStore;
  canEdit: boolean;
  onClose: () => void;
  /** The drawn map, while it is shown. */
  canvas: MutableRef<MapCanvas | null>;
}) {
  const node = nodeId === null ? undefined : view.nodes.find((candidate) => candidate.id === nodeId);
  if (!node) return <p class="muted">{t('map.nothingSelected')}</p>;
  const risks = findings.get(node.id) ?? [];
  const rows: [string, string][] = [
    [t('field.kind'), kindLabel(node)],
    [t('field.sector'), sectorLabel(node)],
    [t('field.level'), node.kind === 'organisation' ? levelLabel(node.level) || t('level.none') : ''],
    [t('field.team'), node.team ?? ''],
    [t('field.rooms'), (node.rooms ?? []).map((room) => t(`room.${room}`)).join(', ')],
    [t('field.ageGroups'), (node.age_groups ?? []).map((group) => t(`ageGroup.${group}`)).join(', ')],
    [t('field.tags'), (node.tags ?? []).join(', ')],
    [t('field.competences'), (node.competences ?? []).join(', ')],
  ];
  return (
    <section class="details" aria-labelledby="details-title" data-testid="node-details">
      <div class="details-head">
        <h2 id="details-title">{node.label}</h2>
        <button type="button" onClick={onClose} aria-label={t('map.closeDetails')}>
          ×
        </button>
      </div>
      <dl>
        {rows
          .filter(([, value]) => value !== '')
          .map(([name, value]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>{value}</dd>
            </div>
          ))}
      </dl>
      {risks.length > 0 && (
        <>
          <h3>{t('field.risks')}</h3>
          <ul class="findings">
            {risks.map((risk, index) => (
              <li key={index}>
                <strong>{t(`finding.${risk.kind}`)}:</strong> {risk.sentence()}
              </li>
            ))}
          </ul>
        </>
      )}
      {canEdit && <MoveNode key={`move-${node.id}`} node={node} store={store} canvas={canvas} />}
      {canEdit && node.kind === 'organisation' && <RelationEditor key={node.id} store={store} view={view} organisation={node} />}
      {canEdit && node.kind === 'organisation' && <OrganisationSeeks key={`seeks-${node.id}`} store={store} organisation={node} />}
    </section>
  );
}
