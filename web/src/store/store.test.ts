import { describe, expect, it } from 'vitest';
import { Outbox } from './outbox';
import { backoffDelay, BACKOFF_MAX_MS } from './backoff';
import { uuidv4 } from './ids';
import { EventCursor } from './cursor';

const command = { type: 'RegisterOrganisation', organisation_id: 'o', name: 'x', sector: 'public' } as const;

describe('Outbox', () => {
  it('keeps commands in order, resends after a lost connection, settles once', async () => {
    const outbox = new Outbox();
    const first = outbox.add({ commandId: 'a', workspaceId: 'w', command });
    outbox.add({ commandId: 'b', workspaceId: 'w', command });
    expect(outbox.unsent().map((e) => e.commandId)).toEqual(['a', 'b']);
    outbox.markSent('a');
    expect(outbox.unsent().map((e) => e.commandId)).toEqual(['b']);
    outbox.connectionLost();
    expect(outbox.unsent().map((e) => e.commandId)).toEqual(['a', 'b']);
    expect(outbox.settle({ kind: 'ack', commandId: 'a', lastPosition: 3, deduplicated: false })).toBe(true);
    expect(outbox.settle({ kind: 'ack', commandId: 'a', lastPosition: 3, deduplicated: true })).toBe(false);
    expect(await first).toMatchObject({ kind: 'ack', lastPosition: 3 });
    expect(outbox.size).toBe(1);
  });
});

describe('backoffDelay', () => {
  it('grows and stays under the ceiling', () => {
    expect(backoffDelay(0, () => 1)).toBe(500);
    expect(backoffDelay(3, () => 1)).toBe(4000);
    expect(backoffDelay(30, () => 1)).toBe(BACKOFF_MAX_MS);
    expect(backoffDelay(30, () => 0)).toBe(BACKOFF_MAX_MS / 2);
  });
});

describe('uuidv4', () => {
  it('is a version 4 UUID', () => {
    expect(uuidv4()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidv4()).not.toBe(uuidv4());
  });
});

describe('EventCursor', () => {
  it('takes events in order, drops repeats, and asks for a refresh past the loaded view', () => {
    const cursor = new EventCursor();
    cursor.viewLoaded(10);
    expect(cursor.resumeAfter()).toBe(10);
    expect(cursor.take(12)).toBe('new');
    expect(cursor.take(12)).toBe('repeat');
    expect(cursor.take(11)).toBe('repeat');
    expect(cursor.needsRefresh()).toBe(true);
    cursor.viewLoaded(12);
    expect(cursor.needsRefresh()).toBe(false);
    expect(cursor.resumeAfter()).toBe(12);
    // A view older than the events already seen (the server's views lag the log): refresh again.
    cursor.take(15);
    cursor.viewLoaded(13);
    expect(cursor.needsRefresh()).toBe(true);
    expect(cursor.resumeAfter()).toBe(15);
  });
});
