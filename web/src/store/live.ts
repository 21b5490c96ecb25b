// The one websocket of a session, and `send`, the one way a change leaves the app.
//
// The connection says hello with the session's token, subscribes each watched workspace
// after the last position it has seen (so a reconnect resumes with no gap and no duplicate:
// see `EventCursor`), hands events to their workspace in log order, and reconnects by itself
// with backoff when the connection drops. `send` gives every command its id (UUID v4) when
// it is made, queues it while offline and resends unanswered ones after a reconnect (the
// server answers a repeated id with the first outcome), and settles with the ack or the
// rejection. `state` is what the connection badge shows. Presence goes the other way too:
// `announce` says where one is (throttled, never queued: only the latest matters, and it is
// said again after a reconnect), and the others' presence is handed to the workspace's
// watcher; when the connection drops, the watcher is told to forget everyone (`null`), and
// the server's snapshot after the next subscribe brings back who is still there. A board's
// facilitator may `summon` everyone on it to a zone; the summons reaches the board's watcher.
// Pages may name a workspace by its id or its slug: the connection resolves a slug once
// (`WorkspaceIds`) and speaks to the server in ids only.
import { signal } from '@preact/signals';
import type { ClientMessage } from '../protocol/client-message';
import type { Command } from '../protocol/command';
import type { ServerMessage } from '../protocol/server-message';
import { backoffDelay } from './backoff';
import type { EventCursor } from './cursor';
import { api, ApiFailure } from './http';
import { uuidv4 } from './ids';
import { Outbox, type Outcome } from './outbox';
import { Throttle, type OwnPresence, type PresenceMessage } from './presence';
import { summaryLookUp, WorkspaceIds } from './workspaceIds';

export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'offline';
export type LiveEvent = Extract<ServerMessage, { type: 'event' }>;

/** Close code of the server for a missing or invalid token. */
const CLOSE_UNAUTHENTICATED = 4001;

interface Watch {
  readonly cursor: EventCursor;
  readonly onEvent: (event: LiveEvent) => void;
  readonly options: WatchOptions;
}

/** How a watch subscribes (a workshop board's view follows its board from now on). */
export interface WatchOptions {
  /** Only this board's events (guests are always scoped to their board). */
  readonly boardId?: string;
  /** Subscribe from the present, not after the cursor: for a view that is loaded again after
   * every (re)subscription, and for guests, who may not catch up from history. */
  readonly fromNow?: boolean;
  /** The subscription is in place (after every reconnect too): load the view now. */
  readonly onSubscribed?: () => void;
  /** Another's presence, or `null`: the connection dropped, forget everyone. */
  readonly onPresence?: (presence: PresenceMessage | null) => void;
  /** The board's facilitator brings everyone on it to a zone ("bring everyone here"). */
  readonly onSummoned?: (summoned: SummonedMessage) => void;
}

export type SummonedMessage = Extract<ServerMessage, { type: 'summoned' }>;

/** One's own presence in a workspace: the last word, and the throttle that sends it. */
interface OwnPresenceState {
  latest: OwnPresence;
  readonly throttle: Throttle<OwnPresence>;
}

export class LiveConnection {
  /** What the connection badge shows. */
  readonly state = signal<ConnectionState>('connecting');
  /** Commands without an answer yet (queued or in flight). */
  readonly pending = signal(0);
  /** The server's clock minus this browser's, in ms, from the `welcome`'s `server_time`:
   * what a countdown adds to `Date.now()` so that every client shows the same time left. */
  readonly serverClockOffsetMs = signal(0);

  private socket: WebSocket | null = null;
  private welcomed = false;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private readonly outbox = new Outbox();
  private readonly watches = new Map<string, Watch>();
  private readonly own = new Map<string, OwnPresenceState>();
  private readonly ids: WorkspaceIds;
  private readonly wentOnline = () => this.retryNow();
  /** The browser lost the network: the socket may take minutes to notice, so drop it now. */
  private readonly wentOffline = () => {
    this.state.value = 'offline';
    this.socket?.close(1000, 'offline');
  };

  constructor(
    private readonly token: string,
    private readonly onUnauthenticated: () => void,
    private readonly url: string = defaultUrl(),
    lookUp: (slug: string) => Promise<string> = summaryLookUp(api, token),
  ) {
    this.ids = new WorkspaceIds(lookUp);
  }

  start(): void {
    this.stopped = false;
    window.addEventListener('online', this.wentOnline);
    window.addEventListener('offline', this.wentOffline);
    this.open();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.wentOnline);
    window.removeEventListener('offline', this.wentOffline);
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.socket?.close(1000, 'logged out');
    this.socket = null;
  }

  /** Follows a workspace's events after `cursor`'s position, now and after every reconnect.
   * `workspace`: its id or its slug (followed once the slug is resolved). */
  watch(
    workspace: string,
    cursor: EventCursor,
    onEvent: (event: LiveEvent) => void,
    options: WatchOptions = {},
  ): () => void {
    const id = this.ids.now(workspace);
    if (id !== null) return this.watchId(id, cursor, onEvent, options);
    let stop: (() => void) | null = null;
    let stopped = false;
    // A slug that cannot be resolved is the page's own load's failure to report.
    this.ids.of(workspace).then(
      (resolved) => {
        if (!stopped) stop = this.watchId(resolved, cursor, onEvent, options);
      },
      () => undefined,
    );
    return () => {
      stopped = true;
      stop?.();
    };
  }

  private watchId(
    workspaceId: string,
    cursor: EventCursor,
    onEvent: (event: LiveEvent) => void,
    options: WatchOptions,
  ): () => void {
    this.watches.set(workspaceId, { cursor, onEvent, options });
    if (this.welcomed) this.subscribe(workspaceId, cursor);
    return () => {
      const watch = this.watches.get(workspaceId);
      if (watch?.onEvent !== onEvent) return;
      this.own.get(workspaceId)?.throttle.cancel();
      this.own.delete(workspaceId);
      this.watches.delete(workspaceId);
      if (this.welcomed) this.write({ type: 'unsubscribe', workspace_id: workspaceId });
    };
  }

  /** Sends a command to a workspace (its id or slug); settles with its ack or its rejection. */
  send(workspace: string, command: Command): Promise<Outcome> {
    const id = this.ids.now(workspace);
    if (id !== null) return this.sendTo(id, command);
    return this.ids.of(workspace).then(
      (resolved) => this.sendTo(resolved, command),
      (failure: unknown): Outcome => ({
        kind: 'reject',
        commandId: '',
        error: failure instanceof ApiFailure ? failure.body : { code: 'network', message: '' },
      }),
    );
  }

  private sendTo(workspaceId: string, command: Command): Promise<Outcome> {
    const outcome = this.outbox.add({ commandId: uuidv4(), workspaceId, command });
    this.pending.value = this.outbox.size;
    this.flush();
    return outcome;
  }

  /**
   * Says where one is in a workspace (selection, pointer, a node being dragged) to the others
   * there: at most 20 times a second, the latest word last; said once the workspace is
   * subscribed, and again after every reconnect.
   */
  announce(workspace: string, presence: OwnPresence): void {
    const workspaceId = this.ids.now(workspace);
    if (workspaceId === null) {
      this.ids.of(workspace).then(
        (resolved) => this.announce(resolved, presence),
        () => undefined,
      );
      return;
    }
    presence = { ...presence, workspace_id: workspaceId };
    let own = this.own.get(workspaceId);
    if (!own) {
      own = {
        latest: presence,
        throttle: new Throttle((latest) => {
          if (this.welcomed && this.watches.has(workspaceId)) this.write({ type: 'presence', ...latest });
        }),
      };
      this.own.set(workspaceId, own);
    }
    own.latest = presence;
    own.throttle.push(presence);
  }

  /** "Bring everyone here" (the board's facilitator): everyone on the board is taken to
   * `zone`. Ephemeral like presence: false when offline (nothing is queued). */
  summon(workspace: string, boardId: string, zone: SummonedMessage['zone']): boolean {
    if (!this.welcomed) return false;
    const workspaceId = this.ids.now(workspace);
    if (workspaceId === null) {
      this.ids.of(workspace).then(
        (resolved) => this.summon(resolved, boardId, zone),
        () => undefined,
      );
      return true;
    }
    return this.write({ type: 'summon', workspace_id: workspaceId, board_id: boardId, ...(zone ? { zone } : {}) });
  }

  private open(): void {
    if (this.stopped) return;
    this.welcomed = false;
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => this.write({ type: 'hello', token: this.token });
    socket.onmessage = (frame) => {
      if (typeof frame.data !== 'string') return;
      let message: ServerMessage;
      try {
        message = JSON.parse(frame.data) as ServerMessage;
      } catch {
        return;
      }
      this.receive(message);
    };
    socket.onclose = (close) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.welcomed = false;
      this.outbox.connectionLost();
      for (const own of this.own.values()) own.throttle.cancel();
      for (const watch of this.watches.values()) watch.options.onPresence?.(null);
      if (close.code === CLOSE_UNAUTHENTICATED) {
        this.stop();
        this.onUnauthenticated();
        return;
      }
      this.scheduleRetry();
    };
  }

  private receive(message: ServerMessage): void {
    switch (message.type) {
      case 'welcome':
        this.welcomed = true;
        this.attempt = 0;
        this.state.value = 'online';
        this.serverClockOffsetMs.value = clockOffset(message.server_time, Date.now());
        for (const [workspaceId, watch] of this.watches) this.subscribe(workspaceId, watch.cursor);
        this.flush();
        break;
      case 'subscribed':
        this.watches.get(message.workspace_id)?.options.onSubscribed?.();
        break;
      case 'event': {
        const watch = this.watches.get(message.workspace_id);
        if (watch && watch.cursor.take(message.position) === 'new') watch.onEvent(message);
        break;
      }
      case 'presence':
        this.watches.get(message.workspace_id)?.options.onPresence?.(message);
        break;
      case 'summoned':
        this.watches.get(message.workspace_id)?.options.onSummoned?.(message);
        break;
      case 'ack':
        this.outbox.settle({
          kind: 'ack',
          commandId: message.command_id,
          lastPosition: message.last_position,
          deduplicated: message.deduplicated,
        });
        this.pending.value = this.outbox.size;
        break;
      case 'reject':
        this.outbox.settle({ kind: 'reject', commandId: message.command_id, error: message.error });
        this.pending.value = this.outbox.size;
        break;
      default:
        break;
    }
  }

  private subscribe(workspaceId: string, cursor: EventCursor): void {
    const options = this.watches.get(workspaceId)?.options ?? {};
    this.write({
      type: 'subscribe',
      workspace_id: workspaceId,
      ...(options.fromNow ? {} : { after_position: cursor.resumeAfter() }),
      ...(options.boardId ? { board_id: options.boardId } : {}),
    });
    // Back after a reconnect (the others were told this connection left), or said before
    // the workspace was subscribed.
    const own = this.own.get(workspaceId);
    if (own) this.write({ type: 'presence', ...own.latest });
  }

  private flush(): void {
    if (!this.welcomed) return;
    for (const entry of this.outbox.unsent()) {
      if (!this.write({ type: 'command', workspace_id: entry.workspaceId, command_id: entry.commandId, command: entry.command })) return;
      this.outbox.markSent(entry.commandId);
    }
  }

  private write(message: ClientMessage): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    const offline = navigator.onLine === false;
    this.state.value = offline ? 'offline' : 'reconnecting';
    // Offline, the 'online' event reconnects at once; until then try only now and then.
    const delay = backoffDelay(offline ? Number.MAX_SAFE_INTEGER : this.attempt);
    this.attempt += 1;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.open();
    }, delay);
  }

  private retryNow(): void {
    if (this.stopped || this.socket !== null) return;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.attempt = 0;
    this.open();
  }
}

/** The server's clock minus the local one (0 when the server's time cannot be read). */
export function clockOffset(serverTime: string, localNow: number): number {
  const server = Date.parse(serverTime);
  return Number.isFinite(server) ? server - localNow : 0;
}

function defaultUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}
