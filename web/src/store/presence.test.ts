import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { initials, onTheMap, people, Throttle, withPresence, type PresenceMap, type PresenceMessage } from './presence';

const WORKSPACE = '00000000-0000-0000-0000-00000000000a';

function message(connection: string, actor: string, extra: Partial<PresenceMessage> = {}): PresenceMessage {
  return {
    type: 'presence',
    workspace_id: WORKSPACE,
    actor,
    connection_id: connection,
    board_id: null,
    selection: null,
    cursor: null,
    left: false,
    ...extra,
  };
}

describe('presence', () => {
  it('keeps the last word of each connection and forgets one that left', () => {
    let present: PresenceMap = new Map();
    present = withPresence(present, message('c1', 'anna@roskilde', { selection: 'n1' }));
    present = withPresence(present, message('c2', 'bo@roskilde'));
    present = withPresence(present, message('c1', 'anna@roskilde', { selection: 'n2', dragging: { node_id: 'n2', x: 5, y: -3 } }));
    expect(present.size).toBe(2);
    expect(present.get('c1')).toMatchObject({ selection: 'n2', dragging: { nodeId: 'n2', x: 5, y: -3 } });
    present = withPresence(present, message('c1', 'anna@roskilde', { left: true }));
    expect([...present.keys()]).toEqual(['c2']);
  });

  it('lists the connections on the map by name, not those on a board, and each person once', () => {
    let present: PresenceMap = new Map();
    present = withPresence(present, message('c3', 'carl@roskilde'));
    present = withPresence(present, message('c2', 'anna@roskilde', { selection: 'n9' }));
    present = withPresence(present, message('c1', 'anna@roskilde'));
    present = withPresence(present, message('c4', 'dora@roskilde', { board_id: 'b1' }));
    const map = onTheMap(present);
    expect(map.map((entry) => entry.connectionId)).toEqual(['c1', 'c2', 'c3']);
    expect(people(map).map((entry) => [entry.actor, entry.selection])).toEqual([
      ['anna@roskilde', 'n9'],
      ['carl@roskilde', null],
    ]);
  });

  it('makes initials from the name before the @', () => {
    expect(initials('jens.hansen@roskilde')).toBe('JH');
    expect(initials('anna@roskilde')).toBe('AN');
    expect(initials('lise-25503@roskilde')).toBe('LI');
    expect(initials('token:3f2a')).toBe('FA');
    expect(initials('guest:1234')).toBe('12');
  });
});

describe('throttle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends the first at once, then the latest at most every interval, never losing the last', () => {
    const sent: number[] = [];
    const throttle = new Throttle<number>((value) => sent.push(value), 50, () => Date.now());
    throttle.push(1);
    expect(sent).toEqual([1]);
    throttle.push(2);
    throttle.push(3);
    expect(sent).toEqual([1]);
    vi.advanceTimersByTime(50);
    expect(sent).toEqual([1, 3]);
    // A drag for one second at a move every 5 ms: 20 updates, the last one included.
    for (let step = 0; step < 200; step += 1) {
      throttle.push(100 + step);
      vi.advanceTimersByTime(5);
    }
    vi.advanceTimersByTime(50);
    expect(sent.length - 2).toBeGreaterThanOrEqual(20);
    expect(sent.length - 2).toBeLessThanOrEqual(21);
    expect(sent.at(-1)).toBe(299);
  });

  it('forgets what waits when cancelled', () => {
    const sent: number[] = [];
    const throttle = new Throttle<number>((value) => sent.push(value), 50, () => Date.now());
    throttle.push(1);
    throttle.push(2);
    throttle.cancel();
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([1]);
  });
});
