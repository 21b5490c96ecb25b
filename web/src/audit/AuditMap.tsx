// The network map as of a moment, drawn read-only with the map's own canvas
// (web/src/map/canvas.ts): every node shown, nothing draggable, nothing flagged.
import { useEffect, useRef } from 'preact/hooks';
import type { MapCanvas } from '../map/canvas';
import type { NetworkView } from '../store/views';
import { t } from '../i18n';

export function AuditMap({ view, label }: { view: NetworkView; label: string }) {
  const container = useRef<HTMLDivElement>(null);
  const canvas = useRef<MapCanvas | null>(null);
  const latest = useRef(view);
  latest.current = view;

  const show = (drawn: MapCanvas, shown: NetworkView) => {
    drawn.update(shown);
    drawn.display({
      visible: new Set(shown.nodes.map((node) => node.id)),
      focus: null,
      sizeBy: 'kind',
      flagged: new Set(),
    });
  };

  useEffect(() => {
    let cancelled = false;
    void import('../map/canvas').then(({ createMapCanvas }) => {
      if (cancelled || !container.current) return;
      const drawn = createMapCanvas(container.current, {
        onSelect: () => {},
        onLayout: () => {},
        onHover: () => {},
        onDrag: () => {},
        onPointer: () => {},
        onRender: () => {},
      });
      drawn.setEditable(false);
      show(drawn, latest.current);
      canvas.current = drawn;
    });
    return () => {
      cancelled = true;
      canvas.current?.destroy();
      canvas.current = null;
    };
  }, []);

  useEffect(() => {
    if (canvas.current) show(canvas.current, view);
  }, [view]);

  return (
    <figure class="audit-map">
      <div ref={container} class="audit-canvas" role="img" aria-label={label} data-nodes={view.nodes.length} />
      <figcaption>
        {t('audit.nodes')}: {view.nodes.length}
      </figcaption>
    </figure>
  );
}
