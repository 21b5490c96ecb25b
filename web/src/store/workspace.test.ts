import { afterEach, describe, expect, it, vi } from 'vitest';
import fixture from './fixtures/network-events.json';
import type { LiveConnection, LiveEvent } from './live';
import type { NetworkEventInput } from './networkEvents';
import type { NetworkView } from './views';
import { WorkspaceStore } from './workspace';

interface Step {
  readonly event: NetworkEventInput;
  readonly view: NetworkView;
}
const start = fixture.start as unknown as NetworkView;
const steps = fixture.steps as unknown as Step[];

/** A schedule run by hand: `settle()` is the moment the events that arrived are published. */
function manualSettling() {
  let pending: (() => void) | null = null;
  return {
    schedule: (run: () => void) => {
      pending = run;
      return () => {
        pending = null;
      };
    },
    settle: () => {
      const run = pending;
      pending = null;
      run?.();
    },
    waiting: () => pending !== null,
  };
}

describe('WorkspaceStore', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('says the network view is asked for once its request has left: after the summary, before the view is in', async () => {
    const asked: string[] = [];
    const answered = new Map<string, () => void>();
    const answers: Record<string, unknown> = {
      '/api/workspaces/w': { workspace_id: 'w', name: 'Bibliotek', role: 'owner', position: 0 },
      '/api/workspaces/w/network': start,
    };
    vi.stubGlobal('fetch', (path: string) => {
      asked.push(path);
      return new Promise<Response>((resolve) => answered.set(path, () => resolve(new Response(JSON.stringify(answers[path]), { status: 200 }))));
    });
    const live = { watch: () => () => undefined } as unknown as LiveConnection;
    const store = new WorkspaceStore('w', 'token', live, () => undefined);
    const opened = store.open();
    const settle = () => new Promise((done) => setTimeout(done, 0));
    await settle();
    // The summary first (the view read after it includes its position), the map told nothing.
    expect(asked).toEqual(['/api/workspaces/w']);
    expect(store.networkRequested.value).toBe(false);
    answered.get('/api/workspaces/w')!();
    await settle();
    expect(asked).toEqual(['/api/workspaces/w', '/api/workspaces/w/network']);
    expect(store.networkRequested.value).toBe(true);
    expect(store.network.value).toBeNull();
    answered.get('/api/workspaces/w/network')!();
    await opened;
    expect(store.network.value).toEqual(start);
    store.dispose();
  });

  it("tells the map a command's events together, then publishes them as one change of the view after the next frame", async () => {
    const answers: Record<string, unknown> = {
      '/api/workspaces/w': { workspace_id: 'w', name: 'Bibliotek', role: 'owner', position: 0 },
      '/api/workspaces/w/network': start,
    };
    vi.stubGlobal('fetch', (path: string) => Promise.resolve(new Response(JSON.stringify(answers[path]), { status: 200 })));
    let onEvent: ((event: LiveEvent) => void) | null = null;
    const live = {
      watch: (_workspace: string, _cursor: unknown, handler: (event: LiveEvent) => void) => {
        onEvent = handler;
        return () => undefined;
      },
    } as unknown as LiveConnection;
    const arrivals = manualSettling();
    const frames = manualSettling();
    const store = new WorkspaceStore('w', 'token', live, () => undefined, arrivals.schedule, frames.schedule);
    await store.open();
    expect(store.network.value).toEqual(start);

    const views: (NetworkView | null)[] = [];
    const stop = store.network.subscribe((view) => views.push(view));
    views.length = 0;
    const ahead: NetworkView[] = [];
    const unlisten = store.onAhead((view) => ahead.push(view));
    const send = (index: number) =>
      onEvent!({ type: 'event', workspace_id: 'w', command_id: 'c', position: index + 1, version: index + 1, recorded_at: '', ...steps[index]!.event });
    // The fixture's first command: an organisation registered, then its level.
    expect([steps[0]!.event.event_type, steps[1]!.event.event_type]).toEqual(['OrganisationRegistered', 'RelationLevelChanged']);
    send(0);
    send(1);
    // Applied, but told to the map only once the command's events are in.
    expect(ahead).toEqual([]);
    arrivals.settle();
    expect(ahead.map((view) => view.nodes)).toEqual([steps[1]!.view.nodes]);
    expect(ahead.map((view) => view.edges)).toEqual([steps[1]!.view.edges]);
    // The map painted it; the pages get it after the next frame.
    expect(views).toEqual([]);
    expect(frames.waiting()).toBe(true);
    frames.settle();
    expect(views.length).toBe(1);
    expect(store.network.value?.nodes).toEqual(steps[1]!.view.nodes);
    expect(store.network.value?.edges).toEqual(steps[1]!.view.edges);
    expect(store.position.value).toBe(2);

    // A change the map cannot paint on its overlay is published at once.
    unlisten();
    store.onAhead(() => store.publish());
    send(2);
    arrivals.settle();
    expect(views.length).toBe(2);
    expect(store.network.value?.nodes).toEqual(steps[2]!.view.nodes);
    expect(store.position.value).toBe(3);
    expect(frames.waiting()).toBe(false);
    expect(arrivals.waiting()).toBe(false);
    stop();
    store.dispose();
  });
});
