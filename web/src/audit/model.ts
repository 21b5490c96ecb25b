// The audit view's model (pure): the shapes of the server's "as of" report and its
// comparison that the view reads, the slider's days from the first event to today, the
// library model's grid as a rooms x goals table, and the audit trail's CSV read back into
// rows for the print page.
import type { NetworkView } from '../store/views';

export const ROOMS = ['inspiration', 'learning', 'meeting', 'performative'] as const;
export const GOALS = ['experience', 'empowerment', 'engagement', 'innovation'] as const;
export type Room = (typeof ROOMS)[number];
export type Goal = (typeof GOALS)[number];
export type Level = 'network' | 'collaboration' | 'partnership';

export interface Named {
  readonly id: string;
  readonly name: string;
}

export interface MatrixCell {
  readonly room: Room;
  readonly goal: Goal;
  readonly partnerships: readonly { readonly partnership_id: string; readonly title: string }[];
}

export interface Gap {
  readonly area: { readonly kind: string; readonly room?: string; readonly goal?: string; readonly age_group?: string };
  readonly message: string;
}

export interface LevelCounts {
  readonly network: number;
  readonly collaboration: number;
  readonly partnership: number;
}

export interface TimelineLine {
  readonly position: number;
  readonly recorded_at: string;
  readonly actor?: string;
  readonly event_type: string;
  readonly summary: string;
  readonly entity_ids: readonly string[];
}

/** What the view reads of `GET /api/workspaces/{id}/as-of`. */
export interface AsOfReport {
  readonly name: string;
  readonly position: number;
  readonly version: number;
  readonly today: string;
  readonly network: NetworkView & {
    readonly metrics: {
      readonly node_count: number;
      readonly edge_count: number;
      readonly density: number;
      readonly counts_per_level: LevelCounts;
    };
  };
  readonly portfolio: {
    readonly matrix: readonly MatrixCell[];
    readonly gaps: readonly Gap[];
    readonly overdue_evaluations: readonly unknown[];
    readonly unlinked: readonly unknown[];
  };
  readonly organisations: Readonly<Record<string, { readonly name: string }>>;
  readonly partnerships: Readonly<Record<string, { readonly title: string; readonly ending?: unknown }>>;
  readonly changes_since?: Comparison;
}

export interface Figures {
  readonly organisations: number;
  readonly counts_per_level: LevelCounts;
  readonly node_count: number;
  readonly edge_count: number;
  readonly density: number;
  readonly active_partnerships: number;
  readonly ended_partnerships: number;
  readonly gaps: number;
  readonly overdue_evaluations: number;
  readonly unlinked: number;
}

/** The server's comparison of two moments (`changes_since`). */
export interface Comparison {
  readonly organisations_appeared: readonly Named[];
  readonly level_moves: readonly { readonly organisation: Named; readonly from: Level | null; readonly to: Level | null }[];
  readonly partnerships_appeared: readonly Named[];
  readonly partnerships_ended: readonly (readonly [Named, string])[];
  readonly gaps_opened: readonly Gap[];
  readonly gaps_closed: readonly Gap[];
  readonly grid: readonly { readonly room: Room; readonly goal: Goal; readonly before: number; readonly after: number }[];
  readonly figures: { readonly before: Figures; readonly after: Figures };
}

/** The figures of a report, as the comparison gives them, for the single-moment view. */
export function figuresOf(report: AsOfReport): Figures {
  const partnerships = Object.values(report.partnerships);
  const ended = partnerships.filter((partnership) => partnership.ending !== undefined && partnership.ending !== null).length;
  return {
    organisations: Object.keys(report.organisations).length,
    counts_per_level: report.network.metrics.counts_per_level,
    node_count: report.network.metrics.node_count,
    edge_count: report.network.metrics.edge_count,
    density: report.network.metrics.density,
    active_partnerships: partnerships.length - ended,
    ended_partnerships: ended,
    gaps: report.portfolio.gaps.length,
    overdue_evaluations: report.portfolio.overdue_evaluations.length,
    unlinked: report.portfolio.unlinked.length,
  };
}

/** A day as `YYYY-MM-DD` (UTC). */
export function isoDay(time: Date): string {
  return time.toISOString().slice(0, 10);
}

/** The days from `first`'s day to `today`'s, both included, as `YYYY-MM-DD`. */
export function daysBetween(first: Date, today: Date): string[] {
  const days: string[] = [];
  const day = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), first.getUTCDate()));
  const last = isoDay(today);
  while (isoDay(day) <= last) {
    days.push(isoDay(day));
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return days;
}

/** The moment "as of" a day asks for: the end of that day (UTC), as RFC 3339. */
export function endOfDay(day: string): string {
  return `${day}T23:59:59Z`;
}

/** Partnerships per cell, one row per room, one column per goal. */
export function gridTable(matrix: readonly MatrixCell[]): number[][] {
  return ROOMS.map((room) =>
    GOALS.map((goal) => matrix.find((cell) => cell.room === room && cell.goal === goal)?.partnerships.length ?? 0),
  );
}

/** Before and after per cell, one row per room, one column per goal. */
export function gridChangeTable(grid: Comparison['grid']): { before: number; after: number }[][] {
  return ROOMS.map((room) =>
    GOALS.map((goal) => {
      const cell = grid.find((entry) => entry.room === room && entry.goal === goal);
      return { before: cell?.before ?? 0, after: cell?.after ?? 0 };
    }),
  );
}

/** What ended between two moments: relations that left the circle, partnerships ended. */
export function endings(changes: Comparison): { relations: Named[]; partnerships: (readonly [Named, string])[] } {
  return {
    relations: changes.level_moves.filter((move) => move.from !== null && move.to === null).map((move) => move.organisation),
    partnerships: [...changes.partnerships_ended],
  };
}

/** Relations that moved between two levels (not those that began or ended). */
export function levelMoves(changes: Comparison): Comparison['level_moves'] {
  return changes.level_moves.filter((move) => move.from !== null && move.to !== null);
}

/** The address of the audit trail's CSV, of the workspace or one entity, in a language. */
export function trailCsvPath(workspaceId: string, entity: string | null, lang: 'da' | 'en'): string {
  const query = new URLSearchParams({ lang });
  if (entity) query.set('entity', entity);
  return `/api/workspaces/${encodeURIComponent(workspaceId)}/audit.csv?${query.toString()}`;
}

/** CSV text as rows: the one reader, shared with the browser tests (csv.mjs). */
export { parseCsv } from './csv.mjs';
