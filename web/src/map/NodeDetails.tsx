// The side panel of the selected node: what it is, its sector and level, rooms, tags, and the
// server's key-person risk sentences about it.
import type { NetworkView } from '../store/views';
import { t } from '../i18n';
import { kindLabel, levelLabel, sectorLabel } from './labels';

export function NodeDetails({ view, nodeId, onClose }: { view: NetworkView; nodeId: string | null; onClose: () => void }) {
  const node = nodeId === null ? undefined : view.nodes.find((candidate) => candidate.id === nodeId);
  if (!node) return <p class="muted">{t('map.nothingSelected')}</p>;
  const risks = view.key_person_risks.filter((risk) => risk.organisation_id === node.id);
  const rows: [string, string][] = [
    [t('field.kind'), kindLabel(node)],
    [t('field.sector'), sectorLabel(node)],
    [t('field.level'), node.kind === 'organisation' ? levelLabel(node.level) || t('level.none') : ''],
    [t('field.team'), node.team ?? ''],
    [t('field.rooms'), (node.rooms ?? []).map((room) => t(`room.${room}`)).join(', ')],
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
          <ul>
            {risks.map((risk) => (
              <li key={risk.message}>{risk.message}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
