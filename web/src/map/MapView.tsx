// The map drawn with sigma.js. The renderer module is imported when the map is first shown,
// so the login page does not load WebGL code.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { NetworkView } from '../store/views';
import type { MapCanvas } from './canvas';
import { t } from '../i18n';

export function MapView({
  view,
  selected,
  onSelect,
}: {
  view: NetworkView;
  selected: string | null;
  onSelect: (nodeId: string | null) => void;
}) {
  const container = useRef<HTMLDivElement>(null);
  const canvas = useRef<MapCanvas | null>(null);
  const latest = useRef(view);
  const select = useRef(onSelect);
  const [layoutRunning, setLayoutRunning] = useState(false);
  latest.current = view;
  select.current = onSelect;

  useEffect(() => {
    let cancelled = false;
    void import('./canvas').then(({ createMapCanvas }) => {
      if (cancelled || !container.current) return;
      canvas.current = createMapCanvas(container.current, (id) => select.current(id), setLayoutRunning);
      canvas.current.update(latest.current);
    });
    return () => {
      cancelled = true;
      canvas.current?.destroy();
      canvas.current = null;
    };
  }, []);

  useEffect(() => canvas.current?.update(view), [view]);
  useEffect(() => canvas.current?.select(selected), [selected]);

  return (
    <div class="map-frame">
      <div ref={container} class="map-canvas" role="img" aria-label={t('map.canvasLabel')} data-testid="map-canvas" />
      {layoutRunning && <p class="layout-running">{t('map.layoutRunning')}</p>}
    </div>
  );
}
