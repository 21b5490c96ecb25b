import { describe, expect, it } from 'vitest';
import type { LiveEvent } from '../store/live';
import { clockOffset } from '../store/live';
import { applyBoardEvent, clockText, keepUnchangedNotes, withName, facilitates, mayChange, nextPhases, notesByZone, secondsLeft, summaryRows, type BoardView } from './model';
import { zoneGrid, zoneKey, zoneTags } from './zones';

const board = (overrides: Partial<BoardView> = {}): BoardView => ({
  board_id: 'b',
  title: 'Mapping',
  template: 'rooms_by_goals',
  facilitator: 'anna',
  phase: 'writing',
  anonymous: false,
  locked: false,
  vote_budget: 3,
  my_votes_left: 3,
  hidden_notes: 0,
  private_notes: [],
  notes: [],
  groups: [],
  display_names: { anna: 'Anna' },
  ...overrides,
});

let position = 0;
const event = (event_type: string, payload: Record<string, unknown>, actor?: string): LiveEvent => ({
  type: 'event',
  workspace_id: 'w',
  position: ++position,
  version: position,
  event_type,
  payload: { board_id: 'b', ...payload },
  recorded_at: '2026-12-04T20:00:00Z',
  command_id: `c${position}`,
  ...(actor ? { actor } : {}),
});

const learning = { room: 'learning', goal: 'innovation' } as const;
const meeting = { room: 'meeting', goal: 'engagement' } as const;

describe('zones', () => {
  it('give each template its zones, the library model 4 rooms by 4 goals', () => {
    const model = zoneGrid('rooms_by_goals');
    expect(model.columns).toBe(4);
    expect(model.slots).toHaveLength(16);
    expect(new Set(model.slots.map((slot) => slot.key)).size).toBe(16);
    expect(zoneGrid('network_circle').slots.map((slot) => slot.zone.level)).toEqual(['network', 'collaboration', 'partnership']);
    expect(zoneGrid('age_groups').slots).toHaveLength(6);
    // A free board: its starting fields and every label its notes use, once.
    expect(zoneGrid('free', [{ label: 'Ideas' }, { label: 'A' }, { label: 'Ideas' }]).slots.map((slot) => slot.zone.label)).toEqual(['A', 'B', 'C', 'Ideas']);
  });

  it("tag a note as the server's Zone::tags does", () => {
    expect(zoneTags(learning)).toEqual(['room:learning', 'goal:innovation']);
    expect(zoneTags({ age_group: 'young_adults' })).toEqual(['age_group:young_adults']);
    expect(zoneTags({ label: 'Ideas' })).toEqual(['zone:Ideas']);
    expect(zoneKey(learning)).not.toBe(zoneKey(meeting));
  });
});

describe('applyBoardEvent', () => {
  it('adds a note (named when the actor is shown), moves and edits it', () => {
    let view = applyBoardEvent(board(), event('NoteAdded', { note_id: 'n', text: 'Festival', zone: learning, x: 0, y: 0, colour: '#ffd54f' }, 'anna'), 'bo').view;
    expect(view.notes).toMatchObject([{ note_id: 'n', text: 'Festival', author: 'anna', zone: learning }]);
    view = applyBoardEvent(view, event('NoteMoved', { note_id: 'n', zone: meeting, x: 1, y: 2 }), 'bo').view;
    expect(view.notes[0]?.zone).toEqual(meeting);
    expect(view.notes[0]?.author).toBe('anna');
    view = applyBoardEvent(view, event('NoteEdited', { note_id: 'n', text: 'Roskilde Festival' }), 'bo').view;
    expect(view.notes[0]?.text).toBe('Roskilde Festival');
  });

  it("keeps another's private note a placeholder with only its zone, counted per zone", () => {
    let view = applyBoardEvent(board(), event('PrivateNoteAdded', { note_id: 'p', zone: learning }), 'bo').view;
    view = applyBoardEvent(view, event('PrivateNoteAdded', { note_id: 'q', zone: learning }), 'bo').view;
    view = applyBoardEvent(view, event('NoteMoved', { note_id: 'q', zone: meeting, x: 0, y: 0 }), 'bo').view;
    expect(view.notes).toEqual([]);
    expect(view.hidden_notes).toBe(2);
    const zones = notesByZone(view);
    expect(zones.get(zoneKey(learning))?.hidden).toBe(1);
    expect(zones.get(zoneKey(meeting))?.hidden).toBe(1);
  });

  it('asks for the view again when a phase changes or a dot is cast, and says an author not known by name', () => {
    const changed = applyBoardEvent(board(), event('BoardPhaseChanged', { from: 'writing', to: 'reveal', anonymous: false }, 'anna'), 'bo');
    expect(changed.reload).toBe(true);
    expect(changed.view.phase).toBe('reveal');
    expect(applyBoardEvent(board({ phase: 'voting' }), event('VoteCast', { note_id: 'n' }, 'bo'), 'bo').reload).toBe(true);
    const stranger = applyBoardEvent(board(), event('NoteAdded', { note_id: 'n', text: 'x', zone: learning }, 'guest:7'), 'bo');
    expect([stranger.reload, stranger.unknownName]).toEqual([false, 'guest:7']);
    const anonymous = applyBoardEvent(board(), event('NoteAdded', { note_id: 'n', text: 'x', zone: learning }), 'bo');
    expect(anonymous.reload).toBe(false);
    expect(anonymous.view.notes[0]?.author).toBeNull();
  });

  it("applies the facilitator's lock, timer and a promotion, and ignores other boards", () => {
    let view = applyBoardEvent(board(), event('BoardLocked', {}), 'bo').view;
    expect(view.locked).toBe(true);
    view = applyBoardEvent(view, event('BoardTimerStarted', { seconds: 60, ends_at: '2026-12-04T20:01:00Z' }), 'bo').view;
    expect(view.timer_ends_at).toBe('2026-12-04T20:01:00Z');
    view = applyBoardEvent(view, event('BoardTimerStopped', {}), 'bo').view;
    expect(view.timer_ends_at).toBeNull();
    const other = event('BoardLocked', { board_id: 'other' });
    expect(applyBoardEvent(board(), other, 'bo').view.locked).toBe(false);
  });

  it('hands the facilitator tools on at once, and takes the rules of an opened vote', () => {
    const handed = applyBoardEvent(board(), event('FacilitationHanded', { from: 'anna', to: 'bo' }, 'anna'), 'bo');
    expect(facilitates(handed.view, 'bo')).toBe(true);
    expect(facilitates(handed.view, 'anna')).toBe(false);
    expect(handed.unknownName).toBe('bo'); // to learn Bo's name
    const rules = applyBoardEvent(board({ phase: 'voting' }), event('VotingRulesSet', { vote_budget: 6, note_cap: 2 }, 'anna'), 'bo');
    expect([rules.view.vote_budget, rules.view.note_cap, rules.reload]).toEqual([6, 2, true]);
  });

  it('offers the next phase, and from grouping also skipping the vote; viewers change nothing', () => {
    expect(nextPhases('grouping')).toEqual(['voting', 'discussion']);
    expect(nextPhases('reveal')).toEqual(['grouping']);
    expect(nextPhases('closed')).toEqual([]);
    expect(mayChange(board({ my_role: 'viewer' }))).toBe(false);
    expect(mayChange(board({ my_role: 'auditor' }))).toBe(false);
    expect(mayChange(board({ my_role: 'guest' }))).toBe(true);
  });

  it('is idempotent on notes, so events replayed after a load change nothing', () => {
    const added = event('NoteAdded', { note_id: 'n', text: 'x', zone: learning }, 'anna');
    const once = applyBoardEvent(board(), added, 'bo').view;
    expect(applyBoardEvent(once, added, 'bo').view.notes).toEqual(once.notes);
  });

  it('keeps the notes an event or a load leaves unchanged the same objects (their cards are not rendered again)', () => {
    let view = applyBoardEvent(board(), event('NoteAdded', { note_id: 'n', text: 'x', zone: learning }, 'anna'), 'bo').view;
    view = applyBoardEvent(view, event('NoteAdded', { note_id: 'm', text: 'y', zone: learning }, 'anna'), 'bo').view;
    const [first, second] = view.notes;
    const moved = applyBoardEvent(view, event('NoteMoved', { note_id: 'm', zone: meeting, x: 0, y: 0 }), 'bo').view;
    expect(moved.notes[0]).toBe(first);
    expect(moved.notes[1]).not.toBe(second);
    const loaded = keepUnchangedNotes(moved, { ...moved, notes: moved.notes.map((note) => ({ ...note })), display_names: { anna: 'Anna' } });
    expect(loaded.notes[0]).toBe(first);
    expect(loaded.notes[1]).toBe(moved.notes[1]);
    expect(loaded.display_names).toBe(moved.display_names);
    const edited = keepUnchangedNotes(moved, { ...moved, notes: moved.notes.map((note) => ({ ...note, text: 'z' })) });
    expect(edited.notes[0]).not.toBe(first);
    expect(edited.notes[0]?.text).toBe('z');
  });

  it("keeps the notes in the board's order when a load lists them otherwise, new ones last", () => {
    const shown = board({
      notes: ['n3', 'n1', 'n2'].map((id) => ({ note_id: id, text: id, author: 'anna', zone: { label: 'A' }, x: 0, y: 0, colour: '#fff', my_votes: 0 })),
    });
    const fresh = { note_id: 'n0', text: 'n0', author: 'anna', zone: { label: 'A' }, x: 0, y: 0, colour: '#fff', my_votes: 0 };
    const byId = [fresh, ...shown.notes].sort((a, b) => a.note_id.localeCompare(b.note_id)).map((note) => ({ ...note }));
    const loaded = keepUnchangedNotes(shown, { ...shown, notes: byId });
    expect(loaded.notes.map((note) => note.note_id)).toEqual(['n3', 'n1', 'n2', 'n0']);
    expect(loaded.notes[0]).toBe(shown.notes[0]);
  });

  it('takes a name learnt from presence', () => {
    expect(withName(board(), 'guest:7', 'Ole').display_names).toEqual({ anna: 'Anna', 'guest:7': 'Ole' });
  });
});

describe('the countdown', () => {
  it("counts to the server's moment whatever the browser's clock says", () => {
    const endsAt = '2026-12-04T20:10:00Z';
    const serverNow = Date.parse('2026-12-04T20:05:00Z');
    // A browser clock 3 minutes fast, corrected by the offset measured at the welcome.
    const fastLocal = serverNow + 180_000;
    const offset = clockOffset('2026-12-04T20:05:00Z', fastLocal);
    expect(offset).toBe(-180_000);
    expect(secondsLeft(endsAt, fastLocal, offset)).toBe(300);
    expect(secondsLeft(endsAt, serverNow, 0)).toBe(300);
    expect(secondsLeft(endsAt, fastLocal, 0)).toBe(120);
    expect(secondsLeft(endsAt, serverNow + 400_000, 0)).toBe(0);
    expect(clockText(300)).toBe('5:00');
    expect(clockText(3725)).toBe('1:02:05');
    expect(clockOffset('not a time', 5)).toBe(0);
  });
});

describe('summaryRows', () => {
  it('lists notes by zone in grid order, most dots first, with author, dots and promotion', () => {
    const view = board({
      phase: 'discussion',
      notes: [
        { note_id: 'a', text: 'Meeting idea', author: null, zone: meeting, x: 0, y: 0, colour: '#fff', my_votes: 0, votes: 1 },
        { note_id: 'b', text: 'Less', author: 'anna', zone: learning, x: 0, y: 0, colour: '#fff', my_votes: 0, votes: 1 },
        { note_id: 'c', text: 'More', author: 'anna', zone: learning, x: 0, y: 0, colour: '#fff', my_votes: 2, votes: 4, promoted_to: { kind: 'organisation', id: 'o' } },
      ],
    });
    const order = zoneGrid('rooms_by_goals').slots.map((slot) => slot.key);
    const rows = summaryRows(view, order, {
      header: ['zone', 'note', 'author', 'votes', 'promoted'],
      zoneName: (zone) => zoneKey(zone),
      authorName: (author) => author ?? '-',
      promotion: (promotion) => promotion?.kind ?? '',
    });
    expect(rows).toEqual([
      ['zone', 'note', 'author', 'votes', 'promoted'],
      // Innovation (the fourth goal) comes after engagement in the grid: meeting/engagement first.
      [zoneKey(meeting), 'Meeting idea', '-', '1', ''],
      [zoneKey(learning), 'More', 'anna', '4', 'organisation'],
      [zoneKey(learning), 'Less', 'anna', '1', ''],
    ]);
  });
});

describe('joinRefusal', () => {
  it("says a refused invite in the invite's words, not a login's", async () => {
    const { joinRefusal } = await import('./words');
    const { da } = await import('../i18n/da');
    const { language } = await import('../i18n');
    language.value = 'da';
    expect(joinRefusal({ code: 'unauthenticated', message: 'unknown, revoked or expired invite' })).toBe(da['join.unauthenticated']);
    expect(joinRefusal({ code: 'invite_revoked', message: '' })).toBe(da['join.invite_revoked']);
    expect(joinRefusal({ code: 'invalid_input', message: 'x' })).toBe(da['error.invalid_input']);
  });
});
