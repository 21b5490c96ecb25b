import { describe, expect, it } from 'vitest';
import Graph from 'graphology';
import { parse as parseGexf } from 'graphology-gexf';
import { parse as parseGraphml } from 'graphology-graphml';
import { exportGraph, nodesCsv, relationsCsv, toGexf, toGraphml } from './export';
import { visibleNodeIds, NO_FILTER } from './filters';
import { FIXTURE } from './testFixture';

const everything = exportGraph(FIXTURE, visibleNodeIds(FIXTURE, NO_FILTER), (node) => ({ x: node.length, y: 1 }));

describe('exports', () => {
  it('hold the shown nodes and the edges between them', () => {
    expect(everything.order).toBe(FIXTURE.nodes.length);
    expect(everything.size).toBe(FIXTURE.edges.length);
    const narrowed = exportGraph(FIXTURE, new Set(['lib', 'festival', 'mads']), () => undefined);
    expect(narrowed.order).toBe(3);
    expect(narrowed.size).toBe(2);
  });

  it('write GEXF that graphology reads back with the same nodes, edges and fields', () => {
    const read = parseGexf(Graph, toGexf(everything));
    expect(read.order).toBe(everything.order);
    expect(read.size).toBe(everything.size);
    expect(read.getNodeAttribute('festival', 'label')).toBe('Roskilde Festival');
    expect(read.getNodeAttribute('festival', 'sector')).toBe('civil_society');
    expect(read.getNodeAttribute('festival', 'age_groups')).toBe('teenagers; young_adults');
  });

  it('write GraphML that graphology reads back with the same nodes, edges and fields', () => {
    const read = parseGraphml(Graph, toGraphml(everything));
    expect(read.order).toBe(everything.order);
    expect(read.size).toBe(everything.size);
    expect(read.getNodeAttribute('union', 'label')).toBe('Fagbevægelsen; Roskilde');
    expect(read.getNodeAttribute('lib', 'x')).toBe(3);
  });

  it('write CSV with a header, quoting separators, keeping Danish letters', () => {
    const nodes = nodesCsv(everything).replace(/^\ufeff/, '').split('\r\n');
    expect(nodes[0]).toBe('id,label,kind,sector,level,rooms,age_groups,tags,team');
    expect(nodes).toContain('union,"Fagbevægelsen; Roskilde",organisation,civil_society,,,,,');
    expect(nodes).toContain('anna,Anna,staff,,,,,,Børn og unge');
    const relations = relationsCsv(everything).split('\r\n');
    expect(relations).toContain('anna,Anna,knows,festival,Roskilde Festival,,"music; gaming tent"');
    expect(relations.filter((line) => line !== '')).toHaveLength(FIXTURE.edges.length + 1);
  });
});
