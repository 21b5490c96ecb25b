// One open workshop board: its view as this person may see it, loaded over HTTP and kept
// current by the board's events over the one websocket. The subscription is scoped to the
// board and starts from the present (guests may not catch up from history); after every
// (re)subscription the view is loaded again, so a reconnect leaves no gap. Events that arrive
// while a load is under way are applied again on top of the loaded view (they are idempotent
// on notes), and an event that reveals something (a phase change, one's own dot) loads the
// view again. Changes leave through `LiveConnection.send` (queued while offline, resent on
// reconnect), so a note written while the phone's connection drops is sent when it returns.
// Presence goes the same way: one's own (on the board, and where shown the zone and place
// one points at) and the others'; and the facilitator's "bring everyone here".
import { signal } from '@preact/signals';
import type { Command } from '../protocol/command';
import type { ErrorBody } from '../protocol/error';
import { EventCursor } from '../store/cursor';
import { api, ApiFailure } from '../store/http';
import type { LiveConnection, LiveEvent, SummonedMessage } from '../store/live';
import { withPresence, type OwnPresence, type PresenceMap } from '../store/presence';
import type { Outcome } from '../store/outbox';
import { applyBoardEvent, type BoardView } from './model';

const RELOAD_DEBOUNCE_MS = 120;

/** A guest link as the server made it: its token's id (to withdraw it) and the link. */
export interface GuestInvite {
  readonly token_id: string;
  readonly link: string;
}

export class BoardStore {
  readonly view = signal<BoardView | null>(null);
  readonly error = signal<ErrorBody | null>(null);
  /** The guest link the facilitator made on this board in this tab (shown only until it is
   * withdrawn; the server shows its secret only once). */
  readonly guestInvite = signal<GuestInvite | null>(null);
  /** The others' presence in the workspace (this board's are shown). */
  readonly presence = signal<PresenceMap>(new Map());
  /** The facilitator's last "bring everyone here", numbered so that the same zone twice is
   * two jumps. */
  readonly summons = signal<{ readonly count: number; readonly zone: SummonedMessage['zone'] } | null>(null);

  private readonly cursor = new EventCursor();
  private unwatch: (() => void) | null = null;
  private loading: Promise<void> | null = null;
  /** Events received while a load is under way, applied again on top of what it loads. */
  private duringLoad: LiveEvent[] = [];
  private reloadTimer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;

  constructor(
    readonly workspaceId: string,
    readonly boardId: string,
    /** This person's actor (`welcome`/`/api/me`, or the guest credential's). */
    readonly me: string,
    private readonly token: string,
    private readonly live: LiveConnection,
    private readonly onUnauthenticated: () => void,
  ) {}

  /** Follows the board's events from now on, loading the view whenever the subscription is
   * (re)established. */
  open(): void {
    this.unwatch = this.live.watch(this.workspaceId, this.cursor, (event) => this.take(event), {
      boardId: this.boardId,
      fromNow: true,
      onSubscribed: () => this.scheduleReload(0),
      onPresence: (message) => {
        this.presence.value = message === null ? new Map() : withPresence(this.presence.value, message);
      },
      onSummoned: (summoned) => {
        if (summoned.board_id !== this.boardId || summoned.facilitator === this.me) return;
        this.summons.value = { count: (this.summons.value?.count ?? 0) + 1, zone: summoned.zone ?? null };
      },
    });
    this.announce({});
  }

  /** Says to the others that one is on this board, and (where shown) where one points. */
  announce(presence: Pick<OwnPresence, 'cursor' | 'zone'>): void {
    this.live.announce(this.workspaceId, { workspace_id: this.workspaceId, board_id: this.boardId, ...presence });
  }

  /** "Bring everyone here" (the facilitator): false when offline. */
  summon(zone: SummonedMessage['zone']): boolean {
    return this.live.summon(this.workspaceId, this.boardId, zone);
  }

  dispose(): void {
    this.disposed = true;
    this.unwatch?.();
    if (this.reloadTimer !== null) clearTimeout(this.reloadTimer);
  }

  /** Sends a command to the board's workspace; settles with the ack or the rejection. */
  send(command: Command): Promise<Outcome> {
    return this.live.send(this.workspaceId, command);
  }

  /** The server's clock minus this browser's. */
  serverOffsetMs(): number {
    return this.live.serverClockOffsetMs.value;
  }

  private take(event: LiveEvent): void {
    if (this.loading) this.duringLoad.push(event);
    const view = this.view.value;
    if (!view) return;
    const applied = applyBoardEvent(view, event, this.me);
    this.view.value = applied.view;
    if (applied.reload) this.scheduleReload(RELOAD_DEBOUNCE_MS);
  }

  private scheduleReload(delay: number): void {
    if (this.disposed || this.reloadTimer !== null) return;
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      void this.load();
    }, delay);
  }

  /** Loads the board view; events that came meanwhile are applied on top of it. */
  load(): Promise<void> {
    if (this.loading) {
      // A load is under way and may have read the board before the event that asked for this
      // one: load again after it.
      return this.loading.then(() => this.scheduleReload(0));
    }
    const path = `/api/workspaces/${encodeURIComponent(this.workspaceId)}/boards/${encodeURIComponent(this.boardId)}`;
    this.duringLoad = [];
    this.loading = (async () => {
      try {
        let view = await api<BoardView>(path, { token: this.token });
        if (this.disposed) return;
        let reload = false;
        for (const event of this.duringLoad) {
          const applied = applyBoardEvent(view, event, this.me);
          view = applied.view;
          reload ||= applied.reload;
        }
        this.view.value = view;
        this.error.value = null;
        if (reload) this.scheduleReload(RELOAD_DEBOUNCE_MS);
      } catch (failure) {
        if (failure instanceof ApiFailure && failure.status === 401) {
          this.onUnauthenticated();
          return;
        }
        this.error.value = failure instanceof ApiFailure ? failure.body : { code: 'unknown', message: String(failure) };
      } finally {
        this.loading = null;
        this.duringLoad = [];
      }
    })();
    return this.loading;
  }
}
