// One workspace's client state: the views loaded over HTTP at a known log position, kept
// current by the websocket. A colleague's change to the map is applied to the network view at
// once, from the event itself (`applyNetworkEvent`, which derives the findings again too), the
// way a sync client applies operations: nothing waits for the server to compute the whole
// view (with its metrics) again. An event the view alone cannot take (an organisation's goals
// from partnerships, a new team's node) loads the views again: at once after a quiet spell,
// at most once per REFRESH_DEBOUNCE_MS during a burst. A reloaded view gets the events after
// its position applied on top, so it never takes back what is already drawn. Views are
// signals, so the UI is a function of them. The others' presence in the workspace is a signal
// too, fed by the same websocket. Events that arrive together are applied together
// (`SettleBatch`): the two events of one command (an organisation registered with its level)
// change the view once, and the map draws them in one frame.
import { batch, signal } from '@preact/signals';
import type { Command } from '../protocol/command';
import type { ErrorBody } from '../protocol/error';
import { EventCursor } from './cursor';
import { SettleBatch, type Schedule } from './settleBatch';
import { api, ApiFailure } from './http';
import type { LiveConnection, LiveEvent } from './live';
import { AppliedSince, applyNetworkEvent } from './networkEvents';
import type { Outcome } from './outbox';
import { withPresence, type OwnPresence, type PresenceMap } from './presence';
import type { ImportPreview, NetworkView, WorkspaceSummary } from './views';

const REFRESH_DEBOUNCE_MS = 150;
/** A view lagging the last event seen is asked for again after this, doubling each time. */
const LAGGING_VIEW_RETRY_MS = 20;
const LAGGING_VIEW_RETRY_MAX_MS = 1_000;

export class WorkspaceStore {
  readonly summary = signal<WorkspaceSummary | null>(null);
  readonly network = signal<NetworkView | null>(null);
  readonly error = signal<ErrorBody | null>(null);
  /** The last log position this store has seen: of the views loaded or of an event since, so
   *  pages that read views of their own (the portfolio) read again whenever the log moves,
   *  also for events the map applies itself or has no use for. */
  readonly position = signal<number>(-1);
  /** Who else is here, by connection (never stored: it lives with the connection). */
  readonly presence = signal<PresenceMap>(new Map());

  private readonly cursor = new EventCursor();
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  /** The events applied to the network view since the position of the view loaded last. */
  private readonly applied = new AppliedSince();
  /** The position of the last event that only a reload brings into the views. */
  private reloadThrough = 0;
  /** The position of the views loaded last. */
  private loadedAt = 0;
  /** When the last reload started (`performance.now()`), for the burst debounce. */
  private lastLoadStarted = Number.NEGATIVE_INFINITY;
  private loading: Promise<void> | null = null;
  private unwatch: (() => void) | null = null;
  private disposed = false;
  /** Presence said before the workspace's id was known (see `announce`). */
  private unannounced: Omit<OwnPresence, 'workspace_id'> | null = null;
  /** The events that arrived together, applied together (see `SettleBatch`). */
  private readonly incoming: SettleBatch<LiveEvent>;

  /** `address`: the workspace's id or its slug, as the app's address names it. `schedule`:
   * when the events that arrived are applied (`SETTLE_MS` after the first). */
  constructor(
    readonly address: string,
    private readonly token: string,
    private readonly live: LiveConnection,
    private readonly onUnauthenticated: () => void,
    schedule?: Schedule,
  ) {
    this.incoming = new SettleBatch((events) => this.take(events), schedule);
  }

  /** The workspace's id: the server's summary says it (the address may be the slug). */
  get workspaceId(): string {
    return this.summary.value?.workspace_id ?? this.address;
  }

  /** The workspace's address in the app's links: its slug when it has one. */
  get slugOrId(): string {
    return this.summary.value?.slug ?? this.workspaceId;
  }

  /** Loads the views, then follows the workspace's events after their position. */
  async open(): Promise<void> {
    await this.load();
    if (this.disposed || this.error.value !== null) return;
    if (this.unannounced !== null) {
      const presence = this.unannounced;
      this.unannounced = null;
      this.announce(presence);
    }
    this.unwatch = this.live.watch(
      this.workspaceId,
      this.cursor,
      (event) => this.incoming.push(event),
      {
        onPresence: (message) => {
          this.presence.value = message === null ? new Map() : withPresence(this.presence.value, message);
        },
      },
    );
  }

  dispose(): void {
    this.disposed = true;
    this.unwatch?.();
    this.incoming.dispose();
    if (this.refreshTimer !== null) clearTimeout(this.refreshTimer);
  }

  /** Sends a command to this workspace (see `LiveConnection.send`). */
  send(command: Command): Promise<Outcome> {
    return this.live.send(this.workspaceId, command);
  }

  /** Says where one is on this workspace's map (see `LiveConnection.announce`). */
  announce(presence: Omit<OwnPresence, 'workspace_id'>): void {
    // Until the summary says the workspace's id, the address may be its slug, which the
    // websocket does not take: keep the latest word and say it once the id is known.
    if (this.summary.value === null) {
      this.unannounced = presence;
      return;
    }
    this.live.announce(this.workspaceId, { ...presence, workspace_id: this.workspaceId });
  }

  /** What importing `csv` would do, row by row; the server writes nothing. */
  previewOrganisationImport(csv: string): Promise<ImportPreview> {
    return api<ImportPreview>(`/api/workspaces/${encodeURIComponent(this.workspaceId)}/organisation-import/preview`, {
      token: this.token,
      body: { csv },
    });
  }

  /** New events of the workspace, in log order: applied to the map now, the view published
   * once for all of them; an event the view cannot take asks for a reload. */
  private take(events: readonly LiveEvent[]): void {
    let view = this.network.value;
    let position = this.position.value;
    for (const event of events) {
      if (event.position > position) position = event.position;
      // A view loaded while the event waited for the rest of its batch includes it already.
      if (event.position <= this.loadedAt) continue;
      const applied = view === null ? null : applyNetworkEvent(view, event);
      if (applied === null) {
        this.reloadThrough = event.position;
        this.scheduleRefresh();
        continue;
      }
      if (!applied.changed) continue;
      this.applied.record(event.position, event);
      view = applied.view;
    }
    batch(() => {
      this.position.value = position;
      this.network.value = view;
    });
  }

  private scheduleRefresh(delay?: number, nextRetry = LAGGING_VIEW_RETRY_MS): void {
    if (this.disposed || this.refreshTimer !== null) return;
    const wait = delay ?? Math.max(0, this.lastLoadStarted + REFRESH_DEBOUNCE_MS - performance.now());
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      this.lastLoadStarted = performance.now();
      void this.load().then(() => {
        if (this.cursor.needsRefresh() && this.loadedAt < this.reloadThrough) {
          this.scheduleRefresh(nextRetry, Math.min(nextRetry * 2, LAGGING_VIEW_RETRY_MAX_MS));
        }
      });
    }, wait);
  }

  private load(): Promise<void> {
    if (this.loading) return this.loading;
    const base = `/api/workspaces/${encodeURIComponent(this.address)}`;
    this.loading = (async () => {
      try {
        // The summary first: the network read after it includes at least its position.
        const summary = await api<WorkspaceSummary>(base, { token: this.token });
        const network = await api<NetworkView>(`${base}/network`, { token: this.token });
        if (this.disposed) return;
        const position = summary.position ?? 0;
        // The changes applied after the view's position go on top of it; one that needs the
        // server's view again (a rare event, seen while this load was under way) asks for
        // another load.
        const rebased = this.applied.rebase(network, position);
        this.cursor.viewLoaded(position);
        this.loadedAt = position;
        this.summary.value = summary;
        if (position > this.position.value) this.position.value = position;
        this.network.value = rebased ?? network;
        this.error.value = null;
        if (rebased === null) this.scheduleRefresh(LAGGING_VIEW_RETRY_MS);
      } catch (failure) {
        if (failure instanceof ApiFailure && failure.status === 401) {
          // The session expired or was revoked: back to the login page.
          this.onUnauthenticated();
          return;
        }
        this.error.value =
          failure instanceof ApiFailure ? failure.body : { code: 'unknown', message: String(failure) };
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }
}
