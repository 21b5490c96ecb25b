import { describe, expect, it } from 'vitest';
import { relaxedPositions, type LayoutInput } from './layout';
import { drawableEdges, startPosition } from './graph';
import { FIXTURE } from './testFixture';

const input: LayoutInput = {
  nodes: FIXTURE.nodes.map((node) => ({ id: node.id, ...startPosition(node) })),
  edges: drawableEdges(FIXTURE).map((edge) => [edge.source, edge.target] as const),
};

describe('layout', () => {
  it('gives the same picture for the same data', () => {
    const first = relaxedPositions(input);
    const second = relaxedPositions(structuredClone(input));
    expect(second).toEqual(first);
    expect(Object.keys(first).sort()).toEqual(FIXTURE.nodes.map((node) => node.id).sort());
  });

  it('moves the nodes from their start', () => {
    const relaxed = relaxedPositions(input);
    const moved = input.nodes.filter((node) => relaxed[node.id]!.x !== node.x || relaxed[node.id]!.y !== node.y);
    expect(moved.length).toBeGreaterThan(0);
    for (const position of Object.values(relaxed)) {
      expect(Number.isFinite(position.x) && Number.isFinite(position.y)).toBe(true);
    }
  });
});
