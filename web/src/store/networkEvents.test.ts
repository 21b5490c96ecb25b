import { describe, expect, it } from 'vitest';
import fixture from './fixtures/network-events.json';
import { AppliedSince, applyNetworkEvent, applyNetworkEvents, type NetworkEventInput } from './networkEvents';
import type { NetworkView } from './views';

// The fixture is the server's: tests/network_events_fixture.rs folds the same events and
// writes the network view (GET .../network) after each one.
interface Step {
  readonly event: NetworkEventInput;
  readonly view: NetworkView;
}
const start = fixture.start as unknown as NetworkView;
const steps = fixture.steps as unknown as Step[];
const graphOf = (view: NetworkView) => ({
  nodes: view.nodes,
  edges: view.edges,
  key_person_risks: view.key_person_risks,
  duplicate_contacts: view.duplicate_contacts,
});

describe('applying network events', () => {
  it('gives, after every event, the graph and findings the server view gives (a reload)', () => {
    let view = start;
    for (const [index, step] of steps.entries()) {
      const applied = applyNetworkEvent(view, step.event);
      expect(applied, `event ${index}: ${step.event.event_type}`).not.toBeNull();
      view = applied!.view;
      expect(graphOf(view), `after event ${index}: ${step.event.event_type}`).toEqual(graphOf(step.view));
    }
  });

  it('covers every kind of event the map is built from', () => {
    const kinds = new Set(steps.map((step) => step.event.event_type));
    for (const kind of ['OrganisationRegistered', 'OrganisationUpdated', 'RelationLevelChanged', 'ContactHolderAssigned', 'ContactHolderRemoved', 'StaffMemberUpdated', 'StaffMemberLeft', 'NodePlaced']) {
      expect(kinds).toContain(kind);
    }
  });

  it('answers a reload for what the view alone cannot decide', () => {
    const partnership: NetworkEventInput = { event_type: 'PartnershipProposed', payload: { partnership_id: 'p', partner_ids: [] } };
    expect(applyNetworkEvent(start, partnership)).toBeNull();
    // A colleague in a team the map does not show: the team's node id is the server's to derive.
    const newTeam: NetworkEventInput = { event_type: 'StaffMemberAdded', payload: { staff_id: 'x', name: 'Ida', team: 'Ny', competences: [] } };
    expect(applyNetworkEvent(start, newTeam)).toBeNull();
    // A place for a node the map does not show.
    expect(applyNetworkEvent(start, { event_type: 'NodePlaced', payload: { node_id: 'gone', x: 1, y: 2 } })).toBeNull();
  });

  it('leaves the view as it is for events of other areas', () => {
    const note: NetworkEventInput = { event_type: 'NoteAdded', payload: { board_id: 'b', note_id: 'n' } };
    expect(applyNetworkEvent(start, note)).toEqual({ view: start, changed: false });
  });

  it('applies the events after a reloaded view, whose own position may be older or newer', () => {
    const final = steps[steps.length - 1]!.view;
    for (const loadedAt of [0, 5, 12, steps.length]) {
      const since = new AppliedSince();
      steps.forEach((step, index) => since.record(index + 1, step.event));
      // The view loaded includes the events up to `loadedAt` (and, for the reload read after
      // the summary, sometimes a few more): the rest are applied on top.
      for (const extra of [0, 3]) {
        const included = Math.min(steps.length, loadedAt + extra);
        const loaded = included === 0 ? start : steps[included - 1]!.view;
        const rebased = new AppliedSince();
        steps.forEach((step, index) => rebased.record(index + 1, step.event));
        expect(graphOf(rebased.rebase(loaded, loadedAt)!), `loaded at ${loadedAt} + ${extra}`).toEqual(graphOf(final));
      }
      expect(graphOf(since.rebase(start, 0)!)).toEqual(graphOf(applyNetworkEvents(start, steps.map((step) => step.event))!));
    }
  });
});
