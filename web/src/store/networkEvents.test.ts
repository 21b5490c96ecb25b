import { describe, expect, it } from 'vitest';
import fixture from './fixtures/network-events.json';
import { AppliedSince, applyNetworkEvent, applyNetworkEvents, findingsOf, type NetworkEventInput } from './networkEvents';
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

describe('applying network events to a large map', () => {
  // Sixty colleagues in five teams, 600 organisations at every level, 900 contacts: many
  // findings, of which each event changes a few (the draft derives only those again).
  const id = (index: number) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
  const teams = ['Børn', 'Unge', 'Voksne', 'Formidling', 'Ledelse'];
  const levels = ['network', 'collaboration', 'partnership'] as const;
  const large = (): NetworkView => {
    const nodes: NetworkView['nodes'][number][] = [{ kind: 'library', id: id(0), label: 'Bibliotek' }];
    const edges: NetworkView['edges'][number][] = [];
    teams.forEach((team, index) => nodes.push({ kind: 'team', id: id(10 + index), label: team }));
    for (let staff = 0; staff < 60; staff += 1) {
      nodes.push({ kind: 'staff', id: id(100 + staff), label: `Kollega ${staff + 1}`, team: teams[staff % 5] });
      edges.push({ kind: 'member_of', source: id(100 + staff), target: id(10 + (staff % 5)) });
    }
    for (let organisation = 0; organisation < 600; organisation += 1) {
      const level = levels[organisation % 3]!;
      nodes.push({ kind: 'organisation', id: id(1000 + organisation), label: `Forening ${organisation + 1}`, level });
      edges.push({ kind: 'relation', source: id(0), target: id(1000 + organisation), level });
    }
    for (let contact = 0; contact < 900; contact += 1) {
      const topics = contact % 4 === 0 ? ['læsning'] : [];
      edges.push({ kind: 'knows', source: id(100 + ((contact % 600) + Math.floor(contact / 600) * 7) % 60), target: id(1000 + (contact % 600)), topics });
    }
    // Sorted and with the findings as the server gives them: a view loaded again.
    nodes.sort(nodeSort);
    edges.sort(edgeSort);
    return { nodes, edges, ...findingsOf(nodes, edges) } as unknown as NetworkView;
  };
  const events: NetworkEventInput[] = [
    { event_type: 'OrganisationRegistered', payload: { organisation_id: id(5000), name: 'Ny partner', sector: 'civil_society' } },
    { event_type: 'ContactHolderAssigned', payload: { organisation_id: id(1001), staff_id: id(130), topics: ['Læsning'] } },
    { event_type: 'ContactHolderRemoved', payload: { organisation_id: id(1002), staff_id: id(102) } },
    { event_type: 'RelationLevelChanged', payload: { organisation_id: id(1003), to: 'partnership' } },
    { event_type: 'OrganisationUpdated', payload: { organisation_id: id(1004), name: 'Allerførst' } },
    { event_type: 'StaffMemberUpdated', payload: { staff_id: id(105), team: 'Unge', competences: [] } },
    { event_type: 'StaffMemberLeft', payload: { staff_id: id(106) } },
  ];

  it('keeps the lists sorted and the findings those of the whole view, after every event', () => {
    let view = large();
    for (const event of events) {
      view = applyNetworkEvent(view, event)!.view;
      const whole = findingsOf(view.nodes, view.edges);
      expect(view.key_person_risks, event.event_type).toEqual(whole.key_person_risks);
      expect(view.duplicate_contacts, event.event_type).toEqual(whole.duplicate_contacts);
      expect(view.nodes).toEqual([...view.nodes].sort(nodeSort));
      expect(view.edges).toEqual([...view.edges].sort(edgeSort));
    }
  });

  it('gives the same view when events are applied again to a view already applied to', () => {
    // The draft hands the view's index to the view it makes: the view before must still
    // take other events as a view loaded afresh does.
    const before = large();
    const fresh = large();
    for (const event of events) applyNetworkEvent(before, event);
    for (const event of events) {
      expect(graphOf(applyNetworkEvent(before, event)!.view), event.event_type).toEqual(graphOf(applyNetworkEvent(fresh, event)!.view));
    }
  });

  it('leaves the view as it was when an event needs a reload half way', () => {
    // Moving a colleague to a team the map does not show takes their membership away first,
    // then answers a reload: the view must take the next event as if that one never came.
    const view = large();
    const fresh = large();
    const toNewTeam: NetworkEventInput = { event_type: 'StaffMemberUpdated', payload: { staff_id: id(105), team: 'Ny', competences: [] } };
    expect(applyNetworkEvent(view, toNewTeam)).toBeNull();
    for (const event of [events[5]!, events[6]!, events[0]!]) {
      expect(graphOf(applyNetworkEvent(view, event)!.view), event.event_type).toEqual(graphOf(applyNetworkEvent(fresh, event)!.view));
    }
  });

  it('keeps the finding objects of the organisations an event leaves alone', () => {
    const before = large();
    const after = applyNetworkEvent(before, events[1]!)!.view;
    const untouched = before.key_person_risks.filter((risk) => risk.organisation_id !== id(1001));
    expect(untouched.length).toBeGreaterThan(10);
    for (const risk of untouched) expect(after.key_person_risks).toContain(risk);
  });
});

// The server's order of the lists (src/projection/network.rs).
const KIND_ORDER = { library: 0, team: 1, staff: 2, organisation: 3 } as const;
const EDGE_KIND_ORDER = { relation: 0, knows: 1, member_of: 2 } as const;
const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
function nodeSort(first: NetworkView['nodes'][number], second: NetworkView['nodes'][number]): number {
  return KIND_ORDER[first.kind] - KIND_ORDER[second.kind] || text(first.label, second.label) || text(first.id, second.id);
}
function edgeSort(first: NetworkView['edges'][number], second: NetworkView['edges'][number]): number {
  return EDGE_KIND_ORDER[first.kind] - EDGE_KIND_ORDER[second.kind] || text(first.source, second.source) || text(first.target, second.target);
}
