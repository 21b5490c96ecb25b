import { describe, expect, it } from 'vitest';
import { daysBetween, endings, gridChangeTable, gridTable, levelMoves, parseCsv, trailCsvPath, type Comparison, type MatrixCell } from './model';

describe('the audit model', () => {
  it('lists every day from the first event to today', () => {
    const days = daysBetween(new Date('2023-12-30T09:00:00Z'), new Date('2024-01-02T01:00:00Z'));
    expect(days).toEqual(['2023-12-30', '2023-12-31', '2024-01-01', '2024-01-02']);
  });

  it('tables the grid by room and goal', () => {
    const matrix: MatrixCell[] = [
      { room: 'learning', goal: 'empowerment', partnerships: [{ partnership_id: 'a', title: 'IT' }] },
      { room: 'inspiration', goal: 'experience', partnerships: [] },
    ];
    const table = gridTable(matrix);
    expect(table[1]?.[1]).toBe(1);
    expect(table.flat().reduce((sum, count) => sum + count, 0)).toBe(1);
  });

  it('sorts a comparison into moves and endings', () => {
    const changes = {
      level_moves: [
        { organisation: { id: '1', name: 'Festivalen' }, from: 'network', to: 'partnership' },
        { organisation: { id: '2', name: 'Gymnasiet' }, from: null, to: 'network' },
        { organisation: { id: '3', name: 'Museet' }, from: 'collaboration', to: null },
      ],
      partnerships_ended: [[{ id: 'p', name: 'IT-undervisning' }, 'done']],
      grid: [{ room: 'meeting', goal: 'innovation', before: 2, after: 1 }],
    } as unknown as Comparison;
    expect(levelMoves(changes).map((move) => move.organisation.name)).toEqual(['Festivalen']);
    expect(endings(changes).relations.map((named) => named.name)).toEqual(['Museet']);
    expect(endings(changes).partnerships[0]?.[1]).toBe('done');
    expect(gridChangeTable(changes.grid)[2]?.[3]).toEqual({ before: 2, after: 1 });
  });

  it('reads the CSV back, quotes and all', () => {
    const rows = parseCsv('\uFEFFposition,hvad skete\r\n1,"a, ""quoted"" text"\r\n2,plain\r\n');
    expect(rows).toEqual([['position', 'hvad skete'], ['1', 'a, "quoted" text'], ['2', 'plain']]);
  });

  it('addresses the trail of a workspace or an entity', () => {
    expect(trailCsvPath('roskilde', null, 'da')).toBe('/api/workspaces/roskilde/audit.csv?lang=da');
    expect(trailCsvPath('roskilde', 'abc', 'en')).toBe('/api/workspaces/roskilde/audit.csv?lang=en&entity=abc');
  });
});
