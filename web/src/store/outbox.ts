// The commands the user made that have no answer yet, in the order they were made. Pure
// bookkeeping (the connection does the sending): a command keeps its id from the moment it
// is made, so resending it after a reconnect is safe (the server answers a repeated id with
// the first outcome instead of running it twice).
import type { Command } from '../protocol/command';
import type { ErrorBody } from '../protocol/error';

export interface PendingCommand {
  readonly commandId: string;
  readonly workspaceId: string;
  readonly command: Command;
  /** Whether it went out on the current connection (sent ones are resent after a reconnect). */
  sent: boolean;
}

export type Outcome =
  | { readonly kind: 'ack'; readonly commandId: string; readonly lastPosition: number; readonly deduplicated: boolean }
  | { readonly kind: 'reject'; readonly commandId: string; readonly error: ErrorBody };

export class Outbox {
  private readonly pending = new Map<string, PendingCommand>();
  private readonly waiters = new Map<string, (outcome: Outcome) => void>();

  /** Adds a command; the promise settles with its ack or rejection. */
  add(entry: Omit<PendingCommand, 'sent'>): Promise<Outcome> {
    this.pending.set(entry.commandId, { ...entry, sent: false });
    return new Promise((resolve) => this.waiters.set(entry.commandId, resolve));
  }

  /** What must go out now: everything not sent on this connection, oldest first. */
  unsent(): PendingCommand[] {
    return [...this.pending.values()].filter((entry) => !entry.sent);
  }

  markSent(commandId: string): void {
    const entry = this.pending.get(commandId);
    if (entry) entry.sent = true;
  }

  /** The connection dropped: every command without an answer goes out again. */
  connectionLost(): void {
    for (const entry of this.pending.values()) entry.sent = false;
  }

  /** The server answered; returns false for an answer to no pending command. */
  settle(outcome: Outcome): boolean {
    const resolve = this.waiters.get(outcome.commandId);
    if (!this.pending.delete(outcome.commandId) || !resolve) return false;
    this.waiters.delete(outcome.commandId);
    resolve(outcome);
    return true;
  }

  get size(): number {
    return this.pending.size;
  }
}
