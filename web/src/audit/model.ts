// The audit view's model (pure): the shapes of the server's "as of" report and its
// comparison that the view reads, the slider's days from the first event to today, the
// library model's grid as a rooms x goals table, and the audit trail's CSV read back into
// rows for the print page.
import type * as Api from '../protocol/api';

export const ROOMS = ['inspiration', 'learning', 'meeting', 'performative'] as const;
export const GOALS = ['experience', 'empowerment', 'engagement', 'innovation'] as const;
export type Room = (typeof ROOMS)[number];
export type Goal = (typeof GOALS)[number];
export type Level = 'network' | 'collaboration' | 'partnership';

/** An entity named in a comparison. */
export type Named = Api.Comparison['organisations_appeared'][number];

export type MatrixCell = Api.MatrixCell;

export type Gap = Api.Gap;

export type LevelCounts = Api.LevelCounts;

export interface TimelineLine {
  readonly position: number;
  readonly recorded_at: string;
  readonly actor?: string;
  readonly event_type: string;
  readonly summary: string;
  readonly entity_ids: readonly string[];
}

/** What the view reads of `GET /api/workspaces/{id}/as-of`: the workspace's report, and
 * with `since` the comparison. */
export type AsOfReport = Pick<
  Api.WorkspaceReport,
  'name' | 'position' | 'version' | 'today' | 'network' | 'portfolio' | 'organisations' | 'partnerships'
> & { readonly changes_since?: Comparison };

export type Figures = Api.Figures;

/** The server's comparison of two moments (`changes_since`). */
export type Comparison = Api.Comparison;

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
