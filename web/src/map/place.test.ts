import { describe, expect, it } from 'vitest';
import { arrowDirection, MAP_EXTENT, nudged, placeNode } from './place';

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
