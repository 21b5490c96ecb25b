// The map drawn with sigma.js. The renderer module is imported when the map is first shown,
// so the login page does not load WebGL code; the exports are imported when a person exports.
// The map is there, hidden, while the network view loads (`view` null): sigma.js makes its
// WebGL contexts and compiles its programs meanwhile, and draws the view the moment it comes.
// Hovering a flagged organisation shows the findings about it, in words. Over the map, the
// others on it: their pointers and what each has selected, in their own colours; their drags
// move the nodes live.
import type { MutableRef } from 'preact/hooks';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { NetworkView } from '../store/views';
import { avatarColour, initials, type Present } from '../store/presence';
import type { MapCanvas, MapDisplay, ViewportPoint } from './canvas';
import type { Finding } from './findings';
import { edgeKey } from './graph';
import { t } from '../i18n';
import { notify } from '../ui/notices';

/** A request to move the camera to a node; `serial` makes a repeated request for the same node new. */
export interface CentreRequest {
  readonly nodeId: string;
  readonly serial: number;
}

type ExportFormat = 'png' | 'svg' | 'gexf' | 'graphml' | 'nodesCsv' | 'relationsCsv';
const EXPORT_FORMATS: readonly ExportFormat[] = ['png', 'svg', 'gexf', 'graphml', 'nodesCsv', 'relationsCsv'];

export function MapView({
  view,
  prepare,
  display,
  findings,
  selected,
  centre,
  onSelect,
  editable,
  others,
  onDrag,
  onPointer,
  canvasRef,
  onDrawn,
}: {
  /** The network view, or null while it loads (the map is hidden, its renderer made once
   * `prepare` says so). */
  view: NetworkView | null;
  /** Whether to make the renderer before the view comes (once the view's request has left). */
  prepare: boolean;
  display: MapDisplay;
  findings: ReadonlyMap<string, readonly Finding[]>;
  selected: string | null;
  centre: CentreRequest | null;
  onSelect: (nodeId: string | null) => void;
  /** Whether nodes may be dragged. */
  editable: boolean;
  /** The others on the map. */
  others: readonly Present[];
  onDrag: (nodeId: string, x: number, y: number, dropped: boolean) => void;
  onPointer: (at: { x: number; y: number } | null) => void;
  /** Set to the drawn map while it is shown (the keyboard move reads positions from it). */
  canvasRef: MutableRef<MapCanvas | null>;
  /** Called once the map has drawn its first view. */
  onDrawn: () => void;
}) {
  const container = useRef<HTMLDivElement>(null);
  const canvas = canvasRef;
  const latest = useRef({ view, display, selected, editable, others });
  const handlers = useRef({ onSelect, onDrag, onPointer, onDrawn });
  const [layoutRunning, setLayoutRunning] = useState(false);
  const [hover, setHover] = useState<{ nodeId: string; at: ViewportPoint } | null>(null);
  // Bumped when the picture is drawn again, so the overlays follow the camera and the nodes.
  const [, setFrame] = useState(0);
  /** Whether the canvas has been handed its first view. */
  const hasView = useRef(false);
  latest.current = { view, display, selected, editable, others };
  handlers.current = { onSelect, onDrag, onPointer, onDrawn };

  // The drawing code (sigma.js) is loaded and the renderer made once the view is on its way
  // (or here): while the server makes the view, not before its request has left (loading and
  // compiling the code held back the summary's answer, which that request waits for).
  const make = prepare || view !== null;
  useEffect(() => {
    if (!make) return;
    let cancelled = false;
    let frameRequest = 0;
    void import('./canvas').then(({ createMapCanvas }) => {
      if (cancelled || !container.current) return;
      canvas.current = createMapCanvas(container.current, {
        onSelect: (id) => handlers.current.onSelect(id),
        onLayout: setLayoutRunning,
        onHover: (nodeId, at) => setHover(nodeId !== null && at !== null ? { nodeId, at } : null),
        onDrag: (nodeId, x, y, dropped) => handlers.current.onDrag(nodeId, x, y, dropped),
        onPointer: (at) => handlers.current.onPointer(at),
        onRender: () => {
          if (frameRequest !== 0) return;
          frameRequest = requestAnimationFrame(() => {
            frameRequest = 0;
            setFrame((frame) => frame + 1);
          });
        },
      });
      firstView(canvas.current);
      canvas.current.select(latest.current.selected);
      canvas.current.setEditable(latest.current.editable);
      canvas.current.showDrags(dragsOf(latest.current.others));
    });
    return () => {
      cancelled = true;
      cancelAnimationFrame(frameRequest);
      canvas.current?.destroy();
      canvas.current = null;
      // Another workspace's view loading: the next renderer is handed its first view anew.
      hasView.current = false;
    };
  }, [make]);

  /** The first view, drawn with what is shown of it in one frame (sigma.js draws it at once). */
  const firstView = (drawn: MapCanvas) => {
    const first = latest.current.view;
    if (hasView.current || first === null) return;
    hasView.current = true;
    drawn.display(latest.current.display);
    drawn.update(first);
    handlers.current.onDrawn();
  };
  // A new view and what of it is shown go to the canvas as the page is rendered (a layout
  // effect), not after the next frame (an effect): sigma.js then draws them in that frame.
  useLayoutEffect(() => {
    const drawn = canvas.current;
    if (!drawn || view === null) return;
    if (hasView.current) drawn.update(view);
    else firstView(drawn);
  }, [view]);
  useEffect(() => canvas.current?.setEditable(editable), [editable]);
  useEffect(() => canvas.current?.showDrags(dragsOf(others)), [others]);
  useLayoutEffect(() => canvas.current?.display(display), [display]);
  useEffect(() => canvas.current?.select(selected), [selected]);
  useEffect(() => {
    if (centre) canvas.current?.centreOn(centre.nodeId);
  }, [centre]);

  const exportAs = async (format: ExportFormat) => {
    const drawn = canvas.current;
    if (!drawn || !view) return;
    try {
      const files = await import('./export');
      const graph = () =>
        files.exportGraph(
          view,
          display.visible,
          (node) => (drawn.graph.hasNode(node) ? drawn.graph.getNodeAttributes(node) : undefined),
          (node) => drawn.renderer.getNodeDisplayData(node)?.size,
        );
      switch (format) {
        case 'png':
          files.download('netvaerkskort.png', await files.toPng(drawn.renderer), 'image/png');
          break;
        case 'svg':
          files.download('netvaerkskort.svg', files.toSvg(drawn.renderer), 'image/svg+xml');
          break;
        case 'gexf':
          files.download('netvaerkskort.gexf', files.toGexf(graph()), 'application/xml');
          break;
        case 'graphml':
          files.download('netvaerkskort.graphml', files.toGraphml(graph()), 'application/xml');
          break;
        case 'nodesCsv':
          files.download('knuder.csv', files.nodesCsv(graph()), 'text/csv;charset=utf-8');
          break;
        case 'relationsCsv':
          files.download('forbindelser.csv', files.relationsCsv(graph()), 'text/csv;charset=utf-8');
          break;
      }
    } catch (failure) {
      notify(() => t('export.failed', { reason: String(failure) }), 'error');
    }
  };

  const hovered = hover ? findings.get(hover.nodeId) : undefined;
  // Counted once per view and filter, not at every frame the overlays follow.
  const shownEdgeCount = useMemo(
    () =>
      new Set((view?.edges ?? []).filter((edge) => display.visible.has(edge.source) && display.visible.has(edge.target)).map(keyOfEdge))
        .size,
    [view?.edges, display.visible],
  );
  return (
    <>
      <div class="map-frame" style={view ? undefined : { visibility: 'hidden' }}>
        <div
          ref={container}
          class="map-canvas"
          role="img"
          aria-label={t('map.canvasLabel')}
          data-testid="map-canvas"
          data-nodes={display.visible.size}
          data-edges={shownEdgeCount}
        />
        {hover && hovered && hovered.length > 0 && (
          <div class="map-tooltip" role="tooltip" style={{ left: `${hover.at.x + 14}px`, top: `${hover.at.y + 10}px` }}>
            {hovered.map((finding, index) => (
              <p key={index}>
                <strong>{t(`finding.${finding.kind}`)}:</strong> {finding.sentence()}
              </p>
            ))}
          </div>
        )}
        {canvas.current && view && <PresenceOverlay canvas={canvas.current} others={others} shown={display.visible} view={view} />}
        {layoutRunning && <p class="layout-running">{t('map.layoutRunning')}</p>}
      </div>
      {view && (
        <div class="export-bar" role="group" aria-label={t('export.title')}>
          <span>{t('export.title')}:</span>
          {EXPORT_FORMATS.map((format) => (
            <button key={format} type="button" class="secondary" onClick={() => void exportAs(format)}>
              {t(`export.${format}`)}
            </button>
          ))}
        </div>
      )}
    </>
  );
}

/** Each edge object's key, made once: the store keeps the edge objects an event leaves alone,
 * so counting the shown edges after a colleague's change builds no keys again. */
const edgeKeys = new WeakMap<NetworkView['edges'][number], string>();
function keyOfEdge(edge: NetworkView['edges'][number]): string {
  let key = edgeKeys.get(edge);
  if (key === undefined) {
    key = edgeKey(edge);
    edgeKeys.set(edge, key);
  }
  return key;
}

/** The nodes others are dragging now, and where each is. */
function dragsOf(others: readonly Present[]): Map<string, { x: number; y: number }> {
  const drags = new Map<string, { x: number; y: number }>();
  for (const other of others) if (other.dragging) drags.set(other.dragging.nodeId, { x: other.dragging.x, y: other.dragging.y });
  return drags;
}

/** Others' selections (a ring in their colour) and pointers (a marker with their initials). */
function PresenceOverlay({
  canvas,
  others,
  shown,
  view,
}: {
  canvas: MapCanvas;
  others: readonly Present[];
  shown: ReadonlySet<string>;
  view: NetworkView;
}) {
  const label = (nodeId: string) => view.nodes.find((node) => node.id === nodeId)?.label ?? '';
  return (
    <div class="presence-overlay" aria-hidden="true">
      {others.map((other) => {
        const colour = avatarColour(other.actor);
        const ring = other.selection !== null && shown.has(other.selection) ? canvas.nodePoint(other.selection) : null;
        const pointer = other.cursor ? canvas.mapPoint(other.cursor) : null;
        return (
          <div key={other.connectionId} data-actor={other.actor}>
            {ring && (
              <span class="presence-ring" data-testid="presence-ring" style={{ left: `${ring.x}px`, top: `${ring.y}px`, borderColor: colour }} />
            )}
            {pointer && (
              <span class="presence-pointer" data-testid="presence-pointer" style={{ left: `${pointer.x}px`, top: `${pointer.y}px`, background: colour }}>
                {initials(other.actor)}
                {other.dragging && ` ${t('presence.moving', { node: label(other.dragging.nodeId) })}`}
              </span>
            )}
          </div>
        );
      })}
    </div>
  );
}
