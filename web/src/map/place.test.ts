import { describe, expect, it } from 'vitest';
import { arrowDirection, MAP_EXTENT, nudged, placeNode, remoteDragEnd } from './place';

describe('placing a node', () => {
  it('records whole map units within the map', () => {
    expect(placeNode('n', 12.4, -7.6)).toEqual({ type: 'PlaceNode', node_id: 'n', x: 12, y: -8 });
    expect(placeNode('n', 5e9, -5e9)).toEqual({ type: 'PlaceNode', node_id: 'n', x: MAP_EXTENT, y: -MAP_EXTENT });
  });

  it('moves a step per arrow key, up being larger y on the map', () => {
    const from = { x: 10, y: 10 };
    expect(nudged(from, arrowDirection('ArrowLeft')!, 5)).toEqual({ x: 5, y: 10 });
    expect(nudged(from, arrowDirection('ArrowRight')!, 5)).toEqual({ x: 15, y: 10 });
    expect(nudged(from, arrowDirection('ArrowUp')!, 5)).toEqual({ x: 10, y: 15 });
    expect(nudged(from, arrowDirection('ArrowDown')!, 5)).toEqual({ x: 10, y: 5 });
    expect(arrowDirection('Enter')).toBeNull();
  });
});

describe("a colleague's drag that ends", () => {
  const recorded = { id: 'n', place: { x: 100, y: 200 } };
  const start = { view: recorded, at: { x: 100, y: 200 } };

  it('waits for the drop to arrive, then goes back to the recorded place if none came', () => {
    expect(remoteDragEnd(start, recorded, false)).toBe('wait');
    expect(remoteDragEnd(start, recorded, true)).toEqual({ x: 100, y: 200 });
  });

  it('takes the dropped place when the event came during the drag or the wait', () => {
    const dropped = { id: 'n', place: { x: 900, y: -40 } };
    expect(remoteDragEnd(start, dropped, false)).toEqual({ x: 900, y: -40 });
    expect(remoteDragEnd(start, dropped, true)).toEqual({ x: 900, y: -40 });
  });

  it('puts a node with no recorded place back where it was drawn before the drag', () => {
    const unplaced = { id: 'm', place: null };
    const from = { view: unplaced, at: { x: 5, y: 6 } };
    expect(remoteDragEnd(from, unplaced, false)).toBe('wait');
    expect(remoteDragEnd(from, unplaced, true)).toEqual({ x: 5, y: 6 });
    // Renamed meanwhile (another event), still never placed: where it was.
    expect(remoteDragEnd(from, { id: 'm', place: null }, false)).toEqual({ x: 5, y: 6 });
  });
});
