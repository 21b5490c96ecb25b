// One workspace's client state: the views loaded over HTTP at a known log position, kept
// current by the websocket. A colleague's change to the map is applied to the network view at
// once, from the event itself (`applyNetworkEvent`, which derives the findings again too), the
// way a sync client applies operations: nothing waits for the server to compute the whole
// view (with its metrics) again. An event the view alone cannot take (an organisation's goals
// from partnerships, a new team's node) loads the views again: at once after a quiet spell,
// at most once per REFRESH_DEBOUNCE_MS during a burst. A reloaded view gets the events after
// its position applied on top, so it never takes back what is already drawn. Views are
// signals, so the UI is a function of them. The others' presence in the workspace is a signal
// too, fed by the same websocket. Each event is applied as it arrives, to a view ahead of the
// published one; the events that arrive together (`afterSettling`: the two events of one
// command, an organisation registered with its level) are told to the map at once
// (`onAhead`: it paints what they add on a light overlay) and published to the pages once,
// after that painting is on the screen (`afterNextFrame`): the pages render them once, and
// sigma.js draws them in one full frame.
import { batch, signal } from '@preact/signals';
import type { Command } from '../protocol/command';
import type { ErrorBody } from '../protocol/error';
import { EventCursor } from './cursor';
import { afterNextFrame, afterSettling, whenIdle, type Schedule } from './settleBatch';
import { api, ApiFailure } from './http';
import { measureTiming } from './timing';
import type { LiveConnection, LiveEvent } from './live';
import { AppliedSince, applyNetworkEvent, indexView, viewLookup, type ViewChanges } from './networkEvents';
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
  /** Whether the network view has been asked for (its request has left): the map makes its
   * renderer then, while the view is on its way, and not before, where sigma.js's WebGL
   * set-up would hold back the summary's answer and with it the network view's request. */
  readonly networkRequested = signal(false);

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
  /** The view with the events applied since the last publication, while it is not published
   * yet (see `onAhead`), and the last position seen. */
  private ahead: NetworkView | null = null;
  private aheadPosition = -1;
  /** The nodes and edges the events applied to `ahead` touched since the publication. */
  private aheadTouched = { nodes: new Set<string>(), edges: new Set<string>() };
  /** Cancel the moment the events that arrived are told (see `onAhead`) and published. */
  private settling: (() => void) | null = null;
  private publishing: (() => void) | null = null;
  private readonly aheadListeners = new Set<(view: NetworkView, changes: ViewChanges) => void>();

  /** `address`: the workspace's id or its slug, as the app's address names it. `settle`:
   * when the events that arrived are told to those listening (`SETTLE_MS` after the first);
   * `afterFrame`: when what they painted is on the screen, and the pages get the events. */
  constructor(
    readonly address: string,
    private readonly token: string,
    private readonly live: LiveConnection,
    private readonly onUnauthenticated: () => void,
    private readonly settle: Schedule = afterSettling,
    private readonly afterFrame: Schedule = afterNextFrame,
  ) {}

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
      (event) => this.take(event),
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
    this.settling?.();
    this.settling = null;
    this.publishing?.();
    this.publishing = null;
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

  /**
   * Listens for the network view with a colleague's change applied, before it is published
   * (`network`): called once the events that arrived together are in, with what they changed
   * since the published view, so the map can paint what they add at once; the pages get it
   * after the browser's next frame (or at once, when a listener calls `publish`).
   */
  onAhead(listener: (view: NetworkView, changes: ViewChanges) => void): () => void {
    this.aheadListeners.add(listener);
    return () => {
      this.aheadListeners.delete(listener);
    };
  }

  /** Publishes the events that arrived to the pages now (the view and the position). */
  publish(): void {
    this.settling?.();
    this.settling = null;
    this.publishing?.();
    this.publishing = null;
    const view = this.ahead;
    this.ahead = null;
    this.aheadTouched = { nodes: new Set(), edges: new Set() };
    batch(() => {
      if (this.aheadPosition > this.position.value) this.position.value = this.aheadPosition;
      if (view !== null) this.network.value = view;
    });
  }

  /** A new event of the workspace, in log order: applied to the view now, told to those
   * listening (`onAhead`) and published with those arriving with it; an event the view cannot
   * take asks for a reload. */
  private take(event: LiveEvent): void {
    if (event.position > this.aheadPosition) this.aheadPosition = event.position;
    this.settling ??= this.settle(() => this.settled());
    // A view loaded since the event was sent includes it already.
    if (event.position <= this.loadedAt) return;
    const view = this.ahead ?? this.network.value;
    const started = performance.now();
    const applied = view === null ? null : applyNetworkEvent(view, event);
    // For the performance tools (the map benchmark prints it beside each change).
    measureTiming('partnerhub:event-applied', started, event.event_type);
    if (applied === null) {
      this.reloadThrough = event.position;
      this.scheduleRefresh();
      return;
    }
    if (!applied.changed) return;
    this.applied.record(event.position, event);
    this.ahead = applied.view;
    for (const node of applied.touched?.nodes ?? []) this.aheadTouched.nodes.add(node);
    for (const edge of applied.touched?.edges ?? []) this.aheadTouched.edges.add(edge);
  }

  /** The events that arrived together are in: told to those listening, then published. */
  private settled(): void {
    this.settling = null;
    const view = this.ahead;
    const since = this.network.value;
    if (view !== null && since !== null) {
      const changes: ViewChanges = { since, ...this.aheadTouched, ...viewLookup(view) };
      for (const listener of this.aheadListeners) listener(view, changes);
    }
    // What the listeners painted is on the screen before the pages render the change.
    if (view !== null && this.ahead === view && this.aheadListeners.size > 0) this.publishing ??= this.afterFrame(() => this.publish());
    else this.publish();
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
        const networkRequest = api<NetworkView>(`${base}/network`, { token: this.token });
        this.networkRequested.value = true;
        const network = await networkRequest;
        if (this.disposed) return;
        const position = summary.position ?? 0;
        // The changes applied after the view's position go on top of it; one that needs the
        // server's view again (a rare event, seen while this load was under way) asks for
        // another load.
        const rebased = this.applied.rebase(network, position);
        this.cursor.viewLoaded(position);
        this.loadedAt = position;
        // The loaded view with the later events on top includes every event applied so far.
        this.ahead = null;
        this.aheadTouched = { nodes: new Set(), edges: new Set() };
        this.summary.value = summary;
        if (position > this.position.value) this.position.value = position;
        const view = rebased ?? network;
        this.network.value = view;
        this.error.value = null;
        whenIdle(() => indexView(view));
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
