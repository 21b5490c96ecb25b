// What arrives together, handed on together. One command's events (an organisation
// registered with its level: two events) leave the server within a few milliseconds of each
// other, each in a websocket message of its own, and the browser dispatches each message as
// a task of its own. Applied one by one, the map drew the first in a frame and the second in
// the next: two full drawings, and the browser held the second message back until the first
// frame was done, so the whole change showed a frame (~50 ms in software WebGL) later. A
// `SettleBatch` takes each item at once and hands all that arrived within `SETTLE_MS` of the
// first on together, so the page applies and draws them once.

/** Runs `run` soon; the function returned cancels it. */
export type Schedule = (run: () => void) => () => void;

/** How long the first item waits for those arriving with it, in ms: long enough for the rest
 * of its command's events (the map benchmark saw them 0.1 to 4 ms apart, now and then 10). */
export const SETTLE_MS = 5;

/** `SETTLE_MS` after now. */
export const afterSettling: Schedule = (run) => {
  const timer = setTimeout(run, SETTLE_MS);
  return () => clearTimeout(timer);
};

export class SettleBatch<T> {
  private items: T[] = [];
  private cancel: (() => void) | null = null;

  /** `drain` gets the items taken since it last ran, in the order they were taken. */
  constructor(
    private readonly drain: (items: T[]) => void,
    private readonly schedule: Schedule = afterSettling,
  ) {}

  /** Takes an item; it is handed on with the others that arrive while it waits. */
  push(item: T): void {
    this.items.push(item);
    this.cancel ??= this.schedule(() => this.flush());
  }

  /** Hands on what was taken, now. */
  flush(): void {
    this.cancel?.();
    this.cancel = null;
    if (this.items.length === 0) return;
    const items = this.items;
    this.items = [];
    this.drain(items);
  }

  /** Drops what was taken and not handed on yet. */
  dispose(): void {
    this.cancel?.();
    this.cancel = null;
    this.items = [];
  }
}
