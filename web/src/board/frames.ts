// Work done at the next animation frame, once: the board shows what it has caught up on once
// per frame, and paces large re-renders across frames. A hidden page has no frames (or one a
// second), so the work is done after FRAME_FALLBACK_MS at the latest.

/** The longest work waits for a frame when none comes. */
export const FRAME_FALLBACK_MS = 100;

/** Calls `work` once, at the next animation frame (or after FRAME_FALLBACK_MS, or at once
 * outside a browser). Returns what cancels it. */
export function atNextFrame(work: () => void): () => void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    cancel();
    work();
  };
  const frames = typeof requestAnimationFrame === 'function';
  const frame = frames ? requestAnimationFrame(run) : 0;
  const timer = setTimeout(run, frames ? FRAME_FALLBACK_MS : 0);
  const cancel = () => {
    done = true;
    if (frames) cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
  return cancel;
}
