// Moving a node without dragging it (WCAG 2.2, 2.5.7): four buttons, and the arrow keys while
// one of them has the focus, each move the selected node one step and record the place with
// `PlaceNode`, as a drop does; the notice says so, for screen readers too.
import type { MutableRef } from 'preact/hooks';
import type { NetworkNode } from '../store/views';
import type { WorkspaceStore } from '../store/workspace';
import { t } from '../i18n';
import type { MapCanvas } from './canvas';
import { arrowDirection, nudged, placeNode, type Direction } from './place';
import { sendAndTell } from './send';

const DIRECTIONS: readonly { direction: Direction; arrow: string }[] = [
  { direction: 'left', arrow: '←' },
  { direction: 'up', arrow: '↑' },
  { direction: 'down', arrow: '↓' },
  { direction: 'right', arrow: '→' },
];

export function MoveNode({ node, store, canvas }: { node: NetworkNode; store: WorkspaceStore; canvas: MutableRef<MapCanvas | null> }) {
  const move = (direction: Direction) => {
    const drawn = canvas.current;
    const from = drawn?.positionOf(node.id) ?? node.place;
    if (!from) return;
    const to = nudged(from, direction, drawn?.nudgeStep() ?? 100);
    void sendAndTell(store, placeNode(node.id, to.x, to.y), () => t('move.done', { name: node.label, direction: t(`move.${direction}`) }));
  };
  const available = canvas.current !== null || node.place !== undefined;
  return (
    <div
      class="move-node"
      role="group"
      aria-labelledby="move-node-title"
      onKeyDown={(event) => {
        const direction = arrowDirection(event.key);
        if (direction === null || !available) return;
        event.preventDefault();
        move(direction);
      }}
    >
      <h3 id="move-node-title">{t('move.title')}</h3>
      {available ? (
        <>
          <p class="muted">{t('move.hint')}</p>
          <div class="move-buttons">
            {DIRECTIONS.map(({ direction, arrow }) => (
              <button key={direction} type="button" class="secondary" aria-label={t('move.button', { direction: t(`move.${direction}`) })} onClick={() => move(direction)}>
                {arrow}
              </button>
            ))}
          </div>
        </>
      ) : (
        <p class="muted">{t('move.onlyOnMap')}</p>
      )}
    </div>
  );
}
