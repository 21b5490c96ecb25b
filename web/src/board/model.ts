// A workshop board as this person may see it (the server's `GET .../boards/{id}`, shaped by
// src/visibility.rs), and what the board's live events do to it, pure: notes appear, move
// and change; another's private note is a placeholder with only its zone; a phase change or
// a dot asks for the view again (the server alone knows what is revealed and the dots left);
// an author the view has no name for is said, for the store to learn the name. A note left
// unchanged by an event stays the same object, so its card is not rendered again.
// Also the countdown of the facilitator's timer in server time, and the summary's rows.
import type { BoardPhase, BoardTemplate, Zone } from '../protocol/command';
import type { Promotion } from '../protocol/domain-event';
import type { LiveEvent } from '../store/live';
import { zoneKey } from './zones';

export const PHASES: readonly BoardPhase[] = ['writing', 'reveal', 'grouping', 'voting', 'discussion', 'closed'];

export interface NoteView {
  readonly note_id: string;
  readonly text: string;
  /** The author's actor: one's own notes always, others' only where the phase allows. */
  readonly author?: string | null;
  readonly zone: Zone;
  readonly x: number;
  readonly y: number;
  readonly colour: string;
  readonly group_id?: string | null;
  /** This person's own dots on it. */
  readonly my_votes: number;
  /** All dots, once the vote has closed (a total, never per voter). */
  readonly votes?: number | null;
  readonly promoted_to?: Promotion | null;
}

/** Another's note still private: only that it exists, and where. */
export interface PrivateNote {
  readonly note_id: string;
  readonly zone: Zone;
}

export interface BoardView {
  readonly board_id: string;
  readonly title: string;
  readonly template: BoardTemplate;
  readonly facilitator: string;
  readonly phase: BoardPhase;
  readonly anonymous: boolean;
  readonly locked: boolean;
  readonly timer_ends_at?: string | null;
  readonly vote_budget: number;
  /** Most dots one person may place on one note in this vote (absent: no cap). */
  readonly note_cap?: number | null;
  readonly my_votes_left: number;
  readonly hidden_notes: number;
  readonly private_notes?: readonly PrivateNote[];
  readonly notes: readonly NoteView[];
  readonly groups: readonly (readonly [string, string, readonly string[]])[];
  /** People's names by actor (guests' display names, accounts' names). */
  readonly display_names?: Readonly<Record<string, string>>;
  /** The reader's role in the workspace: viewers and auditors only look. */
  readonly my_role?: 'owner' | 'editor' | 'viewer' | 'auditor' | 'guest';
}

/** The board without its notes: what the page shows around the zones (the phase, the lock,
 * the timer, the dots left, people's names). */
export type BoardShell = Omit<BoardView, 'notes' | 'private_notes' | 'hidden_notes' | 'groups'>;

const SHELL_FIELDS = [
  'board_id',
  'title',
  'template',
  'facilitator',
  'phase',
  'anonymous',
  'locked',
  'timer_ends_at',
  'vote_budget',
  'note_cap',
  'my_votes_left',
  'display_names',
  'my_role',
] as const satisfies readonly (keyof BoardShell)[];
/** Every field of the shell is in SHELL_FIELDS (a field added to the view and not there is a
 * compile error here, not a shell that never changes for it). */
const EVERY_SHELL_FIELD: [Exclude<keyof BoardShell, (typeof SHELL_FIELDS)[number]>] extends [never] ? true : never = true;
void EVERY_SHELL_FIELD;

/** `view`'s shell: `previous` itself while none of its fields changed (a note's event, or a
 * load that brings the same board), so what shows only the shell is not rendered again for
 * a note. `display_names` is compared as an object: it is kept the same one while unchanged
 * (see `keepUnchangedNotes`). */
export function shellOf(view: BoardView, previous: BoardShell | null): BoardShell {
  if (previous && SHELL_FIELDS.every((field) => (view[field] ?? null) === (previous[field] ?? null))) return previous;
  const shell: Record<string, unknown> = {};
  for (const field of SHELL_FIELDS) if (view[field] !== undefined) shell[field] = view[field];
  return shell as unknown as BoardShell;
}

/** What an event did: the board after it, and whether the view must be loaded again. */
export interface Applied {
  readonly view: BoardView;
  readonly reload: boolean;
  /** An actor the event shows whose name the view does not have (the store learns it from
   * presence, or loads the view again later). */
  readonly unknownName?: string;
}

/** The board after one of its live events, as seen by `me` (their actor). */
export function applyBoardEvent(view: BoardView, event: LiveEvent, me: string): Applied {
  const payload = event.payload;
  if (payload.board_id !== view.board_id) return { view, reload: false };
  const noteId = typeof payload.note_id === 'string' ? payload.note_id : '';
  const same = { view, reload: false };
  switch (event.event_type) {
    case 'NoteAdded': {
      const before = view.notes.find((note) => note.note_id === noteId);
      const author = event.actor ?? before?.author ?? null;
      const note: NoteView = {
        note_id: noteId,
        text: String(payload.text ?? ''),
        author,
        zone: payload.zone as Zone,
        x: Number(payload.x ?? 0),
        y: Number(payload.y ?? 0),
        colour: String(payload.colour ?? '#ffd54f'),
        group_id: before?.group_id ?? null,
        my_votes: before?.my_votes ?? 0,
        votes: before?.votes ?? null,
        promoted_to: before?.promoted_to ?? null,
      };
      const notes = before
        ? view.notes.map((existing) => (existing.note_id === noteId ? note : existing))
        : [...view.notes, note];
      const privateNotes = (view.private_notes ?? []).filter((hidden) => hidden.note_id !== noteId);
      const unknownName = author !== null && author !== me && !(author in (view.display_names ?? {}));
      return {
        view: { ...view, notes, private_notes: privateNotes, hidden_notes: privateNotes.length },
        reload: false,
        ...(unknownName ? { unknownName: author } : {}),
      };
    }
    case 'PrivateNoteAdded': {
      if (view.notes.some((note) => note.note_id === noteId)) return same;
      const privateNotes = [
        ...(view.private_notes ?? []).filter((hidden) => hidden.note_id !== noteId),
        { note_id: noteId, zone: payload.zone as Zone },
      ];
      return { view: { ...view, private_notes: privateNotes, hidden_notes: privateNotes.length }, reload: false };
    }
    case 'NoteEdited':
      return {
        view: { ...view, notes: updateNote(view.notes, noteId, (note) => ({ ...note, text: String(payload.text ?? note.text) })) },
        reload: false,
      };
    case 'NoteMoved': {
      const zone = payload.zone as Zone;
      const x = Number(payload.x ?? 0);
      const y = Number(payload.y ?? 0);
      return {
        view: {
          ...view,
          notes: updateNote(view.notes, noteId, (note) => ({ ...note, zone, x, y })),
          private_notes: (view.private_notes ?? []).map((hidden) => (hidden.note_id === noteId ? { ...hidden, zone } : hidden)),
        },
        reload: false,
      };
    }
    case 'NotesGrouped': {
      const groupId = String(payload.group_id);
      const members = Array.isArray(payload.note_ids) ? payload.note_ids.map(String) : [];
      return {
        view: {
          ...view,
          groups: [...view.groups.filter(([id]) => id !== groupId), [groupId, String(payload.label ?? ''), members]],
          notes: view.notes.map((note) => (members.includes(note.note_id) ? { ...note, group_id: groupId } : note)),
        },
        reload: false,
      };
    }
    case 'BoardLocked':
      return { view: { ...view, locked: true }, reload: false };
    case 'BoardUnlocked':
      return { view: { ...view, locked: false }, reload: false };
    case 'BoardTimerStarted':
      return { view: { ...view, timer_ends_at: String(payload.ends_at) }, reload: false };
    case 'BoardTimerStopped':
      return { view: { ...view, timer_ends_at: null }, reload: false };
    case 'NotePromoted':
      return {
        view: { ...view, notes: updateNote(view.notes, noteId, (note) => ({ ...note, promoted_to: payload.to as Promotion })) },
        reload: false,
      };
    case 'BoardPhaseChanged':
      // What the new phase reveals (texts, authors, totals) comes only with the view.
      return {
        view: { ...view, phase: payload.to as BoardPhase, anonymous: Boolean(payload.anonymous) },
        reload: true,
      };
    case 'FacilitationHanded': {
      // The new facilitator's tools appear (and the former's go) at once.
      const facilitator = String(payload.to ?? view.facilitator);
      return {
        view: { ...view, facilitator },
        reload: false,
        ...(facilitator in (view.display_names ?? {}) ? {} : { unknownName: facilitator }),
      };
    }
    case 'VotingRulesSet':
      return {
        view: { ...view, vote_budget: Number(payload.vote_budget ?? view.vote_budget), note_cap: (payload.note_cap as number | null | undefined) ?? null },
        reload: true,
      };
    case 'VoteCast':
    case 'VoteRetracted':
      // Only one's own dots arrive while the vote is open; the view says the dots left.
      return { view, reload: true };
    default:
      return same;
  }
}

/** The view with `name` for `actor` (learnt from presence). */
export function withName(view: BoardView, actor: string, name: string): BoardView {
  return { ...view, display_names: { ...view.display_names, [actor]: name } };
}

/** `loaded`'s notes, each the object `before` had for it where nothing in it changed (a
 * load re-renders only the notes that did), in `before`'s order (the server lists them by
 * id, the live board as they came), notes `before` did not have after them: a load moves no
 * note on the screen, and a zone's list is not redrawn in another order. */
export function keepUnchangedNotes(before: BoardView | null, loaded: BoardView): BoardView {
  if (!before) return loaded;
  const previous = new Map(before.notes.map((note, index) => [note.note_id, { note, index }]));
  const rank = (noteId: string, loadedIndex: number) => previous.get(noteId)?.index ?? before.notes.length + loadedIndex;
  const notes = loaded.notes
    .map((note, loadedIndex) => {
      const old = previous.get(note.note_id)?.note;
      return { note: old && sameNote(old, note) ? old : note, rank: rank(note.note_id, loadedIndex) };
    })
    .sort((a, b) => a.rank - b.rank)
    .map(({ note }) => note);
  const names = before.display_names && loaded.display_names && JSON.stringify(before.display_names) === JSON.stringify(loaded.display_names)
    ? before.display_names
    : loaded.display_names;
  return { ...loaded, notes, ...(names ? { display_names: names } : {}) };
}

function sameNote(a: NoteView, b: NoteView): boolean {
  return (
    a.note_id === b.note_id &&
    a.text === b.text &&
    (a.author ?? null) === (b.author ?? null) &&
    zoneKey(a.zone) === zoneKey(b.zone) &&
    a.x === b.x &&
    a.y === b.y &&
    a.colour === b.colour &&
    (a.group_id ?? null) === (b.group_id ?? null) &&
    a.my_votes === b.my_votes &&
    (a.votes ?? null) === (b.votes ?? null) &&
    JSON.stringify(a.promoted_to ?? null) === JSON.stringify(b.promoted_to ?? null)
  );
}

function updateNote(notes: readonly NoteView[], noteId: string, change: (note: NoteView) => NoteView): NoteView[] {
  return notes.map((note) => (note.note_id === noteId ? change(note) : note));
}

/** The notes and placeholders of each zone, by the zone's key. */
export function notesByZone(view: BoardView): Map<string, { notes: NoteView[]; hidden: number }> {
  const zones = new Map<string, { notes: NoteView[]; hidden: number }>();
  const of = (zone: Zone) => {
    const key = zoneKey(zone);
    let entry = zones.get(key);
    if (!entry) {
      entry = { notes: [], hidden: 0 };
      zones.set(key, entry);
    }
    return entry;
  };
  for (const note of view.notes) of(note.zone).notes.push(note);
  for (const hidden of view.private_notes ?? []) of(hidden.zone).hidden += 1;
  return zones;
}

/** Whole seconds left of a timer ending at `endsAt` (server time), never below zero: the
 * browser's clock is corrected by `serverOffsetMs` (server minus local), so every client
 * counts down to the same moment whatever its own clock says. */
export function secondsLeft(endsAt: string, localNowMs: number, serverOffsetMs: number): number {
  const end = Date.parse(endsAt);
  if (!Number.isFinite(end)) return 0;
  return Math.max(0, Math.ceil((end - (localNowMs + serverOffsetMs)) / 1000));
}

/** `m:ss` (or `h:mm:ss`) of a number of seconds. */
export function clockText(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = String(seconds % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

/** Whether `me` facilitates the board. */
export function facilitates(view: Pick<BoardShell, 'facilitator'>, me: string): boolean {
  return view.facilitator === me;
}

/** Whether the reader may change the board (add, move, edit, vote): not viewers and auditors,
 * who only look. */
export function mayChange(view: Pick<BoardShell, 'my_role'>): boolean {
  return view.my_role !== 'viewer' && view.my_role !== 'auditor';
}

/** The next phases the facilitator may move the board to: the next one, and from grouping
 * also straight to the discussion (skipping the vote). */
export function nextPhases(phase: BoardPhase): BoardPhase[] {
  const next = PHASES[PHASES.indexOf(phase) + 1];
  if (!next) return [];
  return phase === 'grouping' ? [next, 'discussion'] : [next];
}

/** The summary's rows: a header, then every note by zone (in the grid's order), its text,
 * author where shown, dots and what it was promoted to. */
export function summaryRows(
  view: BoardView,
  zoneOrder: readonly string[],
  words: {
    readonly header: readonly string[];
    readonly zoneName: (zone: Zone) => string;
    readonly authorName: (author: string | null | undefined) => string;
    readonly promotion: (promotion: Promotion | null | undefined) => string;
  },
): string[][] {
  const rank = (zone: Zone) => {
    const index = zoneOrder.indexOf(zoneKey(zone));
    return index === -1 ? zoneOrder.length : index;
  };
  const notes = [...view.notes].sort(
    (a, b) => rank(a.zone) - rank(b.zone) || (b.votes ?? 0) - (a.votes ?? 0) || a.text.localeCompare(b.text),
  );
  return [
    [...words.header],
    ...notes.map((note) => [
      words.zoneName(note.zone),
      note.text,
      words.authorName(note.author),
      note.votes == null ? '' : String(note.votes),
      words.promotion(note.promoted_to),
    ]),
  ];
}
