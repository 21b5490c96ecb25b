import { signal } from '@preact/signals';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventCursor } from '../store/cursor';
import type { LiveConnection, LiveEvent, WatchOptions } from '../store/live';
import { FRAME_FALLBACK_MS } from './frames';
import type { BoardView } from './model';
import { BoardStore } from './store';

/** A stand-in for the websocket: hands the store's watch to the test. */
function fakeLive() {
  const watched: { onEvent?: (event: LiveEvent) => void; options?: WatchOptions; announced: unknown[] } = { announced: [] };
  const live = {
    serverClockOffsetMs: signal(0),
    announce: (_workspace: string, presence: unknown) => watched.announced.push(presence),
    watch: (_workspace: string, _cursor: EventCursor, onEvent: (event: LiveEvent) => void, options: WatchOptions = {}) => {
      watched.onEvent = onEvent;
      watched.options = options;
      return () => undefined;
    },
  } as unknown as LiveConnection;
  return { live, watched };
}

const view: BoardView = {
  board_id: 'b',
  title: 'Mapping',
  template: 'network_circle',
  facilitator: 'anna',
  phase: 'reveal',
  anonymous: false,
  locked: false,
  vote_budget: 3,
  my_votes_left: 3,
  hidden_notes: 0,
  private_notes: [],
  notes: [],
  groups: [],
  display_names: { anna: 'Anna' },
};

const noteAdded: LiveEvent = {
  type: 'event',
  workspace_id: 'w',
  position: 7,
  version: 3,
  event_type: 'NoteAdded',
  payload: { board_id: 'b', note_id: 'n', text: 'Festival', zone: { level: 'network' }, x: 0, y: 0, colour: '#ffd54f' },
  actor: 'anna',
  recorded_at: '2026-12-04T20:00:00Z',
  command_id: 'c',
};

afterEach(() => vi.unstubAllGlobals());

describe('BoardStore', () => {
  it('subscribes to its board from now, and applies an event that came during a load on top of the loaded view', async () => {
    let answer: (body: BoardView) => void = () => undefined;
    vi.stubGlobal('fetch', () =>
      new Promise((resolve) => {
        answer = (body) => resolve(new Response(JSON.stringify(body), { status: 200 }));
      }),
    );
    const { live, watched } = fakeLive();
    const store = new BoardStore('w', 'b', 'bo', 'token', live, () => undefined);
    store.open();
    expect(watched.options).toMatchObject({ boardId: 'b', fromNow: true });
    const loading = store.load();
    // The board was read before the note was added; the note's event arrives meanwhile.
    watched.onEvent?.(noteAdded);
    await vi.waitFor(() => expect(answer).not.toBe(undefined));
    answer(view);
    await loading;
    expect(store.view.value?.notes.map((note) => note.text)).toEqual(['Festival']);
    store.dispose();
  });

  it('shows a change at once when nothing was shown since the last frame, and what follows within that frame at the next', async () => {
    vi.useFakeTimers();
    try {
      vi.stubGlobal('fetch', () => Promise.resolve(new Response(JSON.stringify(view), { status: 200 })));
      const { live, watched } = fakeLive();
      const store = new BoardStore('w', 'b', 'bo', 'token', live, () => undefined);
      store.open();
      await store.load();
      vi.advanceTimersByTime(FRAME_FALLBACK_MS);
      const texts = () => store.view.value?.notes.map((note) => note.text);
      watched.onEvent?.(noteAdded);
      expect(texts()).toEqual(['Festival']);
      const second = { ...noteAdded, position: 8, payload: { ...noteAdded.payload, note_id: 'm', text: 'Bogbus' } };
      const third = { ...noteAdded, position: 9, payload: { ...noteAdded.payload, note_id: 'o', text: 'Lektiecafé' } };
      watched.onEvent?.(second);
      watched.onEvent?.(third);
      expect(texts()).toEqual(['Festival']);
      vi.advanceTimersByTime(FRAME_FALLBACK_MS);
      expect(texts()).toEqual(['Festival', 'Bogbus', 'Lektiecafé']);
      store.dispose();
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps the board without its notes the same object for a note or presence, and makes it anew for a phase change', async () => {
    vi.useFakeTimers();
    try {
      vi.stubGlobal('fetch', () => Promise.resolve(new Response(JSON.stringify(view), { status: 200 })));
      const { live, watched } = fakeLive();
      const store = new BoardStore('w', 'b', 'bo', 'token', live, () => undefined);
      store.open();
      await store.load();
      vi.advanceTimersByTime(FRAME_FALLBACK_MS);
      const board = store.board.value;
      const grid = store.grid.value;
      const others = store.others.value;
      expect(board).toMatchObject({ title: 'Mapping', phase: 'reveal' });
      expect(board).not.toHaveProperty('notes');
      watched.onEvent?.(noteAdded);
      vi.advanceTimersByTime(FRAME_FALLBACK_MS);
      const moved = { ...noteAdded, position: 8, event_type: 'NoteMoved', payload: { board_id: 'b', note_id: 'n', zone: { level: 'partner' }, x: 0, y: 0 } };
      watched.onEvent?.(moved);
      expect(store.view.value?.notes.map((note) => note.zone)).toEqual([{ level: 'partner' }]);
      expect(store.board.value).toBe(board);
      expect(store.grid.value).toBe(grid);
      // Presence changes who is on the board, not the board.
      watched.options?.onPresence?.({ type: 'presence', workspace_id: 'w', connection_id: 'c1', actor: 'anna', board_id: 'b', name: 'Anna', left: false });
      expect(store.others.value).not.toBe(others);
      expect(store.others.value.map((other) => other.actor)).toEqual(['anna']);
      expect(store.board.value).toBe(board);
      vi.advanceTimersByTime(FRAME_FALLBACK_MS);
      const phase = { ...noteAdded, position: 9, event_type: 'BoardPhaseChanged', payload: { board_id: 'b', to: 'grouping', anonymous: false } };
      watched.onEvent?.(phase);
      expect(store.board.value).not.toBe(board);
      expect(store.board.value?.phase).toBe('grouping');
      expect(store.grid.value).toBe(grid);
      store.dispose();
    } finally {
      vi.useRealTimers();
    }
  });

  it('says it is on the board, and takes a summons of the facilitator but not its own', () => {
    const { live, watched } = fakeLive();
    const store = new BoardStore('w', 'b', 'bo', 'token', live, () => undefined);
    store.open();
    expect(watched.announced).toEqual([{ workspace_id: 'w', board_id: 'b' }]);
    const summoned = { type: 'summoned' as const, workspace_id: 'w', board_id: 'b', facilitator: 'anna', zone: { level: 'network' as const } };
    watched.options?.onSummoned?.({ ...summoned, facilitator: 'bo' });
    expect(store.summons.value).toBe(null);
    watched.options?.onSummoned?.({ ...summoned, board_id: 'other' });
    expect(store.summons.value).toBe(null);
    watched.options?.onSummoned?.(summoned);
    watched.options?.onSummoned?.(summoned);
    expect(store.summons.value).toEqual({ count: 2, zone: { level: 'network' } });
    store.dispose();
  });
});
