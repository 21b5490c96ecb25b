import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventCursor } from './cursor';
import { LiveConnection, type LiveEvent } from './live';
import { isWorkspaceId, WorkspaceIds } from './workspaceIds';

const ID = '6a1f1c1e-2b7d-4c9a-9e11-0f3a5b7c9d21';
const SLUG = 'roskilde-bibliotekerne';

describe('WorkspaceIds', () => {
  it('takes an id as it is and asks for a slug once', async () => {
    const lookUp = vi.fn(async (slug: string) => (slug === SLUG ? ID : Promise.reject(new Error('unknown'))));
    const ids = new WorkspaceIds(lookUp);
    expect(isWorkspaceId(ID)).toBe(true);
    expect(isWorkspaceId(SLUG)).toBe(false);
    expect(ids.now(ID)).toBe(ID);
    expect(ids.now(SLUG)).toBeNull();
    const [first, second] = await Promise.all([ids.of(SLUG), ids.of(SLUG)]);
    expect([first, second]).toEqual([ID, ID]);
    expect(ids.now(SLUG)).toBe(ID);
    expect(lookUp).toHaveBeenCalledTimes(1);
    await expect(ids.of('no-such-workspace')).rejects.toThrow('unknown');
    await expect(ids.of('no-such-workspace')).rejects.toThrow('unknown');
    expect(lookUp).toHaveBeenCalledTimes(3); // a failed look-up is asked again
  });
});

/** A websocket that records what the connection writes and lets the test answer. */
class FakeSocket {
  static last: FakeSocket | null = null;
  static readonly OPEN = 1;
  readyState = 0;
  readonly written: Record<string, unknown>[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((frame: { data: string }) => void) | null = null;
  onclose: ((close: { code: number }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.last = this;
  }
  send(text: string) {
    this.written.push(JSON.parse(text) as Record<string, unknown>);
  }
  close() {}
  open() {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }
  receive(message: Record<string, unknown>) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

describe('LiveConnection with a workspace named by its slug', () => {
  beforeEach(() => {
    vi.stubGlobal('WebSocket', FakeSocket);
    vi.stubGlobal('window', { addEventListener: () => undefined, removeEventListener: () => undefined });
    vi.stubGlobal('navigator', { onLine: true });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('subscribes, sends and says its presence under the id, and hands the id\'s events to the page', async () => {
    const live = new LiveConnection('token', () => undefined, 'ws://test/ws', async (slug) => (slug === SLUG ? ID : ''));
    live.start();
    const socket = FakeSocket.last!;
    socket.open();
    socket.receive({ type: 'welcome', actor: 'bo', commands_per_second: 10, head_position: 7, max_message_bytes: 65536, protocol: 1, server_time: new Date().toISOString() });
    const events: LiveEvent[] = [];
    live.watch(SLUG, new EventCursor(), (event) => events.push(event), { boardId: 'b', fromNow: true });
    live.announce(SLUG, { workspace_id: SLUG, board_id: 'b' });
    const outcome = live.send(SLUG, { type: 'RegisterOrganisation', organisation_id: 'o', name: 'Ragnarock', sector: 'public' });
    await vi.waitFor(() => expect(socket.written.some((message) => message.type === 'command')).toBe(true));
    await vi.waitFor(() => expect(socket.written.some((message) => message.type === 'presence')).toBe(true));
    const named = socket.written.filter((message) => 'workspace_id' in message).map((message) => [message.type, message.workspace_id]);
    expect(named).toEqual(expect.arrayContaining([['subscribe', ID], ['command', ID], ['presence', ID]]));
    expect(named.some(([, workspace]) => workspace === SLUG)).toBe(false);

    socket.receive({ type: 'event', workspace_id: ID, position: 8, command_id: 'c', event_type: 'NoteAdded', payload: {}, recorded_at: '' });
    expect(events.map((event) => event.position)).toEqual([8]);
    const command = socket.written.find((message) => message.type === 'command')!;
    socket.receive({ type: 'ack', command_id: command.command_id, last_position: 9, deduplicated: false });
    await expect(outcome).resolves.toMatchObject({ kind: 'ack', lastPosition: 9 });
    live.stop();
  });
});
