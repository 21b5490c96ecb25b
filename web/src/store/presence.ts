// Presence: who else is in a workspace, what each selects, where their pointer is and which
// map node they are dragging. Ephemeral: it comes and goes with the websocket, is never
// stored, and is forgotten when the connection drops (the server's snapshot after the next
// subscribe brings everyone back). Pure bookkeeping and a throttle; the connection in live.ts
// feeds it and sends one's own.
import type { ClientMessage } from '../protocol/client-message';
import type { Zone } from '../protocol/command';
import type { ServerMessage } from '../protocol/server-message';

export type PresenceMessage = Extract<ServerMessage, { type: 'presence' }>;
export type OwnPresence = Omit<Extract<ClientMessage, { type: 'presence' }>, 'type'>;

/** Someone present: one entry per connection (a person may have several). */
export interface Present {
  readonly connectionId: string;
  readonly actor: string;
  readonly boardId: string | null;
  readonly selection: string | null;
  readonly cursor: { readonly x: number; readonly y: number } | null;
  readonly dragging: { readonly nodeId: string; readonly x: number; readonly y: number } | null;
  /** On a board: the zone they are on (where pointers are shown); `cursor` is then a place
   * within it, each coordinate 0 to 1. */
  readonly zone: Zone | null;
  /** Their name for people (an account's name, a guest's chosen name), when the server says. */
  readonly name: string | null;
}

export type PresenceMap = ReadonlyMap<string, Present>;

/** The presence after `message`: the sender's last word replaces their earlier one; `left` removes it. */
export function withPresence(present: PresenceMap, message: PresenceMessage): PresenceMap {
  const next = new Map(present);
  if (message.left) {
    next.delete(message.connection_id);
    return next;
  }
  next.set(message.connection_id, {
    connectionId: message.connection_id,
    actor: message.actor,
    boardId: message.board_id ?? null,
    selection: message.selection ?? null,
    cursor: message.cursor ?? null,
    dragging: message.dragging ? { nodeId: message.dragging.node_id, x: message.dragging.x, y: message.dragging.y } : null,
    zone: message.zone ?? null,
    name: message.name ?? null,
  });
  return next;
}

/** Those on the map (not on a board), each connection, by name. */
export function onTheMap(present: PresenceMap): Present[] {
  return [...present.values()]
    .filter((entry) => entry.boardId === null)
    .sort((first, second) => first.actor.localeCompare(second.actor) || first.connectionId.localeCompare(second.connectionId));
}

/** Those on board `boardId`, each connection, by name. */
export function onTheBoard(present: PresenceMap, boardId: string): Present[] {
  return [...present.values()]
    .filter((entry) => entry.boardId === boardId)
    .sort((first, second) => first.actor.localeCompare(second.actor) || first.connectionId.localeCompare(second.connectionId));
}

/** Each person once (a person with several windows open is one avatar). */
export function people(present: readonly Present[]): Present[] {
  const byActor = new Map<string, Present>();
  for (const entry of present) if (!byActor.has(entry.actor) || entry.selection !== null) byActor.set(entry.actor, entry);
  return [...byActor.values()];
}

/** The server relays at most this many presence updates a second from one connection. */
export const PRESENCE_PER_SECOND = 20;

/**
 * Sends at most one update per interval: the first at once, later ones as the latest of what
 * came in meanwhile, so the last word is never lost and a drag is seen at the full rate.
 */
export class Throttle<T> {
  private waiting: { value: T } | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastSent = -Infinity;

  constructor(
    private readonly send: (value: T) => void,
    private readonly intervalMs: number = 1000 / PRESENCE_PER_SECOND,
    private readonly now: () => number = () => Date.now(),
  ) {}

  push(value: T): void {
    this.waiting = { value };
    if (this.timer !== null) return;
    const due = this.lastSent + this.intervalMs - this.now();
    if (due <= 0) this.release();
    else this.timer = setTimeout(() => this.release(), due);
  }

  /** Forgets what waits (the connection dropped: it is said again after the reconnect). */
  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.waiting = null;
  }

  private release(): void {
    this.timer = null;
    if (this.waiting === null) return;
    const { value } = this.waiting;
    this.waiting = null;
    this.lastSent = this.now();
    this.send(value);
  }
}

/** A short name for an avatar: the initials of the name before `@` (words split by `.`, `_`
 * or spaces, numbers left out), or its first two letters. */
export function initials(actor: string): string {
  const name = actor.replace(/^(token|guest):/, '').split('@')[0] ?? actor;
  const words = name.split(/[._\s]+/).map((word) => word.replace(/[^\p{L}]/gu, '')).filter((word) => word !== '');
  const letters = words.length > 1 ? words[0]!.charAt(0) + words[1]!.charAt(0) : (words[0] ?? name).slice(0, 2);
  return letters.toUpperCase();
}

const AVATAR_COLOURS = ['#1f6feb', '#9c4a00', '#0f7b6c', '#8250df', '#c2255c', '#5a6b00', '#0b6e99', '#9a3412'];

/** A colour of its own for each person, the same on every screen. */
export function avatarColour(actor: string): string {
  let hash = 0;
  for (let index = 0; index < actor.length; index += 1) hash = (hash * 31 + actor.charCodeAt(index)) >>> 0;
  return AVATAR_COLOURS[hash % AVATAR_COLOURS.length]!;
}
