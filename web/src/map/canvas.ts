// The drawn map: one graphology graph rendered by sigma.js (WebGL), loaded lazily with the
// map view so the login page stays small. `update` merges a new network view into the graph
// (nodes keep their places; new ones start on the network circle and ForceAtlas2 relaxes the
// layout for a fixed number of iterations in a web worker, so the same data gives the same
// picture). What is shown is decided by reducers, never by copying the graph: filters hide
// nodes, focus fades everything outside a neighbourhood, a metric resizes nodes, findings
// flag organisations. Hovering reports the node (for its explanation), a click selects it.
import Graph from 'graphology';
import Sigma from 'sigma';
import type { NodeDisplayData } from 'sigma/types';
import type { NetworkView } from '../store/views';
import { drawableEdges, edgeAttributes, edgeKey, nodeAttributes, startPosition, type EdgeAttributes, type NodeAttributes } from './graph';
import type { LayoutInput } from './layout';
import type { LayoutAnswer, LayoutRequest } from './layout.worker';
import { nodeScores, scaledSizes, type SizeBy } from './metrics';

/** What the map shows of its graph; everything else is drawn as it is. */
export interface MapDisplay {
  /** The nodes the filters leave on the map. */
  readonly visible: ReadonlySet<string>;
  /** A neighbourhood to emphasise (the rest is faded), or none. */
  readonly focus: ReadonlySet<string> | null;
  readonly sizeBy: SizeBy;
  /** Organisations with a finding (key-person risk, duplicate contact). */
  readonly flagged: ReadonlySet<string>;
}

/** A point on the map's container, in CSS pixels from its top left corner. */
export interface ViewportPoint {
  readonly x: number;
  readonly y: number;
}

export interface MapCanvas {
  update(view: NetworkView): void;
  display(display: MapDisplay): void;
  select(nodeId: string | null): void;
  /** Moves the camera to a node (search, keyboard selection). */
  centreOn(nodeId: string): void;
  /** The graph as it is drawn now: its renderer and graph, for the exports. */
  readonly renderer: Sigma<NodeAttributes, EdgeAttributes>;
  readonly graph: Graph<NodeAttributes, EdgeAttributes>;
  destroy(): void;
}

const FADED_NODE = '#dde1e6';
const FADED_EDGE = '#eceef1';
const FLAG = '⚠ ';

export function createMapCanvas(
  container: HTMLElement,
  onSelect: (nodeId: string | null) => void,
  onLayout: (running: boolean) => void,
  onHover: (nodeId: string | null, at: ViewportPoint | null) => void,
): MapCanvas {
  const graph = new Graph<NodeAttributes, EdgeAttributes>({ multi: true, type: 'directed' });
  let selected: string | null = null;
  let hovered: string | null = null;
  let shown: MapDisplay | null = null;
  let latest: NetworkView | null = null;
  let sizes: Map<string, number> | null = null;

  const renderer = new Sigma(graph, container, {
    renderEdgeLabels: false,
    labelRenderedSizeThreshold: 5,
    labelGridCellSize: 60,
    labelFont: 'system-ui, sans-serif',
    zIndex: true,
    nodeReducer: (node, data) => {
      if (shown && !shown.visible.has(node)) return { ...data, hidden: true };
      const result: Partial<NodeDisplayData> = { ...data };
      const size = sizes?.get(node);
      if (size !== undefined) result.size = size;
      if (shown?.flagged.has(node)) {
        result.label = FLAG + data.label;
        result.forceLabel = true;
      }
      if (shown?.focus && !shown.focus.has(node)) {
        result.color = FADED_NODE;
        result.label = null;
        result.forceLabel = false;
        result.zIndex = 0;
      } else if (shown?.focus) {
        result.forceLabel = true;
        result.zIndex = 1;
      }
      if (node === selected || node === hovered) return { ...result, highlighted: true, forceLabel: true, zIndex: 2 };
      return result;
    },
    edgeReducer: (edge, data) => {
      const focus = shown?.focus;
      if (!focus) return data;
      const [source, target] = graph.extremities(edge);
      if (focus.has(source) && focus.has(target) && (source === selected || target === selected)) return data;
      return { ...data, color: FADED_EDGE };
    },
  });
  const hoverPoint = (node: string): ViewportPoint | null => {
    const display = renderer.getNodeDisplayData(node);
    return display ? renderer.framedGraphToViewport(display) : null;
  };
  renderer.on('enterNode', ({ node }) => {
    hovered = node;
    container.style.cursor = 'pointer';
    onHover(node, hoverPoint(node));
    renderer.refresh({ skipIndexation: true });
  });
  renderer.on('leaveNode', () => {
    hovered = null;
    container.style.cursor = '';
    onHover(null, null);
    renderer.refresh({ skipIndexation: true });
  });
  renderer.on('clickNode', ({ node }) => onSelect(node));
  renderer.on('clickStage', () => onSelect(null));

  // The layout runs in a worker; only the answer to the latest request is applied.
  const worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
  let layoutRun = 0;
  worker.onmessage = (message: MessageEvent<LayoutAnswer>) => {
    if (message.data.run !== layoutRun) return;
    for (const [node, position] of Object.entries(message.data.positions)) {
      if (graph.hasNode(node)) graph.mergeNodeAttributes(node, position);
    }
    onLayout(false);
  };
  const relax = () => {
    if (graph.order < 2) return;
    layoutRun += 1;
    const input: LayoutInput = {
      nodes: graph.mapNodes((id, attributes) => ({ id, x: attributes.x, y: attributes.y })),
      edges: graph.mapEdges((_, _attributes, source, target) => [source, target] as const),
    };
    const request: LayoutRequest = { run: layoutRun, input };
    onLayout(true);
    worker.postMessage(request);
  };

  const resize = () => {
    sizes = latest && shown && shown.sizeBy !== 'kind' ? scaledSizes(nodeScores(latest, shown.sizeBy)) : null;
  };

  return {
    renderer,
    graph,
    update(view) {
      latest = view;
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
      resize();
      if (added) relax();
    },
    display(next) {
      const sizeChanged = next.sizeBy !== shown?.sizeBy;
      shown = next;
      if (sizeChanged) resize();
      renderer.refresh({ skipIndexation: false });
    },
    select(nodeId) {
      selected = nodeId;
      renderer.refresh({ skipIndexation: true });
    },
    centreOn(nodeId) {
      const display = renderer.getNodeDisplayData(nodeId);
      if (!display) return;
      void renderer.getCamera().animate({ x: display.x, y: display.y, ratio: 0.6 }, { duration: 300 });
    },
    destroy() {
      worker.terminate();
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
