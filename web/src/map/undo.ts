// Undo and redo of the person's own map edits, per person (the history lives in their
// session's store, not on the server). Undoing issues the compensating command (a relation
// moved back with a reason, a colleague unlinked again or their topics put back), never a
// deletion of the log's past; before it does, it checks that the entity is still as this
// person left it, and if a colleague has changed it since, it says so instead of overwriting
// the colleague's change. Redo is the same the other way. Pure, so it is tested without a
// browser; `send.ts` records the edits and `UndoButtons.tsx` offers the buttons.
import { signal } from '@preact/signals';
import type { Command, Level } from '../protocol/command';
import type { NetworkView } from '../store/views';

/** What an entity looks like right after a change (or right before it). */
export type Expectation =
  | { readonly kind: 'level'; readonly organisationId: string; readonly level: Level | null }
  | { readonly kind: 'holder'; readonly organisationId: string; readonly staffId: string; readonly topics: readonly string[] | null };

/** One edit of the person's, with what undoes it. */
export interface UndoEntry {
  /** The edit as it was sent. */
  readonly forward: Command;
  /** The command that undoes it. */
  readonly backward: Command;
  /** The entity right after the edit: undo only while it still is so. */
  readonly after: Expectation;
  /** The entity before it: redo only while it is so again. */
  readonly before: Expectation;
  /** The organisation's and colleague's names, for the messages. */
  readonly organisation: string;
  readonly staff?: string;
}

const sameTopics = (first: readonly string[], second: readonly string[]): boolean => {
  const normal = (topics: readonly string[]) => [...new Set(topics.map((topic) => topic.trim()))].sort().join('\u0000');
  return normal(first) === normal(second);
};

/** Whether the view shows the entity as `expected`. */
export function holds(view: NetworkView, expected: Expectation): boolean {
  if (expected.kind === 'level') {
    const node = view.nodes.find((candidate) => candidate.id === expected.organisationId);
    return node !== undefined && (node.level ?? null) === expected.level;
  }
  const edge = view.edges.find(
    (candidate) => candidate.kind === 'knows' && candidate.source === expected.staffId && candidate.target === expected.organisationId,
  );
  if (expected.topics === null) return edge === undefined;
  return edge !== undefined && sameTopics(edge.topics ?? [], expected.topics);
}

function holderNow(view: NetworkView, organisationId: string, staffId: string): readonly string[] | null {
  const edge = view.edges.find((candidate) => candidate.kind === 'knows' && candidate.source === staffId && candidate.target === organisationId);
  return edge ? edge.topics ?? [] : null;
}

function holderCommand(organisationId: string, staffId: string, topics: readonly string[] | null): Command {
  return topics === null
    ? { type: 'RemoveContactHolder', organisation_id: organisationId, staff_id: staffId }
    : { type: 'AssignContactHolder', organisation_id: organisationId, staff_id: staffId, topics: [...topics] };
}

/**
 * The undo entry of `command` sent while the view was `view`, or null for an edit that
 * cannot be undone by a command (e.g. registering an organisation: nothing removes one).
 * `reason` is the reason a compensating move on the network circle records.
 */
export function undoEntryOf(view: NetworkView, command: Command, reason: string): UndoEntry | null {
  const name = (id: string) => view.nodes.find((node) => node.id === id)?.label ?? id;
  switch (command.type) {
    case 'ChangeRelationLevel': {
      const node = view.nodes.find((candidate) => candidate.id === command.organisation_id);
      if (!node) return null;
      const from = node.level ?? null;
      const to = command.to ?? null;
      return {
        forward: command,
        backward: { type: 'ChangeRelationLevel', organisation_id: command.organisation_id, to: from, reason },
        after: { kind: 'level', organisationId: command.organisation_id, level: to },
        before: { kind: 'level', organisationId: command.organisation_id, level: from },
        organisation: node.label,
      };
    }
    case 'AssignContactHolder':
    case 'RemoveContactHolder': {
      const before = holderNow(view, command.organisation_id, command.staff_id);
      const after = command.type === 'AssignContactHolder' ? (command.topics ?? []) : null;
      return {
        forward: command,
        backward: holderCommand(command.organisation_id, command.staff_id, before),
        after: { kind: 'holder', organisationId: command.organisation_id, staffId: command.staff_id, topics: after },
        before: { kind: 'holder', organisationId: command.organisation_id, staffId: command.staff_id, topics: before },
        organisation: name(command.organisation_id),
        staff: name(command.staff_id),
      };
    }
    default:
      return null;
  }
}

/** What undo or redo would send now, or why it may not. */
export type Step =
  | { readonly kind: 'send'; readonly entry: UndoEntry; readonly command: Command }
  | { readonly kind: 'changed'; readonly entry: UndoEntry }
  | { readonly kind: 'none' };

/** A person's undo and redo stacks. */
export class UndoHistory {
  private readonly done: UndoEntry[] = [];
  private readonly undone: UndoEntry[] = [];
  /** How many edits can be undone and redone (for the buttons). */
  readonly counts = signal({ undo: 0, redo: 0 });

  /** A new edit of the person's was accepted: it can be undone, and nothing can be redone. */
  recorded(entry: UndoEntry): void {
    this.done.push(entry);
    this.undone.length = 0;
    this.update();
  }

  /** What undo would send against `view`. */
  nextUndo(view: NetworkView): Step {
    const entry = this.done.at(-1);
    if (!entry) return { kind: 'none' };
    return holds(view, entry.after) ? { kind: 'send', entry, command: entry.backward } : { kind: 'changed', entry };
  }

  /** What redo would send against `view`. */
  nextRedo(view: NetworkView): Step {
    const entry = this.undone.at(-1);
    if (!entry) return { kind: 'none' };
    return holds(view, entry.before) ? { kind: 'send', entry, command: entry.forward } : { kind: 'changed', entry };
  }

  /** The last edit was undone (its compensating command accepted). */
  undoneLast(): void {
    const entry = this.done.pop();
    if (entry) this.undone.push(entry);
    this.update();
  }

  /** The last undone edit was made again. */
  redoneLast(): void {
    const entry = this.undone.pop();
    if (entry) this.done.push(entry);
    this.update();
  }

  /** The last edit cannot be undone any more (a colleague changed the entity): forget it. */
  dropUndo(): void {
    this.done.pop();
    this.update();
  }

  /** The last undone edit cannot be redone any more: forget it. */
  dropRedo(): void {
    this.undone.pop();
    this.update();
  }

  private update(): void {
    this.counts.value = { undo: this.done.length, redo: this.undone.length };
  }
}
