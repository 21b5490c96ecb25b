// `/w/<workspace>/boards/<board>`: the live workshop board, on a phone (one column) and on a
// large screen (the template's grid). Always visible: the phase, whether it is anonymous now,
// the lock, the countdown and, in the vote, the dots left. Each zone shows its notes and, for
// others' notes still private, placeholders (how many, nothing more). A note is added into a
// zone, moved by dragging it to another zone or with its "move" menu (keyboard, phone), and
// edited by its author. The facilitator's tools are beside the board. Who is here is shown
// above the zones (on a large screen also their pointers, where the phase shows them); the
// facilitator's "bring everyone here" scrolls everyone to the facilitator's zone. On a phone
// (one column, no pointers) the status bar says which zone one is on (the one across a
// reading line that moves down the screen as one scrolls down the board), the others are told it through presence, and each zone names who
// else is on it, where the phase shows such things. Viewers and auditors see the board
// without any control to change it.
//
// What renders for what, with fifty people sending an event every few tens of milliseconds:
// the page around the zones follows the board without its notes (`BoardStore.board`), so a
// note's event does not render it; the zones (`BoardZones`) follow the notes, and each zone
// (`ZoneSection`) renders again only when its own notes, placeholders or controls change, so
// a note's event renders its zone alone (a move: the two zones). Presence renders only what
// shows it (the avatars, each zone's pointers and people, the facilitator's hand-over list),
// and the countdown only itself.
import { Component } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Zone } from '../protocol/command';
import { errorSentence, language, t, type Language } from '../i18n';
import { uuidv4 } from '../store/ids';
import type { LiveConnection } from '../store/live';
import { sendAndTell } from '../map/send';
import { notify } from '../ui/notices';
import { navigate } from '../ui/router';
import { Countdown } from './Countdown';
import { FacilitatorTools, PromoteForm } from './Facilitator';
import { boardPath } from './guest';
import { BoardPresenceBar, largeScreen, ZoneCursors, ZonePeople } from './BoardPresence';
import { facilitates, mayChange, notesByZone, type BoardShell, type NoteView } from './model';
import { cardControls, propsChanged, type CardControls, type NoteActions } from './NoteCard';
import type { BoardStore } from './store';
import { hiddenText, phaseName, zoneName } from './words';
import { zoneKey, type ZoneGrid, type ZoneSlot } from './zones';
import { usePacedZones, ZoneNotes, type ZoneNotesProps } from './ZoneNotes';
import './board.css';

export function BoardPage({
  store,
  live,
  token,
  guestName,
}: {
  store: BoardStore;
  live: LiveConnection;
  token: string;
  /** The guest's display name (absent for members). */
  guestName: string | null;
}) {
  const board = store.board.value;
  const grid = store.grid.value;
  const [promoting, setPromoting] = useState<NoteView | null>(null);
  const summons = store.summons.value;
  const [summonedTo, setSummonedTo] = useState<string | null>(null);
  // "Bring everyone here": jump to the facilitator's zone (or the top of the board).
  useEffect(() => {
    if (!summons) return;
    const key = summons.zone ? zoneKey(summons.zone) : null;
    const target = key === null ? document.querySelector('.zones') : document.querySelector(`.zone[data-zone="${CSS.escape(key)}"]`);
    target?.scrollIntoView({ block: 'start' });
    setSummonedTo(key);
    notify(() => (summons.zone ? t('board.summonedTo', { zone: zoneName(summons.zone) }) : t('board.summoned')));
    const timer = setTimeout(() => setSummonedTo(null), 4000);
    return () => clearTimeout(timer);
  }, [summons]);
  // The same object every render, so the memoised note cards are not rendered again for it.
  const actions = useMemo<NoteActions>(
    () => ({
      move: (note, zone) =>
        void sendAndTell(store, { type: 'MoveNote', board_id: store.boardId, note_id: note.note_id, zone, x: note.x, y: note.y }, () =>
          t('board.moved', { zone: zoneName(zone) }),
        ),
      edit: (note, text) =>
        void sendAndTell(store, { type: 'EditNote', board_id: store.boardId, note_id: note.note_id, text }, () => t('board.edited')),
      vote: (note) =>
        void sendAndTell(store, { type: 'CastVote', board_id: store.boardId, note_id: note.note_id }, () => t('board.dotCast')),
      retract: (note) =>
        void sendAndTell(store, { type: 'RetractVote', board_id: store.boardId, note_id: note.note_id }, () => t('board.dotRetracted')),
      promote: (note) => setPromoting(note),
    }),
    [store],
  );
  // Where one is and points, where the phase shows them (the server enforces it too): on a
  // large screen the pointer in its zone, on a phone the zone in view.
  const whereShown = board !== null && !board.anonymous && board.phase !== 'writing';
  const small = !largeScreen();
  const pointing = whereShown && !small;
  useEffect(() => {
    if (!pointing) store.announce({});
  }, [pointing]);
  if (!board || !grid) {
    return (
      <main id="main" class="board-page">
        {store.error.value ? <p class="form-error" role="alert">{errorSentence(store.error.value)}</p> : <p>{t('board.loading')}</p>}
      </main>
    );
  }
  const me = store.me;
  const facilitator = facilitates(board, me);
  const readOnly = !mayChange(board);
  const names = board.display_names ?? NO_NAMES;
  const open = !readOnly && !board.locked && board.phase !== 'closed';
  const canAdd = open && board.phase !== 'voting';

  return (
    <main id="main" class="board-page">
      <div class="board-status" aria-label={board.title}>
        <h1>{board.title}</h1>
        <span class="chip" data-testid="board-phase">{t('board.phase', { phase: phaseName(board.phase) })}</span>
        <span class={`chip ${board.anonymous ? 'chip-anonymous' : ''}`} data-testid="board-anonymity">
          {board.anonymous ? t('board.anonymousNow') : t('board.namesShown')}
        </span>
        {board.locked && <span class="chip chip-locked">{t('board.locked')}</span>}
        {board.timer_ends_at && <Countdown endsAt={board.timer_ends_at} serverOffsetMs={() => store.serverOffsetMs()} />}
        {board.phase === 'voting' && !readOnly && (
          <span class="chip chip-dots" data-testid="dots-left">
            {t('board.dotsLeft', { left: board.my_votes_left, budget: board.vote_budget })}
          </span>
        )}
        {board.phase === 'voting' && board.note_cap != null && (
          <span class="chip" data-testid="note-cap">{t('board.noteCap', { cap: board.note_cap })}</span>
        )}
        {readOnly && <span class="chip" data-testid="read-only">{t('board.readOnly')}</span>}
        {guestName && <span class="muted small">{t('board.you', { name: guestName })}</span>}
        {small && <MyZone store={store} grid={grid} shown={whereShown} />}
      </div>
      {board.phase === 'voting' && <p class="muted small">{t('board.tallyHidden')}</p>}
      <BoardPresenceBar store={store} names={names} withZones={small && whereShown} />
      <div class={`board-layout${facilitator ? ' with-tools' : ''}`}>
        <div class="board-main">
          {canAdd && <AddNote store={store} board={board} live={live} slots={grid.slots} />}
          <BoardZones
            store={store}
            grid={grid}
            controls={cardControls(board.phase, board.locked, readOnly, facilitator)}
            facilitator={facilitator}
            names={names}
            actions={actions}
            summonedTo={summonedTo}
            pointing={pointing}
            people={small && whereShown}
            open={open}
            language={language.value}
          />
        </div>
        {facilitator && (
          <aside class="board-tools">
            {promoting && <PromoteForm store={store} note={promoting} onDone={() => setPromoting(null)} />}
            <FacilitatorTools store={store} board={board} token={token} />
          </aside>
        )}
      </div>
      <p class="board-links">
        <a
          href={boardPath(store.workspaceId, board.board_id, '/summary')}
          onClick={(event) => { event.preventDefault(); navigate(boardPath(store.workspaceId, board.board_id, '/summary')); }}
        >
          {t('board.summary')}
        </a>
        {!guestName && (
          <a
            href={`/w/${store.workspaceId}/boards`}
            onClick={(event) => { event.preventDefault(); navigate(`/w/${store.workspaceId}/boards`); }}
          >
            {t('board.allBoards')}
          </a>
        )}
      </p>
    </main>
  );
}

const NO_NAMES: Readonly<Record<string, string>> = {};
const NO_ZONES: ReturnType<typeof notesByZone> = new Map();
const NO_NOTES: readonly NoteView[] = [];

interface BoardZonesProps {
  store: BoardStore;
  grid: ZoneGrid;
  controls: CardControls;
  facilitator: boolean;
  names: Readonly<Record<string, string>>;
  actions: NoteActions;
  /** The zone the facilitator brought everyone to, for a few seconds. */
  summonedTo: string | null;
  /** Others' pointers are drawn (a large screen, a phase that shows them). */
  pointing: boolean;
  /** Who is on each zone is written in it (a phone, a phase that shows it). */
  people: boolean;
  /** Notes may be dropped into a zone. */
  open: boolean;
  language: Language;
}

/** The zones with their notes: rendered for every note's event (it follows the notes), each
 * zone again only when what it shows changed (see `ZoneSection`). */
function BoardZones({ store, grid, controls, facilitator, names, actions, summonedTo, pointing, people, open, language }: BoardZonesProps) {
  const view = store.view.value;
  const byZone = view ? notesByZone(view) : NO_ZONES;
  const wanted = new Map<string, ZoneNotesProps>();
  for (const slot of grid.slots) {
    wanted.set(slot.key, { notes: byZone.get(slot.key)?.notes ?? NO_NOTES, controls, me: store.me, names, slots: grid.slots, facilitator, actions, language });
  }
  // Each zone's notes as its list is to show them (see ZoneNotes.tsx).
  const zoneNotes = usePacedZones(wanted);
  const pointingRef = useRef(pointing);
  pointingRef.current = pointing;
  // The same function every render (a zone's prop): the note is looked up when it is dropped.
  const drop = useMemo(
    () => (event: DragEvent, zone: Zone) => {
      event.preventDefault();
      const noteId = event.dataTransfer?.getData('text/plain');
      const note = store.view.peek()?.notes.find((candidate) => candidate.note_id === noteId);
      if (note && zoneKey(note.zone) !== zoneKey(zone)) actions.move(note, zone);
    },
    [store, actions],
  );
  const point = (event: PointerEvent) => {
    if (!pointingRef.current) return;
    const zoneElement = (event.target as Element | null)?.closest<HTMLElement>('.zone');
    const slot = zoneElement ? grid.slots.find((candidate) => candidate.key === zoneElement.dataset.zone) : undefined;
    if (!zoneElement || !slot) return;
    const box = zoneElement.getBoundingClientRect();
    store.announce({
      zone: slot.zone,
      cursor: { x: (event.clientX - box.left) / Math.max(1, box.width), y: (event.clientY - box.top) / Math.max(1, box.height) },
    });
  };
  return (
    <section aria-label={t('board.zones')} class={`zones zones-${view?.template ?? ''}`} style={{ '--columns': grid.columns }} onPointerMove={point}>
      {grid.slots.map((slot) => (
        <ZoneSection
          key={slot.key}
          store={store}
          slot={slot}
          hidden={byZone.get(slot.key)?.hidden ?? 0}
          notes={zoneNotes.get(slot.key)}
          summoned={summonedTo === slot.key}
          pointing={pointing}
          people={people}
          open={open}
          names={names}
          onDrop={drop}
          language={language}
        />
      ))}
    </section>
  );
}

interface ZoneSectionProps {
  store: BoardStore;
  slot: ZoneSlot;
  /** Others' private notes in it (placeholders). */
  hidden: number;
  notes: ZoneNotesProps | undefined;
  summoned: boolean;
  pointing: boolean;
  people: boolean;
  open: boolean;
  names: Readonly<Record<string, string>>;
  onDrop: (event: DragEvent, zone: Zone) => void;
  /** The language of its texts: a switch renders it again. */
  language: Language;
}

/** One zone: its name, the others on it (their pointers, or on a phone their names, which
 * follow presence by themselves), its placeholders and its notes; rendered again only when
 * one of its props is another value or object, so a note's event renders its zone alone. */
class ZoneSection extends Component<ZoneSectionProps> {
  override shouldComponentUpdate(next: ZoneSectionProps): boolean {
    return propsChanged(next, this.props);
  }

  override render({ store, slot, hidden, notes, summoned, pointing, people, open, names, onDrop }: ZoneSectionProps) {
    const headingId = `zone-${slot.key.replace(/[^a-z0-9]+/gi, '-')}`;
    return (
      <section
        class={`zone${summoned ? ' zone-summoned' : ''}`}
        aria-labelledby={headingId}
        data-zone={slot.key}
        data-hidden={hidden}
        onDragOver={(event) => { if (open) event.preventDefault(); }}
        onDrop={(event) => onDrop(event, slot.zone)}
      >
        <h2 id={headingId}>{zoneName(slot.zone)}</h2>
        {pointing && <ZoneCursors store={store} zoneKeyOf={slot.key} names={names} />}
        {people && <ZonePeople store={store} zoneKeyOf={slot.key} names={names} />}
        {hidden > 0 && (
          <p class="placeholders" data-testid="placeholders">
            {Array.from({ length: Math.min(hidden, 12) }, (_, index) => (
              <span key={index} class="placeholder" aria-hidden="true" />
            ))}
            <span>{hiddenText(hidden)}</span>
          </p>
        )}
        {notes && <ZoneNotes {...notes} />}
      </section>
    );
  }
}

/** On a phone, the zone one is on, in the status bar, said to the others where the phase
 * shows it: looked at again as one scrolls and when the number of notes changes the zones'
 * sizes (it follows the notes; the status bar around it does not). */
function MyZone({ store, grid, shown }: { store: BoardStore; grid: ZoneGrid; shown: boolean }) {
  const notes = store.view.value?.notes.length ?? 0;
  const myZone = useZoneInView(true, notes);
  const slot = myZone === null ? undefined : grid.slots.find((candidate) => candidate.key === myZone);
  useEffect(() => {
    store.announce(shown && slot ? { zone: slot.zone } : {});
  }, [shown, myZone]);
  if (!slot) return null;
  return (
    <span class="chip chip-my-zone" data-testid="my-zone" data-zone={slot.key}>
      {t('board.youAreAt', { zone: zoneName(slot.zone) })}
    </span>
  );
}

/** Adding a note into a zone. While offline the note is kept (the outbox) and sent when the
 * connection returns; the person is told so. */
function AddNote({ store, board, live, slots }: { store: BoardStore; board: BoardShell; live: LiveConnection; slots: readonly ZoneSlot[] }) {
  const [text, setText] = useState('');
  const [zoneIndex, setZoneIndex] = useState(0);
  // A free board's new field: a label of the person's own instead of a listed field.
  const [newLabel, setNewLabel] = useState('');
  const zone = board.template === 'free' && newLabel.trim() !== '' ? { label: newLabel.trim() } : (slots[zoneIndex] ?? slots[0])?.zone;
  const submit = (event: Event) => {
    event.preventDefault();
    if (!zone || text.trim() === '') return;
    if (live.state.value !== 'online') notify(() => t('board.addedQueued'));
    void sendAndTell(
      store,
      { type: 'AddNote', board_id: board.board_id, note_id: uuidv4(), text: text.trim(), zone, x: 0, y: 0 },
      () => t('board.added'),
    );
    setText('');
    setNewLabel('');
  };
  return (
    <form class="add-note" onSubmit={submit}>
      <label>
        <span>{zone ? t('board.addTo', { zone: zoneName(zone) }) : ''}</span>
        <textarea name="note" rows={2} maxLength={1000} value={text} onInput={(event) => setText(event.currentTarget.value)} />
      </label>
      <div class="add-note-row">
        <label>
          <span>{t('summary.zone')}</span>
          <select name="zone" value={String(zoneIndex)} onChange={(event) => setZoneIndex(Number(event.currentTarget.value))}>
            {slots.map((slot, index) => (
              <option key={slot.key} value={String(index)}>{zoneName(slot.zone)}</option>
            ))}
          </select>
        </label>
        {board.template === 'free' && (
          <label>
            <span>{t('board.newField')}</span>
            <input name="new_field" maxLength={60} value={newLabel} onInput={(event) => setNewLabel(event.currentTarget.value)} />
          </label>
        )}
        <button type="submit">{t('board.add')}</button>
      </div>
    </form>
  );
}

/** On a phone, the zone in view: the one across a reading line that runs from just under
 * the status bar at the top of the board to the bottom of the screen at its end, as far
 * down the screen as one has scrolled down the page, so that every zone, the last ones too,
 * can be the one (between zones, the nearest; null when no zone is in view). Followed as one
 * scrolls, and looked at again when the number of `notes` changes the zones' sizes. */
function useZoneInView(active: boolean, notes: number): string | null {
  const [key, setKey] = useState<string | null>(null);
  useEffect(() => {
    if (!active) return;
    let frame = 0;
    const look = () => {
      frame = 0;
      const top = document.querySelector('.board-status')?.getBoundingClientRect().bottom ?? 0;
      const scrollable = document.documentElement.scrollHeight - window.innerHeight;
      const down = scrollable > 0 ? Math.min(1, Math.max(0, window.scrollY / scrollable)) : 0;
      const line = top + (window.innerHeight - top) * down;
      let best: { key: string; off: number } | null = null;
      for (const zone of document.querySelectorAll<HTMLElement>('.zone[data-zone]')) {
        const box = zone.getBoundingClientRect();
        if (box.bottom <= top || box.top >= window.innerHeight) continue;
        const off = box.top > line ? box.top - line : box.bottom < line ? line - box.bottom : 0;
        if (!best || off < best.off) best = { key: zone.dataset.zone ?? '', off };
      }
      setKey(best?.key ?? null);
    };
    const onScroll = () => {
      if (frame === 0) frame = requestAnimationFrame(look);
    };
    look();
    window.addEventListener('scroll', onScroll, { passive: true });
    window.addEventListener('resize', onScroll);
    return () => {
      window.removeEventListener('scroll', onScroll);
      window.removeEventListener('resize', onScroll);
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [active, notes]);
  return key;
}
