// A workspace's network map page: the controls (search, filters, focus, size), the map or its
// tables (a switch), who else is on the map, the selected node's details with its relation
// editing and moving, the findings, the legend, adding an organisation and importing
// organisations from a spreadsheet. Everything it shows comes from the workspace's store; what
// of it is shown (filters, focus) is decided here once and handed to map and tables. A
// colleague's change is painted on the map in the task it arrived in (what it adds, on the
// map's overlay, with what this page would show of it), and the page renders it when the store
// publishes it, a frame later; what the overlay cannot paint is published at once. It says
// where this person is (what they select, their pointer, the node they drag) to the others,
// and records a drop with `PlaceNode`.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { WorkspaceStore } from '../store/workspace';
import type { NetworkView } from '../store/views';
import type { ViewChanges } from '../store/networkEvents';
import type { LiveConnection } from '../store/live';
import { errorSentence, t } from '../i18n';
import { AddOrganisation } from './AddOrganisation';
import { ImportOrganisations } from './ImportOrganisations';
import { UndoButtons } from './UndoButtons';
import { Legend } from './Legend';
import { MapView, type CentreRequest } from './MapView';
import { MapControls } from './MapControls';
import { Findings } from './Findings';
import { NO_FILTER, focusedNeighbourhood, shownView, visibleNodeIds, type MapFilter } from './filters';
import { findings as findingsOf, flaggedOrganisations } from './findings';
import type { MapDisplay } from './canvas';
import type { SizeBy } from './metrics';
import { NodeDetails } from './NodeDetails';
import { NodeTable } from './NodeTable';
import { notify } from '../ui/notices';
import { onTheMap } from '../store/presence';
import type { MapCanvas } from './canvas';
import { placeNode } from './place';
import { PresenceBar } from './PresenceBar';
import { measureTiming } from '../store/timing';

const WRITERS = new Set(['owner', 'editor']);

export function MapPage({ store, live }: { store: WorkspaceStore; live: LiveConnection }) {
  const [mode, setMode] = useState<'map' | 'table'>('map');
  const [selected, setSelected] = useState<string | null>(null);
  const [filter, setFilter] = useState<MapFilter>(NO_FILTER);
  const [focus, setFocus] = useState(false);
  const [sizeBy, setSizeBy] = useState<SizeBy>('kind');
  const [centre, setCentre] = useState<CentreRequest | null>(null);
  // The findings list (thousands of items on a large map) is made after the map's first
  // frame, not in the render before it.
  const [mapDrawn, setMapDrawn] = useState(false);
  const view = store.network.value;
  const summary = store.summary.value;
  const error = store.error.value;
  const presence = store.presence.value;
  const others = useMemo(() => onTheMap(presence), [presence]);
  const canEdit = summary !== null && WRITERS.has(summary.role);
  const canvas = useRef<MapCanvas | null>(null);
  // What this person shows the others: their selection, pointer and drag, said together.
  const shown = useRef<{ pointer: { x: number; y: number } | null; dragging: { node_id: string; x: number; y: number } | null }>({
    pointer: null,
    dragging: null,
  });
  const announce = () =>
    store.announce({ selection: selected, cursor: shown.current.pointer, dragging: shown.current.dragging });
  const announceRef = useRef(announce);
  announceRef.current = announce;
  useEffect(() => announceRef.current(), [selected]);
  const onPointer = (at: { x: number; y: number } | null) => {
    shown.current.pointer = at;
    announce();
  };
  const onDrag = (nodeId: string, x: number, y: number, dropped: boolean) => {
    shown.current.dragging = dropped ? null : { node_id: nodeId, x, y };
    shown.current.pointer = { x, y };
    announce();
    if (!dropped) return;
    void store.send(placeNode(nodeId, x, y)).then((outcome) => {
      if (outcome.kind === 'reject') notify(() => t('command.rejected', { reason: errorSentence(outcome.error) }), 'error');
    });
  };

  const visible = useMemo(() => (view ? visibleNodeIds(view, filter) : new Set<string>()), [view, filter]);
  const names = useMemo(() => new Map((view?.nodes ?? []).map((node) => [node.id, node.label])), [view?.nodes]);
  const shownFindings = useMemo(
    () => (view ? findingsOf(view).filter((finding) => visible.has(finding.organisationId)) : []),
    [view, visible],
  );
  const findingsByNode = useMemo(() => {
    const grouped = new Map<string, typeof shownFindings>();
    for (const finding of shownFindings) grouped.set(finding.organisationId, [...(grouped.get(finding.organisationId) ?? []), finding]);
    return grouped;
  }, [shownFindings]);
  const focusSet = useMemo(
    () => (view ? focusedNeighbourhood(view, visible, selected, focus) : null),
    [view, focus, selected, visible],
  );
  const display = useMemo<MapDisplay>(
    () => ({ visible, focus: focusSet, sizeBy, flagged: view ? flaggedOrganisations(view, visible) : new Set<string>() }),
    [view, visible, focusSet, sizeBy],
  );
  // A colleague's change, applied by the store and not published yet: painted on the map now
  // with what this page would show of it (the same filters, focus and sizes), or published at
  // once when the map cannot paint it so (or the table is shown).
  const preview = useRef<(next: NetworkView, changes: ViewChanges) => void>(() => undefined);
  preview.current = (next, changes) => {
    const drawn = canvas.current;
    if (mode === 'map' && drawn) {
      const started = performance.now();
      const shownNext = visibleNodeIds(next, filter);
      const shownNextDisplay = { visible: shownNext, focus: focusedNeighbourhood(next, shownNext, selected, focus), sizeBy, flagged: flaggedOrganisations(next, shownNext) };
      const painted = drawn.preview(next, shownNextDisplay, changes);
      // For the performance tools (the map benchmark prints it beside each change).
      measureTiming('partnerhub:map-preview', started, painted);
      if (painted) return;
    }
    store.publish();
  };
  useEffect(() => store.onAhead((next, changes) => preview.current(next, changes)), [store]);
  const find = (nodeId: string) => {
    if (!visible.has(nodeId)) setFilter(NO_FILTER);
    setSelected(nodeId);
    setCentre({ nodeId, serial: (centre?.serial ?? 0) + 1 });
  };

  if (!view && error) {
    return (
      <main id="main" class="map-page">
        <p class="form-error" role="alert">{errorSentence(error)}</p>
      </main>
    );
  }
  // While the network view loads, the map is there but hidden (MapView): sigma.js sets up its
  // WebGL contexts and programs meanwhile, and draws the view as soon as it arrives.
  return (
    <main id="main" class="map-page">
      <div class="map-main">
        {!view ? (
          <p>{t('map.loading')}</p>
        ) : (
          <>
            <div class="toolbar">
              <h1>{t('map.title')}</h1>
              <div role="group" aria-label={t('map.viewChoice')} class="switch">
                <button type="button" aria-pressed={mode === 'map'} onClick={() => setMode('map')}>
                  {t('map.showMap')}
                </button>
                <button type="button" aria-pressed={mode === 'table'} onClick={() => setMode('table')}>
                  {t('map.showTable')}
                </button>
              </div>
              {summary && WRITERS.has(summary.role) && <UndoButtons store={store} />}
            </div>
            <PresenceBar others={others} names={names} />
            <MapControls
              view={view}
              filter={filter}
              onFilter={setFilter}
              shownCount={visible.size}
              focus={focus}
              onFocus={setFocus}
              hasSelection={selected !== null}
              sizeBy={sizeBy}
              onSizeBy={setSizeBy}
              onFind={find}
            />
          </>
        )}
        {mode === 'map' ? (
          <MapView
            key="map"
            view={view}
            prepare={store.networkRequested.value}
            display={display}
            findings={findingsByNode}
            selected={selected}
            centre={centre}
            onSelect={setSelected}
            editable={canEdit}
            others={others}
            onDrag={onDrag}
            onPointer={onPointer}
            canvasRef={canvas}
            onDrawn={() => setMapDrawn(true)}
          />
        ) : (
          view && <NodeTable view={shownView(view, focusSet ?? visible)} onSelect={setSelected} />
        )}
      </div>
      {view && (
        <aside class="side">
          <NodeDetails
            view={view}
            nodeId={selected}
            findings={findingsByNode}
            store={store}
            canEdit={canEdit}
            onClose={() => setSelected(null)}
            canvas={canvas}
          />
          {(mapDrawn || mode === 'table') && <Findings findings={shownFindings} names={names} onSelect={find} />}
          <Legend />
          {canEdit ? (
            <>
              <AddOrganisation store={store} online={live.state.value === 'online'} />
              <ImportOrganisations store={store} />
            </>
          ) : (
            <p class="muted">{t('addOrganisation.readOnly')}</p>
          )}
        </aside>
      )}
    </main>
  );
}
