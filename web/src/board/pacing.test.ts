import { describe, expect, it } from 'vitest';
import type { NoteView } from './model';
import { cardControls } from './NoteCard';
import { paceZones } from './ZoneNotes';

const note = (id: string, text = id): NoteView => ({
  note_id: id,
  text,
  author: 'anna',
  zone: { label: 'Ideas' },
  x: 0,
  y: 0,
  colour: '#ffd54f',
  my_votes: 0,
});

type Zone = { readonly notes: readonly NoteView[]; readonly controls: object };

describe('cards and zones under many changes', () => {
  it('gives a card the same controls object for phases that change nothing on it', () => {
    const reveal = cardControls('reveal', false, false, false);
    expect(cardControls('grouping', false, false, false)).toBe(reveal);
    expect(cardControls('writing', false, false, false)).toBe(reveal);
    expect(cardControls('voting', false, false, false)).not.toBe(reveal);
    expect(cardControls('voting', false, false, false).voting).toBe(true);
    expect(cardControls('voting', false, true, false).voting).toBe(false);
    expect(cardControls('closed', false, false, true)).toEqual({ open: false, voting: false, promotable: true });
  });

  it('keeps an unchanged zone as it was and shows a zone that gains a note at once', () => {
    const controls = cardControls('reveal', false, false, false);
    const first = new Map<string, Zone>([['a', { notes: [note('1')], controls }], ['b', { notes: [], controls }]]);
    const { next: shown } = paceZones(new Map(), first, 1);
    const a = shown.get('a');
    // The next render makes new arrays of the same notes, and a note in b.
    const again = new Map<string, Zone>([['a', { notes: [...(a?.notes ?? [])], controls }], ['b', { notes: [note('2')], controls }]]);
    const { next, behind } = paceZones(shown, again, 0);
    expect(next.get('a')).toBe(a);
    expect(next.get('b')?.notes.map((each: NoteView) => each.note_id)).toEqual(['2']);
    expect(behind).toBe(false);
  });

  it('shows a change of many zones\' cards a few zones per frame, and a new note among them at once', () => {
    const reveal = cardControls('reveal', false, false, false);
    const voting = cardControls('voting', false, false, false);
    const keys = ['a', 'b', 'c', 'd', 'e'];
    // The store keeps an unchanged note the same object.
    const notes = new Map(keys.flatMap((key) => [`${key}1`, `${key}2`]).map((id) => [id, note(id)]));
    const of = (id: string): NoteView[] => [notes.get(id) ?? note(id)];
    const zones = (controls: object, extra?: string) =>
      new Map<string, Zone>(keys.map((key) => [key, { notes: [...of(`${key}1`), ...(extra === key ? of(`${key}2`) : [])], controls }]));
    let { next: shown } = paceZones(new Map(), zones(reveal), 2);
    // The vote opens (every card changes) and a note is added to e in the same frame.
    let paced = paceZones(shown, zones(voting, 'e'), 2);
    const onVoting = (map: Map<string, Zone>) => keys.filter((key) => map.get(key)?.controls === voting);
    expect(onVoting(paced.next)).toEqual(['a', 'b', 'e']);
    expect(paced.behind).toBe(true);
    shown = paced.next;
    paced = paceZones(shown, zones(voting, 'e'), 2);
    expect(onVoting(paced.next)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(paced.behind).toBe(false);
    expect(paced.next.get('e')?.notes.map((each: NoteView) => each.note_id)).toEqual(['e1', 'e2']);
  });
});
