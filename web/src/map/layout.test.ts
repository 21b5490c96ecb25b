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

describe('layout around placed nodes', () => {
  it('keeps placed nodes where they were put and moves the others', () => {
    const placed = new Set(input.nodes.slice(0, 3).map((node) => node.id));
    const withPlaces: LayoutInput = {
      ...input,
      nodes: input.nodes.map((node) => (placed.has(node.id) ? { ...node, x: node.x * 50, y: node.y * 50, fixed: true } : node)),
    };
    const relaxed = relaxedPositions(withPlaces);
    for (const node of withPlaces.nodes) {
      if (placed.has(node.id)) expect(relaxed[node.id]).toEqual({ x: node.x, y: node.y });
    }
    expect(withPlaces.nodes.some((node) => !placed.has(node.id) && (relaxed[node.id]!.x !== node.x || relaxed[node.id]!.y !== node.y))).toBe(true);
  });
});
