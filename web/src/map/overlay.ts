// A colleague's change on the screen without a full frame of the map. sigma.js 3 draws every
// node and edge again for any change (and in headless Chromium, in software: 40 to 80 ms for
// 2,000 nodes and 5,000 edges), so the map paints what a change adds (new nodes, their
// edges) at once on two light 2D canvases of its own, the way sigma.js would draw them and in
// its layers (the edges over sigma.js's edges and under its nodes; the nodes, added last, over
// its nodes, with their labels where the label room has space), at the camera's place now;
// the page hands the
// change to sigma.js a frame later, and that full frame clears the overlay. A change that does
// more than add (a node or edge changed or gone, a display that would change for what is
// drawn already) is not painted here: the page hands it to sigma.js at once, so the picture is
// never wrong, only, for those changes, a frame later.
//
// `additionsTo` says what a view adds to what sigma.js's graph holds (pure, tested);
// `paintChange` draws it through a `Projection` of the renderer's camera (tested with a
// recording context).
import type { ViewChanges } from '../store/networkEvents';
import type { NetworkEdge, NetworkNode, NetworkView } from '../store/views';
import { edgeKey } from './graph';
import type { LabelBox } from './labelRoom';

/** What sigma.js's graph holds: the view's node objects by id and its edge objects with
 * their keys, as the canvas merged them last (the store keeps the objects an event leaves
 * alone, so an object not among them is new or changed). */
export interface Drawn {
  readonly nodes: ReadonlyMap<string, NetworkNode>;
  readonly edges: ReadonlyMap<NetworkEdge, string>;
  /** Whether the graph has an edge of this key. */
  hasEdge(key: string): boolean;
}

/** The nodes and edges a view adds to what is drawn. */
export interface Additions {
  readonly nodes: readonly NetworkNode[];
  readonly edges: readonly { readonly edge: NetworkEdge; readonly key: string }[];
}

/**
 * What `view` adds to `drawn`, or null when it also changes or removes something drawn (the
 * overlay can only add to the picture). Edges are taken as the canvas merges them: once per
 * key, and only between nodes of the view. With `changes` from the view drawn (the store's
 * events say what they touched), only the nodes and edges they name are looked at: a change
 * costs what it touches, not a pass over the map.
 */
export function additionsTo(drawn: Drawn, view: NetworkView, changes?: ViewChanges): Additions | null {
  if (changes) return additionsAmong(drawn, changes);
  const nodes: NetworkNode[] = [];
  const added = new Set<string>();
  let kept = 0;
  for (const node of view.nodes) {
    const was = drawn.nodes.get(node.id);
    if (was === node) kept += 1;
    else if (was !== undefined || added.has(node.id)) return null;
    else {
      nodes.push(node);
      added.add(node.id);
    }
  }
  if (kept !== drawn.nodes.size) return null;
  const inView = (id: string) => drawn.nodes.has(id) || added.has(id);
  const edges: { edge: NetworkEdge; key: string }[] = [];
  const keys = new Set<string>();
  let keptEdges = 0;
  for (const edge of view.edges) {
    if (drawn.edges.has(edge)) {
      keptEdges += 1;
      continue;
    }
    if (!inView(edge.source) || !inView(edge.target)) continue;
    const key = edgeKey(edge);
    if (keys.has(key)) continue;
    if (drawn.hasEdge(key)) return null;
    keys.add(key);
    edges.push({ edge, key });
  }
  if (keptEdges !== drawn.edges.size) return null;
  return { nodes, edges };
}

/** `additionsTo` from the nodes and edges `changes` names (the rest is what is drawn). */
function additionsAmong(drawn: Drawn, changes: ViewChanges): Additions | null {
  const nodes: NetworkNode[] = [];
  const added = new Set<string>();
  for (const id of changes.nodes) {
    const now = changes.node(id);
    const was = drawn.nodes.get(id);
    if (now === was) continue;
    // Changed or removed: sigma.js's part.
    if (was !== undefined || now === undefined) return null;
    nodes.push(now);
    added.add(id);
  }
  const inView = (id: string) => drawn.nodes.has(id) || added.has(id);
  const edges: { edge: NetworkEdge; key: string }[] = [];
  for (const key of changes.edges) {
    const edge = changes.edge(key);
    if (edge !== undefined && drawn.edges.has(edge)) continue;
    if (edge === undefined) {
      if (drawn.hasEdge(key)) return null;
      continue;
    }
    if (!inView(edge.source) || !inView(edge.target)) continue;
    if (drawn.hasEdge(key)) return null;
    edges.push({ edge, key });
  }
  return { nodes, edges };
}

/** A node the overlay paints: where it is (map units) and how sigma.js would draw it. */
export interface OverlayNode {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly color: string;
  readonly size: number;
  readonly label: string | null;
  /** Shown whether or not it has room (a flagged organisation's). */
  readonly forceLabel: boolean;
}

/** An edge the overlay paints, between two nodes drawn by sigma.js or by the overlay. */
export interface OverlayEdge {
  readonly key: string;
  readonly source: string;
  readonly target: string;
  readonly color: string;
  readonly size: number;
}

/** What the overlay paints: a change's nodes and edges that the filters show. */
export interface OverlayChange {
  readonly nodes: readonly OverlayNode[];
  readonly edges: readonly OverlayEdge[];
}

/** The renderer's picture as it is now, for the overlay to paint into it. */
export interface Projection {
  /** Where a point in map units is on the screen (CSS pixels from the map's top left). */
  point(at: { readonly x: number; readonly y: number }): { x: number; y: number };
  /** Where a node sigma.js draws is on the screen, or null (not drawn, or hidden). */
  drawnNode(id: string): { x: number; y: number } | null;
  /** A node's radius, or an edge's thickness, on the screen now. */
  scale(size: number): number;
  /** The thinnest edge sigma.js draws, in CSS pixels. */
  readonly minEdgeThickness: number;
}

/** How labels are written, as sigma.js writes them (canvas.ts's `defaultDrawNodeLabel`). */
export interface LabelWriter {
  readonly font: string;
  readonly size: number;
  readonly color: string;
  /** Nodes drawn smaller than this have no label unless it is forced. */
  readonly threshold: number;
  measure(context: PaintContext, label: string): number;
  /** Where the label goes: the first side of its dot with room inside the map, or (forced)
   * the first inside the map; null when it has none (never drawn cut by the map's edge). */
  place(x: number, y: number, radius: number, textWidth: number, node: string, forced: boolean): LabelBox | null;
  /** Where to write a label so that its text fills `box`. */
  origin(box: LabelBox): { x: number; y: number };
}

/** The part of a 2D canvas context the overlay paints with. */
export type PaintContext = Pick<
  CanvasRenderingContext2D,
  'beginPath' | 'moveTo' | 'lineTo' | 'stroke' | 'arc' | 'fill' | 'fillText' | 'measureText' | 'strokeStyle' | 'fillStyle' | 'lineWidth' | 'lineCap' | 'font'
>;

/** The overlay's two layers: under sigma.js's nodes (for edges) and over them (for nodes). */
export interface OverlayLayers {
  readonly edges: PaintContext;
  readonly nodes: PaintContext;
}

/** Paints a change: its edges, then its nodes' discs, then their labels. */
export function paintChange(layers: OverlayLayers, change: OverlayChange, projection: Projection, labels: LabelWriter): void {
  const at = new Map<string, { x: number; y: number; radius: number }>();
  for (const node of change.nodes) at.set(node.id, { ...projection.point(node), radius: projection.scale(node.size) });
  const where = (id: string) => at.get(id) ?? projection.drawnNode(id);
  let context = layers.edges;
  context.lineCap = 'butt';
  for (const edge of change.edges) {
    const from = where(edge.source);
    const to = where(edge.target);
    if (!from || !to) continue;
    context.strokeStyle = edge.color;
    context.lineWidth = Math.max(projection.scale(edge.size), projection.minEdgeThickness);
    context.beginPath();
    context.moveTo(from.x, from.y);
    context.lineTo(to.x, to.y);
    context.stroke();
  }
  context = layers.nodes;
  for (const node of change.nodes) {
    const { x, y, radius } = at.get(node.id) ?? { x: 0, y: 0, radius: 0 };
    context.fillStyle = node.color;
    context.beginPath();
    context.arc(x, y, radius, 0, 2 * Math.PI);
    context.fill();
  }
  context.font = labels.font;
  context.fillStyle = labels.color;
  for (const node of change.nodes) {
    const { x, y, radius } = at.get(node.id) ?? { x: 0, y: 0, radius: 0 };
    if (!node.label || (!node.forceLabel && radius < labels.threshold)) continue;
    const box = labels.place(x, y, radius, labels.measure(context, node.label), node.id, node.forceLabel);
    if (!box) continue;
    const origin = labels.origin(box);
    context.fillText(node.label, origin.x, origin.y);
  }
}
