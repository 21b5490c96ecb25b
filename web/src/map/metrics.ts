// Node sizes from graph metrics, for "size by degree / betweenness": how many others a node
// is directly linked with, and how much it bridges otherwise distant parts of the network
// (Brandes' betweenness through graphology-metrics). The map is taken as undirected, as the
// server's metrics take it. Loaded with the map canvas, not on the login page.
import Graph from 'graphology';
import betweennessCentrality from 'graphology-metrics/centrality/betweenness';
import type { NetworkView } from '../store/views';
import { drawableEdges } from './graph';

export type SizeBy = 'kind' | 'degree' | 'betweenness';

/** The smallest and largest size a node gets when sized by a metric. */
export const METRIC_SIZES = { min: 4, max: 22 } as const;

/** The view as an undirected simple graph (one edge per linked pair). */
function undirected(view: NetworkView): Graph {
  const graph = new Graph({ type: 'undirected', multi: false, allowSelfLoops: false });
  for (const node of view.nodes) graph.addNode(node.id);
  for (const edge of drawableEdges(view)) {
    if (edge.source !== edge.target) graph.mergeEdge(edge.source, edge.target);
  }
  return graph;
}

/** Each node's score: its number of neighbours, or its normalised betweenness (0 to 1). */
export function nodeScores(view: NetworkView, by: Exclude<SizeBy, 'kind'>): Map<string, number> {
  const graph = undirected(view);
  if (by === 'degree') return new Map(graph.mapNodes((node) => [node, graph.degree(node)] as const));
  const scores = betweennessCentrality(graph, { normalized: true });
  return new Map(graph.mapNodes((node) => [node, scores[node] ?? 0] as const));
}

/** Scores scaled linearly onto [min, max] by area (so twice the score looks twice as big). */
export function scaledSizes(scores: ReadonlyMap<string, number>): Map<string, number> {
  const values = [...scores.values()];
  const top = Math.max(0, ...values);
  const { min, max } = METRIC_SIZES;
  return new Map(
    [...scores].map(([node, score]) => [node, top > 0 ? min + (max - min) * Math.sqrt(score / top) : min] as const),
  );
}
