// The drawn map: one graphology graph rendered by sigma.js (WebGL), loaded lazily with the
// map view so the login page stays small. `update` merges a new network view into the graph
// (nodes keep their places; new ones start on the network circle and ForceAtlas2, in a web
// worker, relaxes the layout for a moment); hovering shows a node's name, a click selects it.
import Graph from 'graphology';
import Sigma from 'sigma';
import FA2Layout from 'graphology-layout-forceatlas2/worker';
import forceAtlas2 from 'graphology-layout-forceatlas2';
import type { NetworkView } from '../store/views';
import { drawableEdges, edgeAttributes, edgeKey, nodeAttributes, startPosition, type EdgeAttributes, type NodeAttributes } from './graph';

const LAYOUT_MS = 1500;

export interface MapCanvas {
  update(view: NetworkView): void;
  select(nodeId: string | null): void;
  destroy(): void;
}

export function createMapCanvas(
  container: HTMLElement,
  onSelect: (nodeId: string | null) => void,
  onLayout: (running: boolean) => void,
): MapCanvas {
  const graph = new Graph<NodeAttributes, EdgeAttributes>({ multi: true, type: 'directed' });
  let selected: string | null = null;
  let hovered: string | null = null;
  const renderer = new Sigma(graph, container, {
    renderEdgeLabels: false,
    labelRenderedSizeThreshold: 5,
    labelGridCellSize: 60,
    labelFont: 'system-ui, sans-serif',
    zIndex: true,
    nodeReducer: (node, data) => {
      if (node === selected || node === hovered) return { ...data, highlighted: true, forceLabel: true, zIndex: 2 };
      return data;
    },
  });
  renderer.on('enterNode', ({ node }) => {
    hovered = node;
    container.style.cursor = 'pointer';
    renderer.refresh({ skipIndexation: true });
  });
  renderer.on('leaveNode', () => {
    hovered = null;
    container.style.cursor = '';
    renderer.refresh({ skipIndexation: true });
  });
  renderer.on('clickNode', ({ node }) => onSelect(node));
  renderer.on('clickStage', () => onSelect(null));

  let layout: FA2Layout | null = null;
  let layoutTimer: ReturnType<typeof setTimeout> | null = null;
  const relax = () => {
    if (graph.order < 2) return;
    layout?.kill();
    if (layoutTimer !== null) clearTimeout(layoutTimer);
    layout = new FA2Layout(graph, {
      settings: {
        ...forceAtlas2.inferSettings(graph),
        scalingRatio: 6,
        slowDown: 4,
        barnesHutOptimize: graph.order > 500,
      },
    });
    onLayout(true);
    layout.start();
    layoutTimer = setTimeout(() => {
      layout?.stop();
      layoutTimer = null;
      onLayout(false);
    }, LAYOUT_MS);
  };

  return {
    update(view) {
      let added = false;
      const nodeIds = new Set<string>();
      // New nodes start on the network circle scaled to the map as it is laid out now.
      const scale = circleScale(graph);
      for (const node of view.nodes) {
        nodeIds.add(node.id);
        const attributes = nodeAttributes(node);
        if (graph.hasNode(node.id)) {
          graph.mergeNodeAttributes(node.id, attributes);
        } else {
          const start = startPosition(node);
          graph.addNode(node.id, { ...attributes, x: scale.x + start.x * scale.factor, y: scale.y + start.y * scale.factor });
          added = true;
        }
      }
      for (const node of graph.nodes()) if (!nodeIds.has(node)) graph.dropNode(node);
      const edgeKeys = new Set<string>();
      for (const edge of drawableEdges(view)) {
        const key = edgeKey(edge);
        edgeKeys.add(key);
        if (graph.hasEdge(key)) graph.mergeEdgeAttributes(key, edgeAttributes(edge));
        else graph.addEdgeWithKey(key, edge.source, edge.target, edgeAttributes(edge));
      }
      for (const edge of graph.edges()) if (!edgeKeys.has(edge)) graph.dropEdge(edge);
      if (added) relax();
    },
    select(nodeId) {
      selected = nodeId;
      renderer.refresh({ skipIndexation: true });
    },
    destroy() {
      if (layoutTimer !== null) clearTimeout(layoutTimer);
      layout?.kill();
      renderer.kill();
    },
  };
}

/** The library's place and how far the laid-out map reaches from it, in start-circle units. */
function circleScale(graph: Graph<NodeAttributes, EdgeAttributes>): { x: number; y: number; factor: number } {
  const library = graph.findNode((_, attributes) => attributes.kind === 'library');
  if (library === undefined) return { x: 0, y: 0, factor: 1 };
  const { x, y } = graph.getNodeAttributes(library);
  let reach = 0;
  graph.forEachNode((_, attributes) => {
    reach = Math.max(reach, Math.hypot(attributes.x - x, attributes.y - y));
  });
  return { x, y, factor: reach > 0 ? reach / 9 : 1 };
}
