// The map drawn with sigma.js. The renderer module is imported when the map is first shown,
// so the login page does not load WebGL code; the exports are imported when a person exports.
// Hovering a flagged organisation shows the findings about it, in words.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { NetworkView } from '../store/views';
import type { MapCanvas, MapDisplay, ViewportPoint } from './canvas';
import type { Finding } from './findings';
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
  display,
  findings,
  selected,
  centre,
  onSelect,
}: {
  view: NetworkView;
  display: MapDisplay;
  findings: ReadonlyMap<string, readonly Finding[]>;
  selected: string | null;
  centre: CentreRequest | null;
  onSelect: (nodeId: string | null) => void;
}) {
  const container = useRef<HTMLDivElement>(null);
  const canvas = useRef<MapCanvas | null>(null);
  const latest = useRef({ view, display, selected });
  const select = useRef(onSelect);
  const [layoutRunning, setLayoutRunning] = useState(false);
  const [hover, setHover] = useState<{ nodeId: string; at: ViewportPoint } | null>(null);
  latest.current = { view, display, selected };
  select.current = onSelect;

  useEffect(() => {
    let cancelled = false;
    void import('./canvas').then(({ createMapCanvas }) => {
      if (cancelled || !container.current) return;
      canvas.current = createMapCanvas(
        container.current,
        (id) => select.current(id),
        setLayoutRunning,
        (nodeId, at) => setHover(nodeId !== null && at !== null ? { nodeId, at } : null),
      );
      canvas.current.update(latest.current.view);
      canvas.current.display(latest.current.display);
      canvas.current.select(latest.current.selected);
    });
    return () => {
      cancelled = true;
      canvas.current?.destroy();
      canvas.current = null;
    };
  }, []);

  useEffect(() => canvas.current?.update(view), [view]);
  useEffect(() => canvas.current?.display(display), [display]);
  useEffect(() => canvas.current?.select(selected), [selected]);
  useEffect(() => {
    if (centre) canvas.current?.centreOn(centre.nodeId);
  }, [centre]);

  const exportAs = async (format: ExportFormat) => {
    const drawn = canvas.current;
    if (!drawn) return;
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
  const shownEdges = view.edges.filter((edge) => display.visible.has(edge.source) && display.visible.has(edge.target));
  return (
    <>
      <div class="map-frame">
        <div
          ref={container}
          class="map-canvas"
          role="img"
          aria-label={t('map.canvasLabel')}
          data-testid="map-canvas"
          data-nodes={display.visible.size}
          data-edges={new Set(shownEdges.map((edge) => `${edge.kind}:${edge.source}:${edge.target}`)).size}
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
        {layoutRunning && <p class="layout-running">{t('map.layoutRunning')}</p>}
      </div>
      <div class="export-bar" role="group" aria-label={t('export.title')}>
        <span>{t('export.title')}:</span>
        {EXPORT_FORMATS.map((format) => (
          <button key={format} type="button" class="secondary" onClick={() => void exportAs(format)}>
            {t(`export.${format}`)}
          </button>
        ))}
      </div>
    </>
  );
}
