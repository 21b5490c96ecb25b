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
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Zone } from '../protocol/command';
import { errorSentence, language, t } from '../i18n';
import { uuidv4 } from '../store/ids';
import type { LiveConnection } from '../store/live';
import { sendAndTell } from '../map/send';
import { notify } from '../ui/notices';
import { navigate } from '../ui/router';
import { Countdown } from './Countdown';
import { FacilitatorTools, PromoteForm } from './Facilitator';
import { boardPath } from './guest';
import { BoardPresenceBar, largeScreen, ZoneCursors, ZonePeople } from './BoardPresence';
import { facilitates, mayChange, notesByZone, type BoardView, type NoteView } from './model';
import { onTheBoard } from '../store/presence';
import { cardControls, type NoteActions } from './NoteCard';
import type { BoardStore } from './store';
import { hiddenText, phaseName, zoneName } from './words';
import { zoneGrid, zoneKey, type ZoneGrid } from './zones';
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
  const view = store.view.value;
  const [promoting, setPromoting] = useState<NoteView | null>(null);
  const presence = store.presence.value;
  const others = useMemo(() => onTheBoard(presence, store.boardId), [presence, store.boardId]);
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
  const grid = useSameSlots(view ? zoneGrid(view.template, view.notes.map((note) => note.zone)) : null);
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
  const whereShown = view !== null && !view.anonymous && view.phase !== 'writing';
  const small = !largeScreen();
  const pointing = whereShown && !small;
  const myZone = useZoneInView(small && view !== null, view?.notes.length ?? 0);
  const myZoneSlot = myZone === null ? undefined : grid?.slots.find((slot) => slot.key === myZone);
  useEffect(() => {
    if (!small) return;
    store.announce(whereShown && myZoneSlot ? { zone: myZoneSlot.zone } : {});
  }, [small, whereShown, myZone]);
  const pointingRef = useRef(pointing);
  pointingRef.current = pointing;
  useEffect(() => {
    if (!pointing) store.announce({});
  }, [pointing]);
  // Each zone's notes as its list is to show them (see ZoneNotes.tsx).
  const byZone = view ? notesByZone(view) : NO_ZONES;
  const zoneNotes = usePacedZones(wantedZones(view, grid, byZone, store.me, actions));
  const point = (event: PointerEvent) => {
    if (!pointingRef.current) return;
    const zoneElement = (event.target as Element | null)?.closest<HTMLElement>('.zone');
    const slot = zoneElement ? grid?.slots.find((candidate) => candidate.key === zoneElement.dataset.zone) : undefined;
    if (!zoneElement || !slot) return;
    const box = zoneElement.getBoundingClientRect();
    store.announce({
      zone: slot.zone,
      cursor: { x: (event.clientX - box.left) / Math.max(1, box.width), y: (event.clientY - box.top) / Math.max(1, box.height) },
    });
  };
  if (!view || !grid) {
    return (
      <main id="main" class="board-page">
        {store.error.value ? <p class="form-error" role="alert">{errorSentence(store.error.value)}</p> : <p>{t('board.loading')}</p>}
      </main>
    );
  }
  const me = store.me;
  const facilitator = facilitates(view, me);
  const readOnly = !mayChange(view);
  const names = view.display_names ?? NO_NAMES;

  const drop = (event: DragEvent, zone: Zone) => {
    event.preventDefault();
    const noteId = event.dataTransfer?.getData('text/plain');
    const note = view.notes.find((candidate) => candidate.note_id === noteId);
    if (note && zoneKey(note.zone) !== zoneKey(zone)) actions.move(note, zone);
  };

  const open = !readOnly && !view.locked && view.phase !== 'closed';
  const canAdd = open && view.phase !== 'voting';

  return (
    <main id="main" class="board-page">
      <div class="board-status" aria-label={view.title}>
        <h1>{view.title}</h1>
        <span class="chip" data-testid="board-phase">{t('board.phase', { phase: phaseName(view.phase) })}</span>
        <span class={`chip ${view.anonymous ? 'chip-anonymous' : ''}`} data-testid="board-anonymity">
          {view.anonymous ? t('board.anonymousNow') : t('board.namesShown')}
        </span>
        {view.locked && <span class="chip chip-locked">{t('board.locked')}</span>}
        {view.timer_ends_at && <Countdown endsAt={view.timer_ends_at} serverOffsetMs={() => store.serverOffsetMs()} />}
        {view.phase === 'voting' && !readOnly && (
          <span class="chip chip-dots" data-testid="dots-left">
            {t('board.dotsLeft', { left: view.my_votes_left, budget: view.vote_budget })}
          </span>
        )}
        {view.phase === 'voting' && view.note_cap != null && (
          <span class="chip" data-testid="note-cap">{t('board.noteCap', { cap: view.note_cap })}</span>
        )}
        {readOnly && <span class="chip" data-testid="read-only">{t('board.readOnly')}</span>}
        {guestName && <span class="muted small">{t('board.you', { name: guestName })}</span>}
        {small && myZoneSlot && (
          <span class="chip chip-my-zone" data-testid="my-zone" data-zone={myZoneSlot.key}>
            {t('board.youAreAt', { zone: zoneName(myZoneSlot.zone) })}
          </span>
        )}
      </div>
      {view.phase === 'voting' && <p class="muted small">{t('board.tallyHidden')}</p>}
      <BoardPresenceBar others={others} names={names} withZones={small && whereShown} />
      <div class={`board-layout${facilitator ? ' with-tools' : ''}`}>
        <div class="board-main">
          {canAdd && <AddNote store={store} view={view} live={live} slots={grid.slots.map((slot) => slot.zone)} />}
          <section
            aria-label={t('board.zones')}
            class={`zones zones-${view.template}`}
            style={{ '--columns': grid.columns }}
            onPointerMove={point}
          >
            {grid.slots.map((slot) => {
              const here = byZone.get(slot.key) ?? { notes: [], hidden: 0 };
              const headingId = `zone-${slot.key.replace(/[^a-z0-9]+/gi, '-')}`;
              return (
                <section
                  key={slot.key}
                  class={`zone${summonedTo === slot.key ? ' zone-summoned' : ''}`}
                  aria-labelledby={headingId}
                  data-zone={slot.key}
                  data-hidden={here.hidden}
                  onDragOver={(event) => { if (open) event.preventDefault(); }}
                  onDrop={(event) => drop(event, slot.zone)}
                >
                  <h2 id={headingId}>{zoneName(slot.zone)}</h2>
                  {pointing && <ZoneCursors zoneKeyOf={slot.key} others={others} names={names} />}
                  {small && whereShown && <ZonePeople zoneKeyOf={slot.key} others={others} names={names} />}
                  {here.hidden > 0 && (
                    <p class="placeholders" data-testid="placeholders">
                      {Array.from({ length: Math.min(here.hidden, 12) }, (_, index) => (
                        <span key={index} class="placeholder" aria-hidden="true" />
                      ))}
                      <span>{hiddenText(here.hidden)}</span>
                    </p>
                  )}
                  {zoneNotes.has(slot.key) && <ZoneNotes {...(zoneNotes.get(slot.key) as ZoneNotesProps)} />}
                </section>
              );
            })}
          </section>
        </div>
        {facilitator && (
          <aside class="board-tools">
            {promoting && <PromoteForm store={store} note={promoting} onDone={() => setPromoting(null)} />}
            <FacilitatorTools store={store} view={view} token={token} others={others} />
          </aside>
        )}
      </div>
      <p class="board-links">
        <a
          href={boardPath(store.workspaceId, view.board_id, '/summary')}
          onClick={(event) => { event.preventDefault(); navigate(boardPath(store.workspaceId, view.board_id, '/summary')); }}
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

/** The props every zone's note list should have now (its notes in a new array). */
function wantedZones(
  view: BoardView | null,
  grid: ZoneGrid | null,
  byZone: ReturnType<typeof notesByZone>,
  me: string,
  actions: NoteActions,
): Map<string, ZoneNotesProps> {
  const wanted = new Map<string, ZoneNotesProps>();
  if (!view || !grid) return wanted;
  const facilitator = facilitates(view, me);
  const controls = cardControls(view.phase, view.locked, !mayChange(view), facilitator);
  const names = view.display_names ?? NO_NAMES;
  for (const slot of grid.slots) {
    wanted.set(slot.key, {
      notes: byZone.get(slot.key)?.notes ?? NO_NOTES,
      controls,
      me,
      names,
      slots: grid.slots,
      facilitator,
      actions,
      language: language.value,
    });
  }
  return wanted;
}

/** The grid, with the previous render's slots while the zones are the same ones (a zone's
 * slot list is a prop of every note card). */
function useSameSlots(grid: ZoneGrid | null): ZoneGrid | null {
  const previous = useRef<ZoneGrid | null>(null);
  const before = previous.current;
  if (
    grid &&
    before &&
    before.columns === grid.columns &&
    before.slots.length === grid.slots.length &&
    before.slots.every((slot, index) => slot.key === grid.slots[index]?.key)
  ) {
    return before;
  }
  previous.current = grid;
  return grid;
}

/** Adding a note into a zone. While offline the note is kept (the outbox) and sent when the
 * connection returns; the person is told so. */
function AddNote({ store, view, live, slots }: { store: BoardStore; view: BoardView; live: LiveConnection; slots: readonly Zone[] }) {
  const [text, setText] = useState('');
  const [zoneIndex, setZoneIndex] = useState(0);
  // A free board's new field: a label of the person's own instead of a listed field.
  const [newLabel, setNewLabel] = useState('');
  const zone = view.template === 'free' && newLabel.trim() !== '' ? { label: newLabel.trim() } : (slots[zoneIndex] ?? slots[0]);
  const submit = (event: Event) => {
    event.preventDefault();
    if (!zone || text.trim() === '') return;
    if (live.state.value !== 'online') notify(() => t('board.addedQueued'));
    void sendAndTell(
      store,
      { type: 'AddNote', board_id: view.board_id, note_id: uuidv4(), text: text.trim(), zone, x: 0, y: 0 },
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
              <option key={zoneKey(slot)} value={String(index)}>{zoneName(slot)}</option>
            ))}
          </select>
        </label>
        {view.template === 'free' && (
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
