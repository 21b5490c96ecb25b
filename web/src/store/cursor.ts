// Where a workspace's client state stands in the log: the last event position seen over the
// websocket (the position to resume after, so a reconnect has no gap) and the position of
// the views loaded over HTTP (a view older than the last event must be loaded again).
export class EventCursor {
  private lastSeen = 0;
  private loadedAt = -1;

  /** A view was loaded that includes everything up to `position`. */
  viewLoaded(position: number): void {
    this.loadedAt = position;
    this.lastSeen = Math.max(this.lastSeen, position);
  }

  /** An event at `position` arrived: `repeat` if it was seen already (ignore it). */
  take(position: number): 'new' | 'repeat' {
    if (position <= this.lastSeen) return 'repeat';
    this.lastSeen = position;
    return 'new';
  }

  /** Whether events arrived that the loaded view does not include. */
  needsRefresh(): boolean {
    return this.lastSeen > this.loadedAt;
  }

  /** The position to subscribe after. */
  resumeAfter(): number {
    return this.lastSeen;
  }
}
