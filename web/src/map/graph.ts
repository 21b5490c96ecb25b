// From the server's network view to what the map draws: node and edge attributes (colour,
// size, label) and starting positions. Pure, so it is tested without a browser. Positions
// are not in the data yet: a node without one starts on the network circle (the library in
// the centre, partnerships near it, network relations on the outside; the library's own
// teams and staff on the other side), placed by a hash of its id so the start is the same
// on every screen, and ForceAtlas2 then relaxes it.
import type { NetworkEdge, NetworkNode, NetworkView } from '../store/views';
import { FALLBACK_COLOUR, KIND_COLOURS, LEVEL_COLOURS, OTHER_EDGE_COLOURS, SECTOR_COLOURS } from './colours';

export interface NodeAttributes {
  label: string;
  color: string;
  size: number;
  x: number;
  y: number;
  kind: NetworkNode['kind'];
}

export interface EdgeAttributes {
  color: string;
  size: number;
  kind: NetworkEdge['kind'];
}

const SIZES: Readonly<Record<NetworkNode['kind'], number>> = {
  library: 16,
  team: 9,
  staff: 6,
  organisation: 9,
};

export function nodeAttributes(node: NetworkNode): Omit<NodeAttributes, 'x' | 'y'> {
  const color =
    node.kind === 'organisation'
      ? node.sector
        ? SECTOR_COLOURS[node.sector]
        : FALLBACK_COLOUR
      : KIND_COLOURS[node.kind];
  return { label: node.label, color, size: SIZES[node.kind], kind: node.kind };
}

export function edgeAttributes(edge: NetworkEdge): EdgeAttributes {
  if (edge.kind === 'relation') {
    const color = edge.level ? LEVEL_COLOURS[edge.level] : FALLBACK_COLOUR;
    const size = edge.level === 'partnership' ? 4 : edge.level === 'collaboration' ? 3 : 2;
    return { color, size, kind: edge.kind };
  }
  return { color: OTHER_EDGE_COLOURS[edge.kind], size: 1, kind: edge.kind };
}

/** A number in [0, 1) from a string, the same everywhere (FNV-1a). */
export function unitHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 0x1_0000_0000;
}

const RADIUS: Readonly<Record<string, number>> = {
  partnership: 3,
  collaboration: 5,
  network: 7,
  none: 9,
};

/** Where a node without a position starts. */
export function startPosition(node: NetworkNode): { x: number; y: number } {
  if (node.kind === 'library') return { x: 0, y: 0 };
  const turn = unitHash(node.id);
  if (node.kind === 'organisation') {
    // Organisations on the right half, by level.
    const angle = -Math.PI / 2 + turn * Math.PI;
    const radius = RADIUS[node.level ?? 'none'] ?? 9;
    return { x: radius * Math.cos(angle), y: radius * Math.sin(angle) };
  }
  const angle = Math.PI / 2 + turn * Math.PI;
  const radius = node.kind === 'team' ? 3 : 5;
  return { x: radius * Math.cos(angle), y: radius * Math.sin(angle) };
}

/** A stable key of an edge (the view has no edge ids). */
export function edgeKey(edge: NetworkEdge): string {
  return `${edge.kind}:${edge.source}:${edge.target}`;
}

/** The view's edges whose both ends are nodes of the view, once each. */
export function drawableEdges(view: NetworkView): NetworkEdge[] {
  const ids = new Set(view.nodes.map((node) => node.id));
  const seen = new Set<string>();
  return view.edges.filter((edge) => {
    const key = edgeKey(edge);
    if (!ids.has(edge.source) || !ids.has(edge.target) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
