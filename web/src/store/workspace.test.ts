import { afterEach, describe, expect, it, vi } from 'vitest';
import fixture from './fixtures/network-events.json';
import { SettleBatch } from './settleBatch';
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

/** A schedule run by hand: `settle()` is the moment the waiting items are handed on. */
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

describe('SettleBatch', () => {
  it('hands on what arrived together, in order, once', () => {
    const arrivals = manualSettling();
    const drained: number[][] = [];
    const batch = new SettleBatch<number>((items) => drained.push(items), arrivals.schedule);
    batch.push(1);
    batch.push(2);
    expect(drained).toEqual([]);
    arrivals.settle();
    expect(drained).toEqual([[1, 2]]);
    expect(arrivals.waiting()).toBe(false);
    batch.push(3);
    arrivals.settle();
    expect(drained).toEqual([[1, 2], [3]]);
    batch.push(4);
    batch.dispose();
    arrivals.settle();
    expect(drained).toEqual([[1, 2], [3]]);
  });
});

describe('WorkspaceStore', () => {
  afterEach(() => vi.unstubAllGlobals());

  it("applies a command's events that arrive together as one change of the view", async () => {
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
    const store = new WorkspaceStore('w', 'token', live, () => undefined, arrivals.schedule);
    await store.open();
    expect(store.network.value).toEqual(start);

    const views: (NetworkView | null)[] = [];
    const stop = store.network.subscribe((view) => views.push(view));
    views.length = 0;
    // The fixture's first command: an organisation registered, then its level.
    expect([steps[0]!.event.event_type, steps[1]!.event.event_type]).toEqual(['OrganisationRegistered', 'RelationLevelChanged']);
    for (const [index, step] of steps.slice(0, 2).entries()) {
      onEvent!({ type: 'event', workspace_id: 'w', command_id: 'c', position: index + 1, version: index + 1, recorded_at: '', ...step.event });
    }
    expect(views).toEqual([]);
    arrivals.settle();
    expect(views.length).toBe(1);
    expect(store.network.value?.nodes).toEqual(steps[1]!.view.nodes);
    expect(store.network.value?.edges).toEqual(steps[1]!.view.edges);
    expect(store.position.value).toBe(2);
    stop();
    store.dispose();
  });
});
