import { describe, expect, it } from 'vitest';
import { filterChoices, focusedNeighbourhood, isFilterEmpty, rememberedFilterChoices, neighbourhood, NO_FILTER, searchNodes, shownView, visibleNodeIds } from './filters';
import { FIXTURE } from './testFixture';

const sorted = (ids: Set<string>) => [...ids].sort();

describe('map filters', () => {
  it('show everything without a criterion', () => {
    expect(isFilterEmpty(NO_FILTER)).toBe(true);
    expect(visibleNodeIds(FIXTURE, NO_FILTER).size).toBe(FIXTURE.nodes.length);
  });

  it('keep the library, the selected organisations, their contact holders and their teams', () => {
    const visible = visibleNodeIds(FIXTURE, { ...NO_FILTER, sector: 'civil_society' });
    // The union has no holder: only the festival's holders and their teams stay.
    expect(sorted(visible)).toEqual(['anna', 'festival', 'lib', 'mads', 'team-b', 'team-v', 'union']);
  });

  it('combine criteria: every one that is set must hold', () => {
    expect(sorted(visibleNodeIds(FIXTURE, { ...NO_FILTER, room: 'learning', ageGroup: 'seniors' }))).toEqual([
      'lib', 'shop', 'sofie', 'team-v',
    ]);
    expect(sorted(visibleNodeIds(FIXTURE, { ...NO_FILTER, level: 'partnership', sector: 'public' }))).toEqual(['lib']);
  });

  it('select by goal: the goals of the partnerships an organisation is in', () => {
    expect(sorted(visibleNodeIds(FIXTURE, { ...NO_FILTER, goal: 'engagement' }))).toEqual([
      'anna', 'festival', 'lib', 'mads', 'team-b', 'team-v',
    ]);
    expect(sorted(visibleNodeIds(FIXTURE, { ...NO_FILTER, goal: 'innovation' }))).toEqual(['lib']);
  });

  it('select by colleague and by topic, in any case', () => {
    expect(sorted(visibleNodeIds(FIXTURE, { ...NO_FILTER, staff: 'mads' }))).toEqual([
      'anna', 'festival', 'lib', 'mads', 'museum', 'team-b', 'team-v',
    ]);
    const byTopic = visibleNodeIds(FIXTURE, { ...NO_FILTER, topic: 'MUSIC ' });
    expect(byTopic.has('festival')).toBe(true);
    expect(byTopic.has('museum')).toBe(false);
  });

  it('offer the colleagues and the topics (each once, as first written) to choose from', () => {
    const choices = filterChoices(FIXTURE);
    expect(choices.staff.map((staff) => staff.label)).toEqual(['Anna', 'Mads', 'Sofie']);
    expect(choices.topics).toEqual(['gaming tent', 'iPads', 'Music', 'rock history']);
  });

  it('sort the choices again only when a colleague or a topic changed', () => {
    const choose = rememberedFilterChoices();
    const first = choose(FIXTURE);
    expect(first).toEqual(filterChoices(FIXTURE));
    // An organisation added (new arrays, the same colleague and topic objects): the same choices.
    const grown = { ...FIXTURE, nodes: [...FIXTURE.nodes, { ...FIXTURE.nodes[0]!, id: 'new-org', kind: 'organisation' as const }] };
    expect(choose(grown)).toBe(first);
    // A colleague renamed: sorted anew.
    const renamed = {
      ...grown,
      nodes: grown.nodes.map((node) => (node.kind === 'staff' && node.label === 'Anna' ? { ...node, label: 'Zoe' } : node)),
    };
    expect(choose(renamed).staff.map((staff) => staff.label)).toEqual(['Mads', 'Sofie', 'Zoe']);
  });

  it('narrow the tables to what is shown', () => {
    const narrowed = shownView(FIXTURE, new Set(['lib', 'festival']));
    expect(narrowed.nodes.map((node) => node.id)).toEqual(['lib', 'festival']);
    expect(narrowed.edges).toEqual([{ kind: 'relation', source: 'lib', target: 'festival', level: 'partnership' }]);
  });
});

describe('search', () => {
  it('finds names containing the query, those starting with it first', () => {
    expect(searchNodes(FIXTURE, 'roskilde').map((node) => node.label)).toEqual([
      'Roskilde Bibliotekerne', 'Roskilde Festival', 'Fagbevægelsen; Roskilde',
    ]);
    expect(searchNodes(FIXTURE, 'BØRN').map((node) => node.id)).toEqual(['team-b']);
  });

  it('finds nothing for an empty query or an unknown name', () => {
    expect(searchNodes(FIXTURE, '  ')).toEqual([]);
    expect(searchNodes(FIXTURE, 'xyz')).toEqual([]);
  });
});

describe('neighbourhood', () => {
  it('is the node and every node linked with it, either way', () => {
    expect(sorted(neighbourhood(FIXTURE, 'festival'))).toEqual(['anna', 'festival', 'lib', 'mads']);
    expect(sorted(neighbourhood(FIXTURE, 'sofie'))).toEqual(['shop', 'sofie', 'team-v']);
  });
});

describe('focusedNeighbourhood', () => {
  it("is the selected node's neighbourhood only with focus on and the node shown", () => {
    const all = visibleNodeIds(FIXTURE, NO_FILTER);
    expect(sorted(focusedNeighbourhood(FIXTURE, all, 'festival', true) ?? new Set())).toEqual(['anna', 'festival', 'lib', 'mads']);
    expect(focusedNeighbourhood(FIXTURE, all, 'festival', false)).toBeNull();
    expect(focusedNeighbourhood(FIXTURE, all, null, true)).toBeNull();
    const withoutFestival = visibleNodeIds(FIXTURE, { ...NO_FILTER, sector: 'public' });
    expect(withoutFestival.has('festival')).toBe(false);
    expect(focusedNeighbourhood(FIXTURE, withoutFestival, 'festival', true)).toBeNull();
  });
});
