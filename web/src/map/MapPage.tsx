// A workspace's network map page: the map or its tables (a switch), the legend, the selected
// node's details, and adding an organisation. Everything it shows comes from the
// workspace's store.
import { useState } from 'preact/hooks';
import type { WorkspaceStore } from '../store/workspace';
import type { LiveConnection } from '../store/live';
import { errorSentence, t } from '../i18n';
import { AddOrganisation } from './AddOrganisation';
import { Legend } from './Legend';
import { MapView } from './MapView';
import { NodeDetails } from './NodeDetails';
import { NodeTable } from './NodeTable';
import { navigate } from '../ui/router';

const WRITERS = new Set(['owner', 'editor']);

export function MapPage({ store, live }: { store: WorkspaceStore; live: LiveConnection }) {
  const [mode, setMode] = useState<'map' | 'table'>('map');
  const [selected, setSelected] = useState<string | null>(null);
  const view = store.network.value;
  const summary = store.summary.value;
  const error = store.error.value;

  if (!view) {
    return (
      <main id="main" class="map-page">
        {error ? <p class="form-error" role="alert">{errorSentence(error)}</p> : <p>{t('map.loading')}</p>}
      </main>
    );
  }
  return (
    <main id="main" class="map-page">
      <div class="map-main">
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
          {summary?.role === 'owner' && (
            <a
              class="members-link"
              href={`/w/${store.workspaceId}/members`}
              onClick={(event) => { event.preventDefault(); navigate(`/w/${store.workspaceId}/members`); }}
            >
              {t('members.title')}
            </a>
          )}
        </div>
        {mode === 'map' ? (
          <MapView view={view} selected={selected} onSelect={setSelected} />
        ) : (
          <NodeTable view={view} onSelect={setSelected} />
        )}
      </div>
      <aside class="side">
        <NodeDetails view={view} nodeId={selected} onClose={() => setSelected(null)} />
        <Legend />
        {summary && WRITERS.has(summary.role) ? (
          <AddOrganisation store={store} online={live.state.value === 'online'} />
        ) : (
          <p class="muted">{t('addOrganisation.readOnly')}</p>
        )}
      </aside>
    </main>
  );
}
