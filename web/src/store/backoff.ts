// How long to wait before the next reconnect attempt: doubling from 500 ms to at most 10 s,
// with jitter so that a server restart is not met by every client in the same millisecond.
export const BACKOFF_FIRST_MS = 500;
export const BACKOFF_MAX_MS = 10_000;

export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
