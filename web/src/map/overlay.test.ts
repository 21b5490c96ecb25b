import { describe, expect, it } from 'vitest';
import { applyNetworkEvent, applyNetworkEvents, viewLookup, type NetworkEventInput, type ViewChanges } from '../store/networkEvents';
import type { NetworkEdge, NetworkNode, NetworkView } from '../store/views';
import { edgeKey } from './graph';
import { labelBox, textOrigin } from './labelRoom';
import { additionsTo, paintChange, type Drawn, type LabelWriter, type PaintContext, type Projection } from './overlay';
import { FIXTURE } from './testFixture';

/** What the canvas holds after merging `view` (its objects, as `merge` keeps them). */
function drawnOf(view: NetworkView): Drawn {
  const nodes = new Map<string, NetworkNode>(view.nodes.map((node) => [node.id, node]));
  const edges = new Map<NetworkEdge, string>(view.edges.map((edge) => [edge, edgeKey(edge)]));
  const keys = new Set(edges.values());
  return { nodes, edges, hasEdge: (key) => keys.has(key) };
}

const registered = (id: string, name: string): NetworkEventInput[] => [
  { event_type: 'OrganisationRegistered', payload: { organisation_id: id, name, sector: 'civil_society' } },
  { event_type: 'RelationLevelChanged', payload: { organisation_id: id, to: 'network' } },
];

function after(view: NetworkView, events: NetworkEventInput[]): NetworkView {
  const next = applyNetworkEvents(view, events);
  if (next === null) throw new Error('the events need a reload');
  return next;
}

describe("the map's overlay: what a change adds", () => {
  it('is the new organisation and its relation, while the rest is what is drawn', () => {
    const next = after(FIXTURE, registered('choir', 'Domkirkens Kor'));
    const added = additionsTo(drawnOf(FIXTURE), next);
    expect(added?.nodes.map((node) => node.id)).toEqual(['choir']);
    expect(added?.edges).toEqual([{ edge: { kind: 'relation', source: 'lib', target: 'choir', level: 'network' }, key: 'relation:lib:choir' }]);
  });

  it('is nothing once sigma.js has drawn the view (the overlay is empty again)', () => {
    const next = after(FIXTURE, registered('choir', 'Domkirkens Kor'));
    expect(additionsTo(drawnOf(next), next)).toEqual({ nodes: [], edges: [] });
  });

  it('adds up over changes until sigma.js draws them', () => {
    const first = after(FIXTURE, registered('choir', 'Domkirkens Kor'));
    const second = after(first, [
      ...registered('scouts', 'Spejderne'),
      { event_type: 'ContactHolderAssigned', payload: { organisation_id: 'choir', staff_id: 'anna', topics: ['sang'] } },
    ]);
    const added = additionsTo(drawnOf(FIXTURE), second);
    expect(added?.nodes.map((node) => node.id).sort()).toEqual(['choir', 'scouts']);
    expect(added?.edges.map((edge) => edge.key).sort()).toEqual(['knows:anna:choir', 'relation:lib:choir', 'relation:lib:scouts']);
  });

  it('is refused for a change to what is drawn: a relation moved, a name changed, a contact given up', () => {
    const drawn = drawnOf(FIXTURE);
    const moved = after(FIXTURE, [{ event_type: 'RelationLevelChanged', payload: { organisation_id: 'shop', to: 'partnership' } }]);
    expect(additionsTo(drawn, moved)).toBeNull();
    const renamed = after(FIXTURE, [{ event_type: 'OrganisationUpdated', payload: { organisation_id: 'shop', name: 'Æblehuset' } }]);
    expect(additionsTo(drawn, renamed)).toBeNull();
    const dropped = after(FIXTURE, [{ event_type: 'ContactHolderRemoved', payload: { organisation_id: 'shop', staff_id: 'sofie' } }]);
    expect(additionsTo(drawn, dropped)).toBeNull();
  });

  it('is refused when a node drawn is gone', () => {
    const gone = after(FIXTURE, [{ event_type: 'StaffMemberLeft', payload: { staff_id: 'sofie' } }]);
    expect(additionsTo(drawnOf(FIXTURE), gone)).toBeNull();
  });

  it('takes edges as the canvas does: once per key, only between nodes of the view', () => {
    const twice: NetworkEdge = { kind: 'relation', source: 'lib', target: 'choir', level: 'network' };
    const view: NetworkView = {
      ...FIXTURE,
      nodes: [...FIXTURE.nodes, { kind: 'organisation', id: 'choir', label: 'Domkirkens Kor', sector: 'civil_society' }],
      edges: [...FIXTURE.edges, twice, { ...twice }, { kind: 'knows', source: 'nobody', target: 'choir' }],
    };
    expect(additionsTo(drawnOf(FIXTURE), view)?.edges.map((edge) => edge.key)).toEqual(['relation:lib:choir']);
  });
});

describe("the map's overlay: what a change adds, from what the store's events touched", () => {
  /** The view after `events` and what they changed since `view`, as the store tells the map. */
  function changed(view: NetworkView, events: NetworkEventInput[]): { next: NetworkView; changes: ViewChanges } {
    const nodes = new Set<string>();
    const edges = new Set<string>();
    let next = view;
    for (const event of events) {
      const applied = applyNetworkEvent(next, event);
      if (applied === null) throw new Error('the event needs a reload');
      next = applied.view;
      for (const node of applied.touched?.nodes ?? []) nodes.add(node);
      for (const edge of applied.touched?.edges ?? []) edges.add(edge);
    }
    return { next, changes: { since: view, nodes, edges, ...viewLookup(next) } };
  }
  const sameAnswer = (drawn: NetworkView, view: NetworkView, events: NetworkEventInput[]) => {
    const { next, changes } = changed(view, events);
    const whole = additionsTo(drawnOf(drawn), next);
    const touched = additionsTo(drawnOf(drawn), next, changes);
    const sorted = (additions: typeof whole) =>
      additions && { nodes: [...additions.nodes].sort((a, b) => a.id.localeCompare(b.id)), edges: [...additions.edges].sort((a, b) => a.key.localeCompare(b.key)) };
    expect(sorted(touched)).toEqual(sorted(whole));
    return touched;
  };

  it('gives what a pass over the whole view gives: additions', () => {
    expect(sameAnswer(FIXTURE, FIXTURE, registered('choir', 'Domkirkens Kor'))?.nodes.map((node) => node.id)).toEqual(['choir']);
    expect(
      sameAnswer(FIXTURE, FIXTURE, [
        ...registered('choir', 'Domkirkens Kor'),
        ...registered('scouts', 'Spejderne'),
        { event_type: 'ContactHolderAssigned', payload: { organisation_id: 'choir', staff_id: 'anna', topics: ['sang'] } },
      ])?.edges.length,
    ).toBe(3);
  });

  it('gives what a pass over the whole view gives: refusals for what is drawn changed or gone', () => {
    for (const events of [
      [{ event_type: 'RelationLevelChanged', payload: { organisation_id: 'shop', to: 'partnership' } }],
      [{ event_type: 'OrganisationUpdated', payload: { organisation_id: 'shop', name: 'Æblehuset' } }],
      [{ event_type: 'ContactHolderRemoved', payload: { organisation_id: 'shop', staff_id: 'sofie' } }],
      [{ event_type: 'StaffMemberLeft', payload: { staff_id: 'sofie' } }],
      [...registered('choir', 'Domkirkens Kor'), { event_type: 'RelationLevelChanged', payload: { organisation_id: 'museum', to: 'network' } }],
    ] satisfies NetworkEventInput[][]) {
      expect(sameAnswer(FIXTURE, FIXTURE, events), events.at(-1)?.event_type).toBeNull();
    }
  });

  it('gives nothing to add once sigma.js has drawn the view', () => {
    const { next, changes } = changed(FIXTURE, registered('choir', 'Domkirkens Kor'));
    expect(additionsTo(drawnOf(next), next, { ...changes, since: next })).toEqual({ nodes: [], edges: [] });
  });
});

/** A 2D context that writes down what is painted. */
function recorder() {
  const calls: string[] = [];
  let path: string[] = [];
  const context = {
    strokeStyle: '',
    fillStyle: '',
    lineWidth: 0,
    lineCap: 'butt',
    font: '',
    beginPath: () => {
      path = [];
    },
    moveTo: (x: number, y: number) => path.push(`from ${x},${y}`),
    lineTo: (x: number, y: number) => path.push(`to ${x},${y}`),
    arc: (x: number, y: number, radius: number) => path.push(`disc ${x},${y} r${radius}`),
    stroke: () => calls.push(`line ${context.strokeStyle} ${context.lineWidth}px ${path.join(' ')}`),
    fill: () => calls.push(`fill ${context.fillStyle} ${path.join(' ')}`),
    fillText: (text: string, x: number, y: number) => calls.push(`text "${text}" ${context.font} ${context.fillStyle} at ${x},${y}`),
    measureText: (text: string) => ({ width: text.length * 5 }) as TextMetrics,
  };
  return { context: context as unknown as PaintContext, calls };
}

describe("the map's overlay: painting", () => {
  // The camera: map units times 2, from the point (100, 50); radii and thicknesses as drawn.
  const projection: Projection = {
    point: (at) => ({ x: 100 + at.x * 2, y: 50 - at.y * 2 }),
    drawnNode: (id) => (id === 'lib' ? { x: 100, y: 50 } : null),
    scale: (size) => size * 1.5,
    minEdgeThickness: 1.7,
  };
  const labels = (room: boolean): LabelWriter => ({
    font: 'normal 14px sans-serif',
    size: 14,
    color: '#000',
    threshold: 5,
    measure: (context, label) => context.measureText(label).width,
    place: (x, y, radius, width, _node, forced) => (room || forced ? labelBox(x, y, radius, 14, width) : null),
    origin: (box) => textOrigin(box, 14),
  });
  const change = {
    nodes: [{ id: 'choir', x: 10, y: 5, color: '#2f8f46', size: 9, label: 'Domkirkens Kor', forceLabel: false }],
    edges: [
      { key: 'relation:lib:choir', source: 'lib', target: 'choir', color: '#8fa3b8', size: 2 },
      { key: 'knows:gone:choir', source: 'gone', target: 'choir', color: '#c9ced6', size: 1 },
    ],
  };

  it("draws the edges to sigma.js's nodes, then the disc, then the label where it has room", () => {
    const { context, calls } = recorder();
    paintChange({ edges: context, nodes: context }, change, projection, labels(true));
    const box = labelBox(120, 40, 13.5, 14, 'Domkirkens Kor'.length * 5);
    const origin = textOrigin(box, 14);
    expect(calls).toEqual([
      'line #8fa3b8 3px from 100,50 to 120,40',
      'fill #2f8f46 disc 120,40 r13.5',
      `text "Domkirkens Kor" normal 14px sans-serif #000 at ${origin.x},${origin.y}`,
    ]);
  });

  it('leaves the label out without room, unless it must show; thin edges as thin as sigma.js draws them', () => {
    const { context, calls } = recorder();
    paintChange({ edges: context, nodes: context }, { ...change, edges: [{ ...change.edges[0]!, size: 1 }] }, projection, labels(false));
    expect(calls).toEqual(['line #8fa3b8 1.7px from 100,50 to 120,40', 'fill #2f8f46 disc 120,40 r13.5']);
    const forced = recorder();
    paintChange({ edges: forced.context, nodes: forced.context }, { nodes: [{ ...change.nodes[0]!, label: '⚠ Domkirkens Kor', forceLabel: true }], edges: [] }, projection, labels(false));
    expect(forced.calls.at(-1)).toMatch(/^text "⚠ Domkirkens Kor"/);
  });
});
