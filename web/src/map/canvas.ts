// The drawn map: one graphology graph rendered by sigma.js (WebGL), loaded lazily with the
// map view so the login page stays small. `update` merges a new network view into the graph:
// a node someone placed (`place`, recorded by `NodePlaced`) is drawn there; a new node
// without a place starts on the network circle and ForceAtlas2 relaxes the unplaced nodes
// around the placed ones for a fixed number of iterations in a web worker, so the same data
// gives the same picture. What is shown is decided by reducers, never by copying the graph:
// filters hide nodes, focus fades everything outside a neighbourhood, a metric resizes
// nodes, findings flag organisations. Hovering reports the node (for its explanation), a
// click selects it. For those who may change the map a node can be dragged: the canvas
// reports the drag as it goes and the drop (the page sends the presence and the command);
// others' drags are shown live (`showDrags`) but never move the node one is dragging oneself;
// a drag that ends without a recorded drop puts the node back where the log has it.
// Dragging works by touch too (sigma.js reports a finger like the mouse). A label is drawn on
// the first side of its dot (right, left, above, below) where it overlaps no other label nor
// another node's disc, or not at all (labelRoom.ts).
//
// A colleague's change (one event) costs a node or two, not the whole map: `update` looks only
// at the nodes and edges that are new objects (the store keeps the objects of what an event
// left alone), a few added nodes are placed beside their neighbours at once instead of a
// layout run (which moved every node's position through the worker and drew the map twice),
// and `display` asks sigma.js to redo only the nodes whose visibility, flag or size changed.
// What `update` and `display` are handed is drawn right after the page's effects, not at
// sigma.js's next animation frame: the store hands over a colleague's events that arrived
// together (one command is one view, so one drawing), and the map draws them at once.
//
// Before that, in the task the change arrived in, `preview` paints what it adds (new nodes and
// their edges) on an overlay of the map's own, without a full sigma.js frame (overlay.ts);
// sigma.js's frame with the change, a frame later, clears the overlay. A change the overlay
// cannot show as sigma.js would (one that changes or removes what is drawn, that the focus,
// the sizes or a filter would show differently, or that frames the map anew: a node beyond
// its extent) is refused, and the page hands it to sigma.js at once. Both are marked for the performance tools: `partnerhub:map-drawn` when a change is
// on the screen (overlay or full frame), `partnerhub:map-full-frame` for sigma.js's frames.
import Graph from 'graphology';
import Sigma from 'sigma';
import type { NodeDisplayData } from 'sigma/types';
import type { ViewChanges } from '../store/networkEvents';
import type { NetworkView } from '../store/views';
import { edgeAttributes, edgeKey, nodeAttributes, startPosition, unitHash, type EdgeAttributes, type NodeAttributes } from './graph';
import { LAYOUT_SCALE, type LayoutInput } from './layout';
import type { LayoutAnswer, LayoutRequest } from './layout.worker';
import { LabelRoom, dotBox, drawHighlight, textOrigin, type LabelBox } from './labelRoom';
import { additionsTo, paintChange, type LabelWriter, type OverlayChange, type PaintContext, type Projection } from './overlay';
import { nodeScores, scaledSizes, type SizeBy } from './metrics';
import { remoteDragEnd, type RemoteDragStart } from './place';
import { whenIdle } from '../store/settleBatch';
import { markTiming, measureTiming } from '../store/timing';

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

/** What the canvas tells the page. */
export interface MapCanvasHandlers {
  readonly onSelect: (nodeId: string | null) => void;
  readonly onLayout: (running: boolean) => void;
  readonly onHover: (nodeId: string | null, at: ViewportPoint | null) => void;
  /** A node is being dragged to (x, y) in map units; `dropped` once it is let go. */
  readonly onDrag: (nodeId: string, x: number, y: number, dropped: boolean) => void;
  /** The pointer is at (x, y) in map units, or left the map. */
  readonly onPointer: (at: { x: number; y: number } | null) => void;
  /** The picture was drawn again (the camera or a node moved): overlays follow. */
  readonly onRender: () => void;
}

export interface MapCanvas {
  update(view: NetworkView): void;
  /**
   * Paints what `view` adds to the map now, shown with `display` (what the page would show of
   * it), on the overlay; `update` with the view (or a later one) hands it to sigma.js. False
   * when the overlay cannot show it as sigma.js would: then hand it to `update` at once.
   */
  preview(view: NetworkView, display: MapDisplay, changes?: ViewChanges): boolean;
  /** Whether the person may drag nodes (roles that may change the map). */
  setEditable(editable: boolean): void;
  /** Others' drags in progress: node id to where it is now, in map units. */
  showDrags(drags: ReadonlyMap<string, { x: number; y: number }>): void;
  /** Where a node is drawn now, in map units. */
  positionOf(nodeId: string): { x: number; y: number } | null;
  /** Where a node is on the screen, in CSS pixels from the map's top left corner. */
  nodePoint(nodeId: string): ViewportPoint | null;
  /** Where a point in map units is on the screen. */
  mapPoint(at: { x: number; y: number }): ViewportPoint;
  /** How far one keyboard step moves a node, in map units: a fortieth of the map's extent. */
  nudgeStep(): number;
  display(display: MapDisplay): void;
  select(nodeId: string | null): void;
  /** Moves the camera to a node (search, keyboard selection). */
  centreOn(nodeId: string): void;
  /** The graph as it is drawn now: its renderer and graph, for the exports. */
  readonly renderer: Sigma<NodeAttributes, EdgeAttributes>;
  readonly graph: Graph<NodeAttributes, EdgeAttributes>;
  destroy(): void;
}

/** Nodes added to a laid-out map are placed beside their neighbours, with no layout run,
 * while they are fewer than 1/this of it. */
const SMALL_ADDITION = 20;
/** How long a colleague's drag that ended waits for its drop to arrive before the node goes
 * back to its recorded place (the drop is sent when the drag ends, and recorded durably). */
const DROP_WAIT_MS = 1_500;
const FADED_NODE = '#dde1e6';
const FADED_EDGE = '#eceef1';
const FLAG = '⚠ ';
/** Up to this many nodes, every label is offered to the room (labelRoom.ts). On larger maps
 * sigma.js's label grid offers the largest node's of each 60 px cell (and more as one zooms
 * in), which keeps a frame's labels few; on a small map it left a name out beside a larger
 * neighbour where there was room for it (Sofie Lund beside the Digital team on the English
 * demo map). */
const EVERY_LABEL_UP_TO = 400;
/** How far off the screen a node's dot still counts for the labels (a label runs sideways). */
const LABEL_REACH = 300;

export function createMapCanvas(container: HTMLElement, handlers: MapCanvasHandlers): MapCanvas {
  const { onSelect, onLayout, onHover, onDrag, onPointer, onRender } = handlers;
  /** The drawn graph: replaced once, by the first view filled in whole (see `update`). */
  let graph = newGraph();
  let selected: string | null = null;
  let hovered: string | null = null;
  let shown: MapDisplay | null = null;
  let latest: NetworkView | null = null;
  let sizes: Map<string, number> | null = null;
  let editable = false;
  /** The node this person is dragging, and whether it moved since it was taken. */
  let dragged: { node: string; moved: boolean } | null = null;
  /** Nodes others are dragging now. */
  let remoteDrags: ReadonlyMap<string, { x: number; y: number }> = new Map();
  /** Nodes with a recorded place: the layout keeps them where they are. */
  const placed = new Set<string>();
  /** The view's node and edge objects merged last (an unchanged object needs no work), with
   * each edge's key. */
  let mergedNodes = new Map<string, NetworkView['nodes'][number]>();
  let mergedEdges = new Map<NetworkView['edges'][number], string>();

  // Labels only where they have room (see labelRoom.ts): the forced ones take theirs first.
  const room = new LabelRoom();
  let labelsDrawn = 0;
  /** Offers every label to the room on a small map, sigma.js's grid's choice on a large one. */
  const offerLabels = (renderer: Sigma<NodeAttributes, EdgeAttributes>) => {
    const density = graph.order <= EVERY_LABEL_UP_TO ? Number.MAX_SAFE_INTEGER : 1;
    if (renderer.getSetting('labelDensity') !== density) renderer.setSetting('labelDensity', density);
  };
  let roomSeeded = false;
  /** Where this frame writes the labels that must show (their first side with room), null
   * for one no side of which lies inside the map (not drawn: it would be cut). */
  const forcedAt = new Map<string, LabelBox | null>();
  /** Each label's width in the labels' font, measured once rather than at every frame. */
  const widths = new Map<string, number>();
  let widthsFont = '';
  const measure = (context: PaintContext, label: string): number => {
    let width = widths.get(label);
    if (width === undefined) {
      width = context.measureText(label).width;
      widths.set(label, width);
    }
    return width;
  };
  /** Once a frame, before its first label: every drawn dot, then the forced labels. */
  const seedRoom = (sigma: Sigma<NodeAttributes, EdgeAttributes>, context: CanvasRenderingContext2D, labelSize: number) => {
    roomSeeded = true;
    forcedAt.clear();
    const { width, height } = sigma.getDimensions();
    const forced: { node: string; x: number; y: number; radius: number; label: string }[] = [];
    graph.forEachNode((node) => {
      const shown = sigma.getNodeDisplayData(node);
      if (!shown || shown.hidden) return;
      const at = sigma.framedGraphToViewport(shown);
      if (at.x < -LABEL_REACH || at.y < -LABEL_REACH || at.x > width + LABEL_REACH || at.y > height + LABEL_REACH) return;
      const radius = sigma.scaleSize(shown.size);
      room.dot(node, dotBox(at.x, at.y, radius));
      if (shown.forceLabel && shown.label) forced.push({ node, x: at.x, y: at.y, radius, label: shown.label });
    });
    for (const { node, x, y, radius, label } of forced) {
      forcedAt.set(node, room.forceAround(x, y, radius, labelSize, measure(context, label), node, { width, height }));
    }
  };
  /** The renderer, once made (sigma.js draws a first frame while it is being made). */
  let made: Sigma<NodeAttributes, EdgeAttributes> | null = null;
  const renderer = new Sigma<NodeAttributes, EdgeAttributes>(graph, container, {
    renderEdgeLabels: false,
    labelRenderedSizeThreshold: 5,
    labelGridCellSize: 60,
    defaultDrawNodeLabel: (context, data, settings) => {
      if (!data.label) return;
      const font = `${settings.labelWeight} ${settings.labelSize}px ${settings.labelFont}`;
      context.font = font;
      if (font !== widthsFont) {
        widths.clear();
        widthsFont = font;
      }
      if (!roomSeeded && made) seedRoom(made, context, settings.labelSize);
      const node = typeof data.key === 'string' ? data.key : null;
      const textWidth = measure(context, data.label);
      const bounds = made?.getDimensions() ?? null;
      const box = !data.forceLabel
        ? room.placeAround(data.x, data.y, data.size, settings.labelSize, textWidth, node, bounds)
        : node !== null && forcedAt.has(node)
          ? (forcedAt.get(node) ?? null)
          : room.forceAround(data.x, data.y, data.size, settings.labelSize, textWidth, node, bounds);
      if (!box) return;
      const origin = textOrigin(box, settings.labelSize);
      context.fillStyle = settings.labelColor.color ?? '#000';
      context.fillText(data.label, origin.x, origin.y);
      labelsDrawn += 1;
    },
    // The highlight of a hovered or selected node around the side its label took in this frame
    // (sigma.js's own always took the right, beside a label written on the left).
    defaultDrawNodeHover: (context, data, settings) => {
      const font = `${settings.labelWeight} ${settings.labelSize}px ${settings.labelFont}`;
      context.font = font;
      const node = typeof data.key === 'string' ? data.key : null;
      const box = node === null ? null : (forcedAt.get(node) ?? null);
      drawHighlight(context, { x: data.x, y: data.y, radius: data.size }, data.label, box, {
        font,
        size: settings.labelSize,
        color: settings.labelColor.color ?? '#000',
        width: data.label ? measure(context, data.label) : 0,
      });
    },
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
  // The first frame drawn after the view changed is marked for the performance tools
  // (User Timing: `partnerhub:map-drawn`, with the nodes and edges drawn); the map benchmark
  // (bench/map.mjs) reads it, and so does anyone profiling the app in the browser.
  let markNextFrame = false;
  /** A view or display the page handed over is drawn right after the page's effects (a
   * microtask), in the task that rendered the page, rather than at sigma.js's next animation
   * frame: a colleague's change shows without waiting for it, and is drawn once. */
  let drawQueued = false;
  let killed = false;
  const drawSoon = () => {
    if (drawQueued) return;
    drawQueued = true;
    queueMicrotask(() => {
      drawQueued = false;
      // Nothing reprocessed beyond what the graph's changes asked for; drawn now.
      if (!killed) renderer.refresh({ partialGraph: { nodes: [], edges: [] }, skipIndexation: true });
    });
  };
  /** When a layout answer arrived that the next frame draws (`partnerhub:map-layout` spans
   * the answer and that frame, so the benchmark can tell the changes that met one). */
  let layoutAnswerAt: number | null = null;
  made = renderer;

  // The overlay (overlay.ts), in sigma.js's layers: its edges over sigma.js's edges and under
  // its nodes, its nodes (added last) over sigma.js's nodes and under its labels.
  const overlays = [
    renderer.createCanvas('partnerhub-change-edges', { beforeLayer: 'nodes', style: { pointerEvents: 'none' } }),
    renderer.createCanvas('partnerhub-change-nodes', { afterLayer: 'nodes', style: { pointerEvents: 'none' } }),
  ] as const;
  const [edgesLayer, nodesLayer] = overlays.map((layer) => layer.getContext('2d'));
  /** What the overlay shows: a change sigma.js has not drawn yet. */
  let change: OverlayChange | null = null;
  const projection: Projection = {
    point: (at) => renderer.graphToViewport(at),
    drawnNode: (id) => {
      const display = renderer.getNodeDisplayData(id);
      return display && !display.hidden ? renderer.framedGraphToViewport(display) : null;
    },
    scale: (size) => renderer.scaleSize(size),
    get minEdgeThickness() {
      return renderer.getSetting('minEdgeThickness');
    },
  };
  /** Labels as `defaultDrawNodeLabel` writes them, in the label room of the frame drawn last. */
  const labelWriter = (context: CanvasRenderingContext2D): LabelWriter => {
    const settings = renderer.getSettings();
    const size = settings.labelSize;
    const font = `${settings.labelWeight} ${size}px ${settings.labelFont}`;
    if (font !== widthsFont) {
      widths.clear();
      widthsFont = font;
    }
    return {
      font,
      size,
      color: settings.labelColor.color ?? '#000',
      threshold: settings.labelRenderedSizeThreshold,
      measure,
      place: (x, y, radius, textWidth, node, forced) => {
        // The room of the frame drawn last, seeded when a label first needs it (a change
        // whose nodes are drawn too small for a label needs none).
        if (!roomSeeded) {
          context.font = font;
          seedRoom(renderer, context, size);
        }
        const bounds = renderer.getDimensions();
        return forced ? room.forceAround(x, y, radius, size, textWidth, node, bounds) : room.placeAround(x, y, radius, size, textWidth, node, bounds);
      },
      origin: (box) => textOrigin(box, size),
    };
  };
  /** Whether the overlay's canvases were drawn on since they were last sized. */
  let overlayDrawnOn = false;
  /** The overlay's canvases the map's size (a canvas resized gets a new backing store). */
  const sizeOverlay = (): { width: number; height: number } => {
    const { width, height } = renderer.getDimensions();
    const ratio = window.devicePixelRatio || 1;
    for (const layer of overlays) {
      if (layer.width !== Math.round(width * ratio) || layer.height !== Math.round(height * ratio)) {
        overlayDrawnOn = false;
        layer.width = Math.round(width * ratio);
        layer.height = Math.round(height * ratio);
        layer.style.width = `${width}px`;
        layer.style.height = `${height}px`;
      }
    }
    return { width, height };
  };
  /** Paints the overlay anew: empty, or the change sigma.js has not drawn yet. */
  const paintOverlay = () => {
    if (!edgesLayer || !nodesLayer) return;
    const { width, height } = sizeOverlay();
    const ratio = window.devicePixelRatio || 1;
    for (const context of [edgesLayer, nodesLayer]) {
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.clearRect(0, 0, width, height);
    }
    const overlayNodes = String(change?.nodes.length ?? 0);
    if (container.dataset.overlayNodes !== overlayNodes) container.dataset.overlayNodes = overlayNodes;
    if (change !== null) paintChange({ edges: edgesLayer, nodes: nodesLayer }, change, projection, labelWriter(nodesLayer));
  };
  /** sigma.js draws what the overlay showed (in this task): the overlay is emptied. */
  const clearOverlay = () => {
    if (change === null) return;
    change = null;
    paintOverlay();
  };
  /** After a frame, when the page is idle, what a colleague's change would otherwise do on its
   * way to the screen: the overlay's canvases sized to the map and drawn on once (a canvas
   * gets its backing store at its first drawing), the labels' font set on them, and the label
   * room seeded when the frame wrote no label (seeding looks at every drawn node). */
  let prepared: (() => void) | null = null;
  const prepareWhenIdle = () => {
    if (prepared !== null || !nodesLayer) return;
    const layer = nodesLayer;
    prepared = whenIdle(() => {
      prepared = null;
      if (killed) return;
      if (change === null) {
        paintOverlay();
        // A canvas gets its backing store at its first drawing (clearing a blank one is not
        // one): a pixel drawn and cleared, once per size.
        if (!overlayDrawnOn && edgesLayer && nodesLayer) {
          for (const context of [edgesLayer, nodesLayer]) {
            context.fillRect(0, 0, 1, 1);
            context.clearRect(0, 0, 1, 1);
          }
        }
      }
      overlayDrawnOn = true;
      const settings = renderer.getSettings();
      layer.font = `${settings.labelWeight} ${settings.labelSize}px ${settings.labelFont}`;
      if (!roomSeeded) seedRoom(renderer, layer, settings.labelSize);
    });
  };
  renderer.on('beforeRender', () => {
    room.clear();
    roomSeeded = false;
    labelsDrawn = 0;
    prepared?.();
    prepared = null;
  });
  renderer.on('afterRender', () => {
    // How many names the frame wrote (the browser tests read it: every demo node's).
    container.dataset.labels = String(labelsDrawn);
    if (markNextFrame) {
      markNextFrame = false;
      const drawn = { nodes: graph.order, edges: graph.size };
      markTiming('partnerhub:map-drawn', drawn);
      markTiming('partnerhub:map-full-frame', drawn);
    }
    // What the overlay still shows follows the camera and the nodes.
    if (change !== null) paintOverlay();
    prepareWhenIdle();
    if (layoutAnswerAt !== null) {
      measureTiming('partnerhub:map-layout', layoutAnswerAt);
      layoutAnswerAt = null;
    }
    onRender();
  });

  // Dragging (sigma.js's drag example): the camera holds still while a node moves, and the
  // frame stays as it was so the rest of the map does not shift under the pointer.
  const holdFrame = () => {
    if (!renderer.getCustomBBox()) renderer.setCustomBBox(renderer.getBBox());
  };
  renderer.on('downNode', ({ node }) => {
    if (!editable) return;
    dragged = { node, moved: false };
    holdFrame();
  });
  renderer.on('moveBody', ({ event }) => {
    const at = renderer.viewportToGraph(event);
    onPointer(at);
    if (!dragged) return;
    dragged.moved = true;
    graph.mergeNodeAttributes(dragged.node, { x: at.x, y: at.y });
    onDrag(dragged.node, at.x, at.y, false);
    event.preventSigmaDefault();
    event.original.preventDefault();
    event.original.stopPropagation();
  });
  const drop = () => {
    if (!dragged) return;
    const { node, moved } = dragged;
    dragged = null;
    if (!moved || !graph.hasNode(node)) return;
    const { x, y } = graph.getNodeAttributes(node);
    onDrag(node, x, y, true);
  };
  renderer.on('upNode', drop);
  renderer.on('upStage', drop);
  const left = () => {
    drop();
    onPointer(null);
  };
  container.addEventListener('mouseleave', left);

  // The layout runs in a worker; only the answer to the latest request is applied.
  const worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
  let layoutRun = 0;
  worker.onmessage = (message: MessageEvent<LayoutAnswer>) => {
    if (message.data.run !== layoutRun) return;
    layoutAnswerAt = performance.now();
    const positions = message.data.positions;
    // All positions in one graph update: sigma.js then processes the map once, not once per
    // node (a node merged alone makes it redo the whole map's indexes at the next frame).
    graph.updateEachNodeAttributes(
      (node, attributes) => {
        const position = positions[node];
        // A node placed, or dragged by someone, since the request stays where it is now.
        if (!position || placed.has(node) || dragged?.node === node || remoteDrags.has(node)) return attributes;
        if (attributes.x === position.x && attributes.y === position.y) return attributes;
        return { ...attributes, x: position.x, y: position.y };
      },
      { attributes: ['x', 'y'] },
    );
    onLayout(false);
  };
  /** Relaxes the unplaced nodes around the placed ones. */
  const relax = () => {
    if (graph.order < 2) return;
    layoutRun += 1;
    const input: LayoutInput = {
      nodes: graph.mapNodes((id, attributes) => ({ id, x: attributes.x, y: attributes.y, fixed: placed.has(id) })),
      edges: graph.mapEdges((_, _attributes, source, target) => [source, target] as const),
    };
    const request: LayoutRequest = { run: layoutRun, input };
    onLayout(true);
    worker.postMessage(request);
  };

  /** The nodes whose size changed (all of them when there were none before or are none now). */
  const resize = (): string[] | null => {
    const before = sizes;
    sizes = latest && shown && shown.sizeBy !== 'kind' ? scaledSizes(nodeScores(latest, shown.sizeBy)) : null;
    if (before === null && sizes === null) return [];
    if (before === null || sizes === null) return null;
    const changed: string[] = [];
    for (const [node, size] of sizes) if (before.get(node) !== size) changed.push(node);
    return changed;
  };

  /** Where each node others drag was when their drag began (see `remoteDragEnd`). */
  const remoteDragStarts = new Map<string, RemoteDragStart<NetworkView['nodes'][number]>>();
  /** A colleague's drag of `node` ended: the node goes to its recorded place, or back. */
  const settleRemoteDrag = (node: string, waited: boolean): void => {
    const start = remoteDragStarts.get(node);
    if (!start || remoteDrags.has(node)) return;
    const to = remoteDragEnd(start, mergedNodes.get(node), waited);
    if (to === 'wait') {
      setTimeout(() => settleRemoteDrag(node, true), DROP_WAIT_MS);
      return;
    }
    remoteDragStarts.delete(node);
    if (!graph.hasNode(node) || dragged?.node === node) return;
    const now = graph.getNodeAttributes(node);
    if (now.x !== to.x || now.y !== to.y) graph.mergeNodeAttributes(node, { x: to.x, y: to.y });
  };

  /** Merges a view into the graph: only node and edge objects new since the last view are
   * looked at. The nodes added without a recorded place (they start on the network circle). */
  const merge = (view: NetworkView): Set<string> => {
    const added = new Set<string>();
    // New nodes start on the network circle scaled to the map as it is laid out now.
    let scale: ReturnType<typeof circleScale> | null = null;
    const nodes = new Map<string, NetworkView['nodes'][number]>();
    for (const node of view.nodes) {
      nodes.set(node.id, node);
      if (mergedNodes.get(node.id) === node && graph.hasNode(node.id)) continue;
      const attributes = nodeAttributes(node);
      if (node.place) placed.add(node.id);
      else placed.delete(node.id);
      if (graph.hasNode(node.id)) {
        // What this person is dragging now is not moved under their hand.
        const place = node.place && dragged?.node !== node.id && !remoteDrags.has(node.id) ? node.place : {};
        const next = { ...attributes, ...place };
        // Only what changed is merged: every merge makes sigma process the node again.
        if (differs(graph.getNodeAttributes(node.id), next)) graph.mergeNodeAttributes(node.id, next);
      } else if (node.place) {
        graph.addNode(node.id, { ...attributes, x: node.place.x, y: node.place.y });
      } else {
        scale ??= circleScale(graph);
        graph.addNode(node.id, { ...attributes, ...circleStart(node, scale) });
        added.add(node.id);
      }
    }
    if (nodes.size !== graph.order || mergedNodes.size !== nodes.size) {
      for (const node of graph.nodes()) {
        if (!nodes.has(node)) {
          graph.dropNode(node);
          placed.delete(node);
        }
      }
    }
    mergedNodes = nodes;
    const edges = new Map<NetworkView['edges'][number], string>();
    const keys = new Set<string>();
    for (const edge of view.edges) {
      const known = mergedEdges.get(edge);
      if (known !== undefined && graph.hasEdge(known)) {
        edges.set(edge, known);
        keys.add(known);
        continue;
      }
      // Drawn once per key, and only between nodes of the view.
      const key = edgeKey(edge);
      if (keys.has(key) || !nodes.has(edge.source) || !nodes.has(edge.target)) continue;
      edges.set(edge, key);
      keys.add(key);
      if (graph.hasEdge(key)) {
        const next = edgeAttributes(edge);
        if (differs(graph.getEdgeAttributes(key), next)) graph.mergeEdgeAttributes(key, next);
      } else graph.addEdgeWithKey(key, edge.source, edge.target, edgeAttributes(edge));
    }
    if (keys.size !== graph.size) for (const edge of graph.edges()) if (!keys.has(edge)) graph.dropEdge(edge);
    mergedEdges = edges;
    return added;
  };

  return {
    renderer,
    get graph() {
      return graph;
    },
    update(view) {
      latest = view;
      // sigma.js draws the view in this task (below): what the overlay showed is in it.
      clearOverlay();
      if (graph.order === 0 && view.nodes.length > 0) {
        // The first view: filled into a graph sigma.js does not watch yet and handed over
        // whole, so sigma.js indexes it once and draws it now (setGraph draws at once), not
        // node by node through its graph events and at the next frame.
        graph = newGraph();
        const added = merge(view);
        resize();
        markNextFrame = true;
        offerLabels(renderer);
        renderer.setGraph(graph);
        if (added.size > 0) relax();
        return;
      }
      const laidOut = graph.order > 0;
      const added = merge(view);
      resize();
      markNextFrame = true;
      offerLabels(renderer);
      drawSoon();
      if (added.size > 0) {
        // Frame the grown map anew, unless someone holds a node (the map would shift under it).
        if (!dragged && remoteDrags.size === 0) renderer.setCustomBBox(null);
        if (laidOut && fewAdded(added.size, graph.order)) {
          const neighbours = (node: string) => graph.neighbors(node);
          for (const [node, at] of besidePositions(added, neighbours, (node) => graph.getNodeAttributes(node))) graph.mergeNodeAttributes(node, at);
        } else relax();
      }
    },
    preview(view, next, changes) {
      const before = shown;
      if (killed || graph.order === 0 || before === null) return false;
      // The focus fades and the sizes scale nodes by the whole map: sigma.js's part.
      if (before.focus !== null || next.focus !== null || before.sizeBy !== 'kind' || next.sizeBy !== 'kind') return false;
      // What the store says changed, when it is from the view drawn last.
      const drawn = { nodes: mergedNodes, edges: mergedEdges, hasEdge: (key: string) => graph.hasEdge(key) };
      const additions = additionsTo(drawn, view, changes?.since === latest ? changes : undefined);
      if (additions === null) return false;
      // What is drawn must look the same with the change (shown, flagged): the overlay only adds.
      for (const node of mergedNodes.keys()) {
        if (before.visible.has(node) !== next.visible.has(node) || before.flagged.has(node) !== next.flagged.has(node)) return false;
      }
      // Where the new nodes go, as `update` puts them in the frame it draws (`merge`, then
      // `placeBesideNeighbours` for a few; many stay where they start until a layout run).
      const unplaced = new Set(additions.nodes.filter((node) => !node.place).map((node) => node.id));
      const at = new Map<string, { x: number; y: number }>();
      let scale: ReturnType<typeof circleScale> | null = null;
      for (const node of additions.nodes) {
        if (node.place) at.set(node.id, node.place);
        else at.set(node.id, circleStart(node, (scale ??= circleScale(graph))));
      }
      if (fewAdded(unplaced.size, graph.order + additions.nodes.length)) {
        // The new nodes' neighbours: those the change's edges join them to.
        const neighbours = new Map<string, string[]>();
        for (const { edge } of additions.edges) {
          for (const [end, other] of [[edge.source, edge.target], [edge.target, edge.source]] as const) {
            if (unplaced.has(end)) neighbours.set(end, [...(neighbours.get(end) ?? []), other]);
          }
        }
        const positionOf = (node: string) => at.get(node) ?? (graph.hasNode(node) ? graph.getNodeAttributes(node) : null);
        for (const [node, aside] of besidePositions(unplaced, (node) => neighbours.get(node) ?? [], positionOf)) at.set(node, aside);
      }
      // The full frame frames the map anew around the new nodes (unless someone holds a node):
      // one outside the map's extent now moves every node on the screen, which the overlay
      // cannot show.
      if (!dragged && remoteDrags.size === 0) {
        if (renderer.getCustomBBox() !== null) return false;
        const { x, y } = renderer.getBBox();
        for (const { x: nodeX, y: nodeY } of at.values()) {
          if (nodeX < x[0] || nodeX > x[1] || nodeY < y[0] || nodeY > y[1]) return false;
        }
      }
      change = {
        nodes: additions.nodes
          .filter((node) => next.visible.has(node.id))
          .map((node) => {
            const { color, size, label } = nodeAttributes(node);
            const flagged = next.flagged.has(node.id);
            const { x, y } = at.get(node.id) ?? { x: 0, y: 0 };
            return { id: node.id, x, y, color, size, label: flagged ? FLAG + label : label, forceLabel: flagged };
          }),
        edges: additions.edges
          .filter(({ edge }) => next.visible.has(edge.source) && next.visible.has(edge.target))
          .map(({ edge, key }) => {
            const { color, size } = edgeAttributes(edge);
            return { key, source: edge.source, target: edge.target, color, size };
          }),
      };
      paintOverlay();
      markTiming('partnerhub:map-drawn', {
        nodes: graph.order + additions.nodes.length,
        edges: graph.size + additions.edges.length,
        overlay: { nodes: change.nodes.length, edges: change.edges.length },
      });
      return true;
    },
    setEditable(next) {
      editable = next;
      if (!editable) dragged = null;
    },
    showDrags(drags) {
      for (const node of drags.keys()) {
        if (remoteDragStarts.has(node) || !graph.hasNode(node)) continue;
        const { x, y } = graph.getNodeAttributes(node);
        remoteDragStarts.set(node, { view: mergedNodes.get(node), at: { x, y } });
      }
      const ended = [...remoteDrags.keys()].filter((node) => !drags.has(node));
      remoteDrags = drags;
      if (drags.size > 0) holdFrame();
      for (const [node, at] of drags) {
        if (graph.hasNode(node) && dragged?.node !== node) graph.mergeNodeAttributes(node, { x: at.x, y: at.y });
      }
      for (const node of ended) settleRemoteDrag(node, false);
    },
    positionOf(nodeId) {
      if (!graph.hasNode(nodeId)) return null;
      const { x, y } = graph.getNodeAttributes(nodeId);
      return { x, y };
    },
    nodePoint: hoverPoint,
    mapPoint(at) {
      return renderer.graphToViewport(at);
    },
    nudgeStep() {
      const { x, y } = renderer.getBBox();
      const extent = Math.max(x[1] - x[0], y[1] - y[0]);
      return Number.isFinite(extent) && extent > 0 ? Math.max(1, Math.round(extent / 40)) : LAYOUT_SCALE;
    },
    display(next) {
      const before = shown;
      shown = next;
      const resized = next.sizeBy !== before?.sizeBy ? resize() : [];
      // Nothing drawn yet: the first view is drawn with this display (see `update`).
      if (graph.order === 0) return;
      // What the overlay shows was decided with the display before: sigma.js draws it soon.
      clearOverlay();
      // A new focus, a new size or a first display: everything is drawn anew. Otherwise only
      // the nodes the change touches (shown or hidden, flagged or not), with their edges.
      if (before === null || before.focus !== next.focus || resized === null) {
        renderer.refresh({ skipIndexation: false, schedule: true });
        drawSoon();
        return;
      }
      const changed = new Set(resized);
      const compare = (was: ReadonlySet<string>, now: ReadonlySet<string>) => {
        if (was === now) return;
        for (const node of now) if (!was.has(node)) changed.add(node);
        for (const node of was) if (!now.has(node)) changed.add(node);
      };
      compare(before.visible, next.visible);
      compare(before.flagged, next.flagged);
      const nodes = [...changed].filter((node) => graph.hasNode(node));
      if (nodes.length === 0) return;
      const edges = new Set<string>();
      for (const node of nodes) graph.forEachEdge(node, (edge) => edges.add(edge));
      renderer.refresh({ partialGraph: { nodes, edges: [...edges] }, skipIndexation: false, schedule: true });
      drawSoon();
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
      killed = true;
      container.removeEventListener('mouseleave', left);
      worker.terminate();
      renderer.kill();
    },
  };
}

/** An empty graph of the map's kind. */
function newGraph(): Graph<NodeAttributes, EdgeAttributes> {
  return new Graph<NodeAttributes, EdgeAttributes>({ multi: true, type: 'directed' });
}

/** The library's place and how far the laid-out map reaches from it, in start-circle units. */
function circleScale(graph: Graph<NodeAttributes, EdgeAttributes>): { x: number; y: number; factor: number } {
  const library = graph.findNode((_, attributes) => attributes.kind === 'library');
  if (library === undefined) return { x: 0, y: 0, factor: LAYOUT_SCALE };
  const { x, y } = graph.getNodeAttributes(library);
  let reach = 0;
  graph.forEachNode((_, attributes) => {
    reach = Math.max(reach, Math.hypot(attributes.x - x, attributes.y - y));
  });
  return { x, y, factor: reach > 0 ? reach / 9 : LAYOUT_SCALE };
}

/** Where a node new to the map starts: its place on the network circle, scaled to the map. */
function circleStart(node: NetworkView['nodes'][number], scale: { x: number; y: number; factor: number }): { x: number; y: number } {
  const start = startPosition(node);
  return { x: scale.x + start.x * scale.factor, y: scale.y + start.y * scale.factor };
}

/** Whether `count` nodes added to a map of `order` nodes (them included) are few enough to
 * be placed beside their neighbours, with no layout run. */
function fewAdded(count: number, order: number): boolean {
  return count * SMALL_ADDITION < order;
}

/** Where each of `added` (a few nodes new to a laid-out map, without a recorded place) goes
 * without a layout run: in the middle of its neighbours already on the map (`neighbours`,
 * those among `added` left out; `positionOf` where each is), a little aside (by a hash of
 * its id, so every screen agrees) so it does not cover them. A node without such neighbours
 * is left out: it stays where it starts, on the network circle. The one rule for the frame
 * sigma.js draws (`update`) and for the overlay's painting before it (`preview`). */
function besidePositions(
  added: ReadonlySet<string>,
  neighbours: (node: string) => Iterable<string>,
  positionOf: (node: string) => { readonly x: number; readonly y: number } | null,
): Map<string, { x: number; y: number }> {
  const positions = new Map<string, { x: number; y: number }>();
  for (const node of added) {
    const points: { x: number; y: number }[] = [];
    for (const neighbour of new Set(neighbours(node))) {
      const point = added.has(neighbour) ? null : positionOf(neighbour);
      if (point) points.push({ x: point.x, y: point.y });
    }
    const at = besideNeighbours(node, points);
    if (at) positions.set(node, at);
  }
  return positions;
}

/** Where a node new to a laid-out map goes among its neighbours on the map (`points`): in
 * their middle, a little aside by a hash of its id; null without neighbours. */
function besideNeighbours(node: string, points: readonly { readonly x: number; readonly y: number }[]): { x: number; y: number } | null {
  if (points.length === 0) return null;
  let x = 0;
  let y = 0;
  for (const point of points) {
    x += point.x;
    y += point.y;
  }
  const turn = unitHash(node) * 2 * Math.PI;
  const aside = LAYOUT_SCALE * 0.5;
  return { x: x / points.length + aside * Math.cos(turn), y: y / points.length + aside * Math.sin(turn) };
}

/** Whether merging `next` into `current` would change any attribute. */
function differs<T extends object>(current: T, next: Partial<T>): boolean {
  return (Object.keys(next) as (keyof T)[]).some((key) => current[key] !== next[key]);
}
