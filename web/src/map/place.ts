// Placing a node on the map: the command a drop or a keyboard move sends. Positions on the
// screen are fractions of map units; the log keeps whole map units within the map's extent
// (the server refuses anything beyond it, so a drop far out lands on the edge instead).
import type { Command } from '../protocol/command';

/** The server's limit on each axis (`MAP_EXTENT`), in map units. */
export const MAP_EXTENT = 1_000_000;

const mapUnit = (value: number): number => Math.min(MAP_EXTENT, Math.max(-MAP_EXTENT, Math.round(value)));

/** The command that records a node at (x, y). */
export function placeNode(nodeId: string, x: number, y: number): Command {
  return { type: 'PlaceNode', node_id: nodeId, x: mapUnit(x), y: mapUnit(y) };
}

export type Direction = 'left' | 'right' | 'up' | 'down';

/**
 * Where a keyboard move takes a node at `from` by `step` map units. On the map, up is larger
 * y (sigma.js draws the y axis upwards).
 */
export function nudged(from: { x: number; y: number }, direction: Direction, step: number): { x: number; y: number } {
  switch (direction) {
    case 'left':
      return { x: from.x - step, y: from.y };
    case 'right':
      return { x: from.x + step, y: from.y };
    case 'up':
      return { x: from.x, y: from.y + step };
    case 'down':
      return { x: from.x, y: from.y - step };
  }
}

/** The direction of an arrow key, if it is one. */
export function arrowDirection(key: string): Direction | null {
  switch (key) {
    case 'ArrowLeft':
      return 'left';
    case 'ArrowRight':
      return 'right';
    case 'ArrowUp':
      return 'up';
    case 'ArrowDown':
      return 'down';
    default:
      return null;
  }
}

/** A colleague's drag of a node as it began: the node's view object then and where it was drawn. */
export interface RemoteDragStart<ViewNode extends { readonly place?: { x: number; y: number } | null | undefined }> {
  readonly view: ViewNode | undefined;
  readonly at: { x: number; y: number };
}

/**
 * Where a node goes when a colleague's drag of it ends. A drop is recorded (`NodePlaced`) and
 * arrives as an event, perhaps only after the drag's end; a drag that ends without one (the
 * colleague's screen closed or lost its connection, the drop was refused) leaves the node
 * where the log has it. So: when the node's view changed since the drag began (an event about
 * it came), its recorded place; when not, wait for the drop's event (`'wait'`) the first time,
 * and after the wait go back to the recorded place, or where it was drawn before the drag.
 */
export function remoteDragEnd<ViewNode extends { readonly place?: { x: number; y: number } | null | undefined }>(
  start: RemoteDragStart<ViewNode>,
  now: ViewNode | undefined,
  waited: boolean,
): { x: number; y: number } | 'wait' {
  if (now === start.view && !waited) return 'wait';
  return now?.place ?? start.at;
}
