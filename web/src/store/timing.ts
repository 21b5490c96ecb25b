// The app's User Timing entries for the performance tools (the map benchmark, the browser
// tests, devtools): `partnerhub:map-drawn`, `partnerhub:event-applied` and the like. The
// browser keeps every mark and measure in its timeline buffer until the page clears it, and
// the app makes a few for every colleague's change: on a map open all day that buffer only
// grew. So each name keeps its latest `KEPT_PER_NAME` entries at most: when a name has that
// many, they are cleared before the next is recorded. The tools read an entry soon after it
// is made (the benchmark waits for the first frame's mark, then observes the rest with a
// `PerformanceObserver`, which sees every entry whatever the buffer keeps).

/** How many entries of one name the buffer keeps at most. */
export const KEPT_PER_NAME = 200;

/** The entries of each name recorded since that name was last cleared. */
const recorded = new Map<string, number>();

/** Counts one more entry of `name`; true when the buffer's entries of it are to be cleared first. */
export function makesRoom(name: string, counts: Map<string, number> = recorded): boolean {
  const count = counts.get(name) ?? 0;
  const full = count >= KEPT_PER_NAME;
  counts.set(name, full ? 1 : count + 1);
  return full;
}

/** `performance.mark(name, { detail })`, keeping the name's entries few (see above). */
export function markTiming(name: string, detail?: unknown): void {
  if (makesRoom(name)) performance.clearMarks(name);
  performance.mark(name, { detail });
}

/** `performance.measure(name, ...)` from `start` to `end` (now when left out), keeping the
 * name's entries few (see above). */
export function measureTiming(name: string, start: number, detail?: unknown, end?: number): void {
  if (makesRoom(name)) performance.clearMeasures(name);
  performance.measure(name, { start, end: end ?? performance.now(), detail });
}
