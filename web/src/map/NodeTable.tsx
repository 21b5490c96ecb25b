// The map as tables, for screen readers and keyboards: every node and every connection,
// with the same words as the map. A row's name selects the node, as a click on the map does.
import type { NetworkView } from '../store/views';
import { t } from '../i18n';
import { drawableEdges } from './graph';
import { edgeKindLabel, kindLabel, levelLabel, sectorLabel } from './labels';

export function NodeTable({ view, onSelect }: { view: NetworkView; onSelect: (id: string) => void }) {
  const names = new Map(view.nodes.map((node) => [node.id, node.label]));
  const edges = drawableEdges(view);
  return (
    <div class="tables" data-testid="network-table">
      <table>
        <caption>{t('table.nodes', { count: view.nodes.length })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('field.name')}</th>
            <th scope="col">{t('field.kind')}</th>
            <th scope="col">{t('field.sector')}</th>
            <th scope="col">{t('field.level')}</th>
          </tr>
        </thead>
        <tbody>
          {view.nodes.map((node) => (
            <tr key={node.id}>
              <th scope="row">
                <button type="button" class="link" onClick={() => onSelect(node.id)}>
                  {node.label}
                </button>
              </th>
              <td>{kindLabel(node)}</td>
              <td>{sectorLabel(node)}</td>
              <td>{levelLabel(node.level)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table>
        <caption>{t('table.edges', { count: edges.length })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('field.from')}</th>
            <th scope="col">{t('field.kind')}</th>
            <th scope="col">{t('field.to')}</th>
            <th scope="col">{t('field.level')}</th>
            <th scope="col">{t('field.topics')}</th>
          </tr>
        </thead>
        <tbody>
          {edges.map((edge) => (
            <tr key={`${edge.kind}:${edge.source}:${edge.target}`}>
              <td>{names.get(edge.source)}</td>
              <td>{edgeKindLabel(edge)}</td>
              <td>{names.get(edge.target)}</td>
              <td>{levelLabel(edge.level)}</td>
              <td>{edge.topics?.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
