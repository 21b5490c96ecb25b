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
