// The notes of one zone, and how a large change reaches the zones. The list is rendered
// again only when its own props change: its notes array stays the same object while the
// zone's notes do (`usePacedZones`), so a note added in one zone renders that zone alone.
// A change that alters the cards of many zones without changing which notes a zone holds
// (a phase change shows or hides the vote's dots; the load after the vote closes brings the
// totals; a name learnt for an author) is shown ZONES_PER_FRAME zones per animation frame,
// not in one long task that holds every other note back: fifty people keep writing. Which
// notes a zone holds is shown at once, so notes still appear in the order they were logged.
import { Component } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { atNextFrame } from './frames';
import type { NoteView } from './model';
import { NoteCard, propsChanged, type NoteCardProps } from './NoteCard';

/** Zones whose cards change (and nothing else) rendered per frame. */
export const ZONES_PER_FRAME = 3;

/** What every card of the zone gets, the zone's notes in place of one note, and people's
 * names by actor in place of one author's. */
export type ZoneNotesProps = Omit<NoteCardProps, 'note' | 'authorName'> & {
  notes: readonly NoteView[];
  names: Readonly<Record<string, string>>;
};

/** One zone's notes, rendered again only when one of its props is another value or object. */
export class ZoneNotes extends Component<ZoneNotesProps> {
  override shouldComponentUpdate(next: ZoneNotesProps): boolean {
    return propsChanged(next, this.props);
  }

  override render({ notes, names, ...card }: ZoneNotesProps) {
    return (
      <ul class="notes">
        {notes.map((note) => (
          <NoteCard key={note.note_id} note={note} authorName={names[note.author ?? '']} {...card} />
        ))}
      </ul>
    );
  }
}

/** The props each zone (by key) is shown with, given those it should have (`wanted`, a
 * zone's notes in a new array each render); see `paceZones`. Renders again at the next frame
 * while some zones are behind. */
export function usePacedZones(wanted: ReadonlyMap<string, ZoneNotesProps>): ReadonlyMap<string, ZoneNotesProps> {
  const shown = useRef<ReadonlyMap<string, ZoneNotesProps>>(new Map());
  const [, setFrame] = useState(0);
  const { next, behind } = paceZones(shown.current, wanted, ZONES_PER_FRAME);
  shown.current = next;
  useLayoutEffect(() => (behind ? atNextFrame(() => setFrame((frame) => frame + 1)) : undefined));
  return next;
}

/** What each zone shows now, from what it `shown` and what it should (`wanted`): a zone whose
 * notes are the same objects keeps its array (and its props object, when nothing else
 * changed either); a zone that gains, loses or reorders notes (or is new) is shown as wanted
 * at once; of the zones whose cards change otherwise, `perFrame` are shown as wanted and
 * the rest stay as they were (`behind`: render again at the next frame). */
export function paceZones<P extends { readonly notes: readonly NoteView[] }>(
  shown: ReadonlyMap<string, P>,
  wanted: ReadonlyMap<string, P>,
  perFrame: number,
): { next: Map<string, P>; behind: boolean } {
  const next = new Map<string, P>();
  let budget = perFrame;
  let behind = false;
  for (const [key, props] of wanted) {
    const before = shown.get(key);
    const want = before && sameNotes(before.notes, props.notes) ? { ...props, notes: before.notes } : props;
    if (before && !propsChanged(want, before)) {
      next.set(key, before);
    } else if (!before || !sameIds(before.notes, want.notes)) {
      next.set(key, want);
    } else if (budget > 0) {
      budget -= 1;
      next.set(key, want);
    } else {
      next.set(key, before);
      behind = true;
    }
  }
  return { next, behind };
}

function sameNotes(a: readonly NoteView[], b: readonly NoteView[]): boolean {
  return a.length === b.length && a.every((note, index) => note === b[index]);
}

function sameIds(a: readonly NoteView[], b: readonly NoteView[]): boolean {
  return a.length === b.length && a.every((note, index) => note.note_id === b[index]?.note_id);
}
