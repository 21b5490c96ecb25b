// One open workshop board: its view as this person may see it, loaded over HTTP and kept
// current by the board's events over the one websocket. The subscription is scoped to the
// board and starts from the present (guests may not catch up from history); after every
// (re)subscription the view is loaded again, so a reconnect leaves no gap. Events that arrive
// while a load is under way are applied again on top of the loaded view (they are idempotent
// on notes), and an event that reveals something (a phase change, one's own dot) loads the
// view again. Changes leave through `LiveConnection.send` (queued while offline, resent on
// reconnect), so a note written while the phone's connection drops is sent when it returns.
// An author the view has no name for yet (a guest who just joined) is named from presence,
// which carries each person's name, or else by one load of the view a while later for all
// such authors together: fifty people joining must not mean fifty loads of the whole board.
// Events are applied as they come and shown at once when nothing was shown since the last
// animation frame; what comes after that within the same frame waits for the next one (see
// frames.ts): a lone change is not held back a frame, and a page behind on fifty people's
// events renders what it has caught up on once a frame, not once per event.
// Presence goes the same way: one's own (on the board, and where shown the zone and place
// one points at) and the others'; and the facilitator's "bring everyone here".
import { computed, signal } from '@preact/signals';
import type { Command } from '../protocol/command';
import type { ErrorBody } from '../protocol/error';
import { EventCursor } from '../store/cursor';
import { api, ApiFailure } from '../store/http';
import type { LiveConnection, LiveEvent, SummonedMessage } from '../store/live';
import { onTheBoard, withPresence, type OwnPresence, type Present, type PresenceMap } from '../store/presence';
import type { Outcome } from '../store/outbox';
import { atNextFrame } from './frames';
import { applyBoardEvent, keepUnchangedNotes, shellOf, withName, type BoardShell, type BoardView } from './model';
import { zoneGrid, type ZoneGrid } from './zones';

const RELOAD_DEBOUNCE_MS = 120;
/** How long a load only for names not yet known waits, gathering all such authors. */
const NAME_RELOAD_MS = 2000;

/** A guest link as the server made it: its token's id (to withdraw it) and the link. */
export interface GuestInvite {
  readonly token_id: string;
  readonly link: string;
}

export class BoardStore {
  readonly view = signal<BoardView | null>(null);
  /** The board without its notes, the same object while none of its fields changes: what
   * shows only these (the page around the zones, the facilitator's tools, the app's title)
   * is not rendered again for a note's event. */
  readonly board = computed<BoardShell | null>(() => {
    const view = this.view.value;
    this.shownShell = view ? shellOf(view, this.shownShell) : null;
    return this.shownShell;
  });
  /** The board's zones in the grid, the same object while they are the same zones (a free
   * board's notes may bring new ones). */
  readonly grid = computed<ZoneGrid | null>(() => {
    const view = this.view.value;
    this.shownGrid = view ? sameGrid(this.shownGrid, zoneGrid(view.template, view.notes.map((note) => note.zone))) : null;
    return this.shownGrid;
  });
  readonly error = signal<ErrorBody | null>(null);
  /** The guest link the facilitator made on this board in this tab (shown only until it is
   * withdrawn; the server shows its secret only once). */
  readonly guestInvite = signal<GuestInvite | null>(null);
  /** The others' presence in the workspace (this board's are shown). */
  readonly presence = signal<PresenceMap>(new Map());
  /** Those on this board now (each connection, by name): what shows presence follows this,
   * not the board. */
  readonly others = computed<readonly Present[]>(() => onTheBoard(this.presence.value, this.boardId));
  /** The facilitator's last "bring everyone here", numbered so that the same zone twice is
   * two jumps. */
  readonly summons = signal<{ readonly count: number; readonly zone: SummonedMessage['zone'] } | null>(null);

  private readonly cursor = new EventCursor();
  private unwatch: (() => void) | null = null;
  private loading: Promise<void> | null = null;
  /** Events received while a load is under way, applied again on top of what it loads. */
  private duringLoad: LiveEvent[] = [];
  private reloadTimer: ReturnType<typeof setTimeout> | null = null;
  private reloadDue = 0;
  /** The view with the events applied since it was last shown (null: the shown one is current). */
  private unshown: BoardView | null = null;
  /** Cancels the wait for the frame after the last showing (null: a frame has come since,
   * so the next change is shown at once). */
  private cancelFrameWait: (() => void) | null = null;
  private disposed = false;
  private shownShell: BoardShell | null = null;
  private shownGrid: ZoneGrid | null = null;

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
        if (message?.name) this.learnName(message.actor, message.name);
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
    this.cancelFrameWait?.();
    this.cancelFrameWait = null;
    this.unshown = null;
  }

  /** Sends a command to the board's workspace; settles with the ack or the rejection. */
  send(command: Command): Promise<Outcome> {
    return this.live.send(this.workspaceId, command);
  }

  /** The server's clock minus this browser's. */
  serverOffsetMs(): number {
    return this.live.serverClockOffsetMs.value;
  }

  /** The view with every event so far, shown or not yet. */
  private current(): BoardView | null {
    return this.unshown ?? this.view.value;
  }

  /** Makes `view` the current one: shown at once if nothing was shown since the last
   * animation frame, or else at the next frame, with whatever else comes until then. */
  private showSoon(view: BoardView): void {
    this.unshown = view;
    if (this.cancelFrameWait === null) this.showNow();
  }

  /** Shows `view`, or else what is waiting to be shown, now; what comes until the next frame
   * waits for it. */
  private showNow(view: BoardView | null = this.unshown): void {
    this.unshown = null;
    if (!view || this.disposed) return;
    this.view.value = view;
    this.cancelFrameWait?.();
    this.cancelFrameWait = atNextFrame(() => {
      this.cancelFrameWait = null;
      if (this.unshown) this.showNow();
    });
  }

  private take(event: LiveEvent): void {
    if (this.loading) this.duringLoad.push(event);
    const view = this.current();
    if (!view) return;
    const applied = applyBoardEvent(view, event, this.me);
    this.showSoon(applied.view);
    if (applied.reload) this.scheduleReload(RELOAD_DEBOUNCE_MS);
    if (applied.unknownName !== undefined) this.nameOf(applied.unknownName);
  }

  /** Names `actor` from presence if it is there, or else loads the view a while later. */
  private nameOf(actor: string): void {
    const present = [...this.presence.value.values()].find((entry) => entry.actor === actor && entry.name !== null);
    if (present?.name) this.learnName(actor, present.name);
    else this.scheduleReload(NAME_RELOAD_MS);
  }

  /** Takes a name presence says, where the view shows the person and lacks it. */
  private learnName(actor: string, name: string): void {
    const view = this.current();
    if (!view || view.display_names?.[actor] === name) return;
    if (view.facilitator !== actor && !view.notes.some((note) => note.author === actor)) return;
    this.showSoon(withName(view, actor, name));
  }

  /** Loads the view after `delay`, or sooner if a load is already due sooner: one load for
   * every reason that came meanwhile. */
  private scheduleReload(delay: number): void {
    if (this.disposed) return;
    const due = Date.now() + delay;
    if (this.reloadTimer !== null) {
      if (this.reloadDue <= due) return;
      clearTimeout(this.reloadTimer);
    }
    this.reloadDue = due;
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
        const unnamed: string[] = [];
        for (const event of this.duringLoad) {
          const applied = applyBoardEvent(view, event, this.me);
          view = applied.view;
          reload ||= applied.reload;
          if (applied.unknownName !== undefined) unnamed.push(applied.unknownName);
        }
        this.showNow(keepUnchangedNotes(this.current(), view));
        this.error.value = null;
        if (reload) this.scheduleReload(RELOAD_DEBOUNCE_MS);
        for (const actor of unnamed) this.nameOf(actor);
      } catch (failure) {
        if (failure instanceof ApiFailure && failure.status === 401) {
          this.onUnauthenticated();
          return;
        }
        this.error.value = failure instanceof ApiFailure ? failure.body : { code: 'unknown', message: '' };
      } finally {
        this.loading = null;
        this.duringLoad = [];
      }
    })();
    return this.loading;
  }
}

/** `grid`, or `before` itself while it has the same columns and zones. */
function sameGrid(before: ZoneGrid | null, grid: ZoneGrid): ZoneGrid {
  if (
    before &&
    before.columns === grid.columns &&
    before.slots.length === grid.slots.length &&
    before.slots.every((slot, index) => slot.key === grid.slots[index]?.key)
  ) {
    return before;
  }
  return grid;
}
