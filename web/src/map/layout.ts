// The map's layout: ForceAtlas2 for a fixed number of iterations from the start positions of
// graph.ts, so the same data always gives the same picture (a time-boxed run, as before, gave
// a different map on every screen and every screenshot). Nodes someone placed (`fixed`) stay
// where they are; the others settle around them. Positions are in map units, the units of
// `PlaceNode`: ForceAtlas2's own units times LAYOUT_SCALE, so a drop rounded to whole map
// units lands where it was let go. Pure: the web worker in layout.worker.ts runs it off the
// main thread, and the tests run it directly.
import Graph from 'graphology';
import forceAtlas2 from 'graphology-layout-forceatlas2';

/** Map units per unit of ForceAtlas2 (whose maps span some tens to hundreds of its units). */
export const LAYOUT_SCALE = 100;

export interface LayoutInput {
  readonly nodes: readonly { readonly id: string; readonly x: number; readonly y: number; readonly fixed?: boolean }[];
  readonly edges: readonly (readonly [string, string])[];
}

export type Positions = Record<string, { x: number; y: number }>;

/** Iterations: enough for a small map to settle, fewer for a large one (Barnes-Hut there). */
export function layoutIterations(order: number): number {
  return order > 500 ? 150 : 400;
}

/** The relaxed positions of `input`'s nodes: a function of the input only. */
export function relaxedPositions(input: LayoutInput): Positions {
  const graph = new Graph({ type: 'undirected', multi: false, allowSelfLoops: false });
  for (const node of input.nodes) {
    graph.addNode(node.id, { x: node.x / LAYOUT_SCALE, y: node.y / LAYOUT_SCALE, fixed: node.fixed === true });
  }
  for (const [source, target] of input.edges) {
    if (source !== target && graph.hasNode(source) && graph.hasNode(target)) graph.mergeEdge(source, target);
  }
  if (graph.order < 2) return Object.fromEntries(input.nodes.map((node) => [node.id, { x: node.x, y: node.y }]));
  const positions = forceAtlas2(graph, {
    iterations: layoutIterations(graph.order),
    settings: {
      ...forceAtlas2.inferSettings(graph),
      scalingRatio: 6,
      slowDown: 4,
      barnesHutOptimize: graph.order > 500,
    },
  });
  // Placed nodes exactly as given (the layout holds them in single precision).
  const scaled: Positions = {};
  for (const node of input.nodes) {
    const position = (positions as Positions)[node.id];
    scaled[node.id] =
      node.fixed === true || position === undefined
        ? { x: node.x, y: node.y }
        : { x: position.x * LAYOUT_SCALE, y: position.y * LAYOUT_SCALE };
  }
  return scaled;
}
