// The portfolio's pure logic: the grid crossed by sector and age group (a cell keeps the
// partnerships with a partner from the sector and serving the age group), the gaps of the
// crossed grid, who was at each level of the network circle after a move (what a point of
// the level chart counts), and the points of a chart over time.
import type { AgeGroup, Goal, Level, Room, Sector } from '../protocol/command';
import type { LevelCountsAt, MatrixCell } from './types';

import { GOALS, ROOMS } from '../vocabulary';

/** What the grid is crossed by; '' is "every". */
export interface GridFilter {
  readonly sector: Sector | '';
  readonly ageGroup: AgeGroup | '';
}

export const NO_GRID_FILTER: GridFilter = { sector: '', ageGroup: '' };

/** The matrix with each cell keeping only the partnerships the filter selects. */
export function crossGrid(matrix: readonly MatrixCell[], filter: GridFilter): MatrixCell[] {
  return matrix.map((cell) => ({
    ...cell,
    partnerships: cell.partnerships.filter(
      (partnership) =>
        (filter.sector === '' || (partnership.sectors ?? []).includes(filter.sector)) &&
        (filter.ageGroup === '' || (partnership.age_groups ?? []).includes(filter.ageGroup)),
    ),
  }));
}

/** The cell of a room and a goal. */
export function cellOf(matrix: readonly MatrixCell[], room: Room, goal: Goal): MatrixCell | undefined {
  return matrix.find((cell) => cell.room === room && cell.goal === goal);
}

/** Where the (crossed) grid has gaps: whole rooms, whole goals, then single cells. */
export interface GridGaps {
  readonly rooms: Room[];
  readonly goals: Goal[];
  /** Empty cells whose room and goal are otherwise served. */
  readonly cells: { room: Room; goal: Goal }[];
}

export function gapsOf(matrix: readonly MatrixCell[]): GridGaps {
  const served = (cells: readonly MatrixCell[]) => cells.some((cell) => cell.partnerships.length > 0);
  const rooms = ROOMS.filter((room) => !served(matrix.filter((cell) => cell.room === room)));
  const goals = GOALS.filter((goal) => !served(matrix.filter((cell) => cell.goal === goal)));
  const cells = matrix
    .filter((cell) => cell.partnerships.length === 0 && !rooms.includes(cell.room) && !goals.includes(cell.goal))
    .map(({ room, goal }) => ({ room, goal }));
  return { rooms, goals, cells };
}

/**
 * The organisations at each level right after the move at `index` of the series: the moves
 * replayed in order, each organisation where its last move put it (a move to no level ends
 * the relation).
 */
export function membersAt(series: readonly LevelCountsAt[], index: number): Record<Level, string[]> {
  const where = new Map<string, Level>();
  for (const move of series.slice(0, index + 1)) {
    if (move.to) where.set(move.organisation_id, move.to);
    else where.delete(move.organisation_id);
  }
  const members: Record<Level, string[]> = { network: [], collaboration: [], partnership: [] };
  for (const [organisation, level] of where) members[level].push(organisation);
  return members;
}

/** The date a level move happened: when stated, else when recorded (YYYY-MM-DD). */
export function moveDate(move: LevelCountsAt): string {
  return move.occurred_on ?? move.recorded_at.slice(0, 10);
}

/** A point of a chart: where on the drawing, and its value. */
export interface ChartPoint {
  readonly x: number;
  readonly y: number;
  readonly value: number;
}

/** The box a chart draws in, in SVG units. */
export interface ChartBox {
  readonly width: number;
  readonly height: number;
  readonly padding: number;
}

/**
 * The points of one series of values over equally spaced steps (the log's order), scaled so
 * that 0 is at the bottom and `top` at the top of the box.
 */
export function chartPoints(values: readonly number[], top: number, box: ChartBox): ChartPoint[] {
  const innerWidth = box.width - 2 * box.padding;
  const innerHeight = box.height - 2 * box.padding;
  const step = values.length > 1 ? innerWidth / (values.length - 1) : 0;
  const scale = top > 0 ? innerHeight / top : 0;
  return values.map((value, index) => ({
    x: box.padding + (values.length > 1 ? index * step : innerWidth / 2),
    y: box.height - box.padding - value * scale,
    value,
  }));
}

/** A round top for a chart's axis: the smallest of 1, 2, 5 × 10ⁿ at or above the largest value. */
export function niceTop(largest: number): number {
  if (largest <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(largest));
  for (const factor of [1, 2, 5, 10]) {
    if (factor * magnitude >= largest) return factor * magnitude;
  }
  return 10 * magnitude;
}
