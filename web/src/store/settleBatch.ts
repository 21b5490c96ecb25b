// When a colleague's change is handed from the store to the pages. One command's events (an
// organisation registered with its level: two events) leave the server within a few
// milliseconds of each other, each in a websocket message of its own, and the browser
// dispatches each message as a task of its own. Published one by one, the map drew the first
// in a full sigma.js frame and the second in the next: two drawings, and the browser held the
// second message back until the first frame was done (any painting asks for a frame, and the
// next message waited for it). So the store applies each event as it arrives, tells the map
// `SETTLE_MS` after the first (`afterSettling`: the rest of its command is there by then), and
// the map paints what the command adds at once on a light overlay (`MapCanvas.preview`); the
// pages get the view after the browser's next frame (`afterNextFrame`), so the overlay's
// picture is on the screen before their renders and sigma.js's full frame take the main
// thread.

/** Runs `run` soon; the function returned cancels it. */
export type Schedule = (run: () => void) => () => void;

/** How long the first event waits for those arriving with it, in ms: long enough for the rest
 * of its command's events (the map benchmark saw them 0.1 to 4 ms apart, now and then 10). */
export const SETTLE_MS = 5;

/** A page that shows no frames (hidden) waits no longer than this for one, in ms. */
export const FRAME_WAIT_MS = 100;

/** `SETTLE_MS` after now. */
export const afterSettling: Schedule = (run) => {
  const timer = setTimeout(run, SETTLE_MS);
  return () => clearTimeout(timer);
};

/**
 * After the browser's next frame: a task after its animation frame callbacks, so that frame
 * has been drawn and handed to the compositor, and what was painted before `afterNextFrame`
 * was called is on the screen before `run` takes the main thread. A hidden page draws no
 * frames: it waits for none, and no page waits longer than `FRAME_WAIT_MS`.
 */
export const afterNextFrame: Schedule = (run) => {
  if (typeof document === 'undefined' || document.hidden || typeof requestAnimationFrame === 'undefined') {
    const timer = setTimeout(run, 0);
    return () => clearTimeout(timer);
  }
  let done = false;
  let afterFrame: ReturnType<typeof setTimeout> | null = null;
  const finish = () => {
    if (done) return;
    done = true;
    cancel();
    run();
  };
  let frame = requestAnimationFrame(() => {
    frame = 0;
    afterFrame = setTimeout(finish, 0);
  });
  const longest = setTimeout(finish, FRAME_WAIT_MS);
  const cancel = () => {
    done = true;
    clearTimeout(longest);
    if (afterFrame !== null) clearTimeout(afterFrame);
    if (frame !== 0) cancelAnimationFrame(frame);
  };
  return cancel;
};

/** When the page is idle (within a second), or soon where it cannot tell: for work that a
 * colleague's change would otherwise do on its way to the screen. */
export const whenIdle: Schedule = (run) => {
  if (typeof requestIdleCallback === 'function') {
    const request = requestIdleCallback(run, { timeout: 1_000 });
    return () => cancelIdleCallback(request);
  }
  const timer = setTimeout(run, 0);
  return () => clearTimeout(timer);
};
