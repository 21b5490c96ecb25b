import { describe, expect, it } from 'vitest';
import { drawableEdges, edgeAttributes, nodeAttributes, startPosition } from './graph';
import { LEVEL_COLOURS, SECTOR_COLOURS } from './colours';
import type { NetworkView } from '../store/views';

const view: NetworkView = {
  nodes: [
    { kind: 'library', id: 'lib', label: 'Roskilde Bibliotekerne' },
    { kind: 'organisation', id: 'org', label: 'Roskilde Festival', sector: 'civil_society', level: 'partnership' },
    { kind: 'staff', id: 'st', label: 'Jens' },
  ],
  edges: [
    { kind: 'relation', source: 'lib', target: 'org', level: 'partnership' },
    { kind: 'relation', source: 'lib', target: 'org', level: 'partnership' },
    { kind: 'knows', source: 'st', target: 'gone' },
  ],
  key_person_risks: [],
};

describe('map graph', () => {
  it('colours organisations by sector and relations by level', () => {
    expect(nodeAttributes(view.nodes[1]!).color).toBe(SECTOR_COLOURS.civil_society);
    expect(edgeAttributes(view.edges[0]!).color).toBe(LEVEL_COLOURS.partnership);
  });

  it('draws each edge once and never one to a missing node', () => {
    expect(drawableEdges(view)).toHaveLength(1);
  });

  it('starts partnerships nearer the library than network relations, the same on every screen', () => {
    const partner = startPosition(view.nodes[1]!);
    const far = startPosition({ ...view.nodes[1]!, level: 'network' });
    expect(Math.hypot(partner.x, partner.y)).toBeLessThan(Math.hypot(far.x, far.y));
    expect(startPosition(view.nodes[1]!)).toEqual(partner);
    expect(startPosition(view.nodes[0]!)).toEqual({ x: 0, y: 0 });
  });
});
