import { describe, expect, it } from 'vitest';
import { language } from '../i18n';
import { chartPoints, crossGrid, gapsOf, membersAt, moveDate, niceTop } from './model';
import { GOALS, ROOMS } from '../vocabulary';
import type { LevelCountsAt, MatrixCell, PartnershipReference } from './types';
import { filterWords, gapSentences, overdueSentence, phaseNumber, said } from './words';

/** Every cell empty but the ones given. */
function matrix(served: Partial<Record<string, MatrixCell['partnerships']>>): MatrixCell[] {
  return ROOMS.flatMap((room) =>
    GOALS.map((goal) => ({ room, goal, partnerships: served[`${room}:${goal}`] ?? [] })),
  );
}

const festival = { partnership_id: 'p1', title: 'Festival area', sectors: ['civil_society'], age_groups: ['young_adults', 'adults'] } satisfies PartnershipReference;
const homework = { partnership_id: 'p2', title: 'Homework café', sectors: ['public', 'civil_society'], age_groups: ['children'] } satisfies PartnershipReference;

describe('crossGrid', () => {
  const grid = matrix({ 'inspiration:experience': [festival, homework], 'learning:empowerment': [homework] });

  it('keeps every partnership without a filter', () => {
    expect(crossGrid(grid, { sector: '', ageGroup: '' })).toEqual(grid);
  });

  it('keeps in each cell the partnerships with a partner from the sector and serving the age group', () => {
    const publicOnly = crossGrid(grid, { sector: 'public', ageGroup: '' });
    expect(publicOnly.find((c) => c.room === 'inspiration' && c.goal === 'experience')?.partnerships.map((p) => p.title)).toEqual(['Homework café']);
    const crossed = crossGrid(grid, { sector: 'civil_society', ageGroup: 'adults' });
    expect(crossed.find((c) => c.room === 'inspiration' && c.goal === 'experience')?.partnerships.map((p) => p.title)).toEqual(['Festival area']);
    expect(crossed.find((c) => c.room === 'learning' && c.goal === 'empowerment')?.partnerships).toEqual([]);
    expect(crossGrid(grid, { sector: 'private', ageGroup: '' }).every((c) => c.partnerships.length === 0)).toBe(true);
  });

  it('treats a reference without sectors (an older server) as matching no sector', () => {
    const old = matrix({ 'meeting:engagement': [{ partnership_id: 'p3', title: 'Old' }] });
    expect(crossGrid(old, { sector: 'public', ageGroup: '' }).some((c) => c.partnerships.length > 0)).toBe(false);
  });
});

describe('gapsOf', () => {
  it('names whole rooms and goals first and only the other empty cells one by one', () => {
    const gaps = gapsOf(matrix({ 'inspiration:experience': [festival], 'learning:empowerment': [homework] }));
    expect(gaps.rooms).toEqual(['meeting', 'performative']);
    expect(gaps.goals).toEqual(['engagement', 'innovation']);
    expect(gaps.cells).toEqual([
      { room: 'inspiration', goal: 'empowerment' },
      { room: 'learning', goal: 'experience' },
    ]);
  });

  it('says the gaps in the UI language', () => {
    const gaps = gapsOf(matrix({ 'inspiration:experience': [festival], 'learning:empowerment': [homework] }));
    language.value = 'da';
    const danish = gapSentences(gaps);
    expect(danish[0]).toBe('Intet aktivt partnerskab tjener møderum.');
    expect(danish).toContain('Intet aktivt partnerskab tjener målet empowerment i inspirationsrum.');
    language.value = 'en';
    expect(gapSentences(gaps)[2]).toBe('No active partnership serves the goal engagement.');
    language.value = 'da';
  });
});

describe('membersAt', () => {
  const move = (organisation_id: string, from: string | undefined, to: string | undefined, position: number): LevelCountsAt =>
    ({
      position,
      recorded_at: '2026-12-05T00:00:00Z',
      ...(position === 1 ? {} : { occurred_on: `2024-0${position}-01` }),
      organisation_id,
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      counts: { network: 0, collaboration: 0, partnership: 0 },
    }) as LevelCountsAt;
  const series = [
    move('festival', undefined, 'network', 1),
    move('museum', undefined, 'network', 2),
    move('festival', 'network', 'collaboration', 3),
    move('museum', 'network', undefined, 4),
  ];

  it('replays the moves up to the point: each organisation where its last move put it', () => {
    expect(membersAt(series, 1)).toEqual({ network: ['festival', 'museum'], collaboration: [], partnership: [] });
    expect(membersAt(series, 2)).toEqual({ network: ['museum'], collaboration: ['festival'], partnership: [] });
    expect(membersAt(series, 3)).toEqual({ network: [], collaboration: ['festival'], partnership: [] });
  });

  it('dates a move by when it happened, else when it was recorded', () => {
    expect(moveDate(series[0]!)).toBe('2026-12-05');
    expect(moveDate(series[2]!)).toBe('2024-03-01');
  });
});

describe('charts', () => {
  it('rounds the axis up to 1, 2 or 5 times a power of ten', () => {
    expect(niceTop(0)).toBe(1);
    expect(niceTop(3)).toBe(5);
    expect(niceTop(12)).toBe(20);
    expect(niceTop(50)).toBe(50);
  });

  it('spreads the points over the width and puts zero at the bottom', () => {
    const points = chartPoints([0, 5, 10], 10, { width: 120, height: 70, padding: 10 });
    expect(points.map((p) => p.x)).toEqual([10, 60, 110]);
    expect(points.map((p) => p.y)).toEqual([60, 35, 10]);
    expect(chartPoints([4], 10, { width: 120, height: 70, padding: 10 })[0]?.x).toBe(60);
  });
});

describe('words', () => {
  it('numbers the phases as the guide does and says late evaluations', () => {
    expect(phaseNumber('idea')).toBe(1);
    expect(phaseNumber('running')).toBe(9);
    language.value = 'da';
    expect(overdueSentence({ partnership_id: 'p', title: 'Festival', phase: 'running', never_evaluated: true, message: '' })).toBe(
      'Festival er i fase 9 og er aldrig blevet evalueret.',
    );
    expect(
      overdueSentence({ partnership_id: 'p', title: 'Festival', phase: 'evaluation', never_evaluated: false, due_on: '2025-01-01', days_overdue: 30, message: '' }),
    ).toBe('Evaluering overskredet: Festival skulle evalueres 2025-01-01, for 30 dage siden.');
  });

  it('says the filter and the server texts in the UI language', () => {
    language.value = 'da';
    expect(filterWords({ sector: '', ageGroup: '' })).toBeNull();
    expect(filterWords({ sector: 'civil_society', ageGroup: 'children' })).toBe('en partner fra sektoren civilsamfund og der tjener børn');
    expect(said({ da: 'kender Anna Holm', en: 'knows Anna Holm' })).toBe('kender Anna Holm');
    language.value = 'en';
    expect(said({ da: 'kender Anna Holm', en: 'knows Anna Holm' })).toBe('knows Anna Holm');
    language.value = 'da';
  });
});
