import { describe, expect, it } from 'vitest';
import type { Level } from '../protocol/command';
import type { NetworkView } from '../store/views';
import { FIXTURE } from './testFixture';
import { UndoHistory, holds, undoEntryOf } from './undo';

/** The fixture with `organisation` at `level` (what the server's view would say after a move). */
function withLevel(view: NetworkView, organisation: string, level: Level | null): NetworkView {
  return {
    ...view,
    nodes: view.nodes.map((node) => {
      if (node.id !== organisation) return node;
      const rest = { ...node };
      delete rest.level;
      return level === null ? rest : { ...rest, level };
    }),
  };
}

function withHolder(view: NetworkView, staff: string, organisation: string, topics: string[] | null): NetworkView {
  const others = view.edges.filter((edge) => !(edge.kind === 'knows' && edge.source === staff && edge.target === organisation));
  return { ...view, edges: topics === null ? others : [...others, { kind: 'knows', source: staff, target: organisation, topics }] };
}

describe('undo entries', () => {
  it('move a relation back to where it was, with a reason', () => {
    const entry = undoEntryOf(FIXTURE, { type: 'ChangeRelationLevel', organisation_id: 'museum', to: 'partnership', reason: 'aftale' }, 'Fortrudt');
    expect(entry?.backward).toEqual({ type: 'ChangeRelationLevel', organisation_id: 'museum', to: 'collaboration', reason: 'Fortrudt' });
    expect(entry?.organisation).toBe('Ragnarock');
  });

  it('unlink a newly linked colleague, and put back the topics of one linked before', () => {
    const linked = undoEntryOf(FIXTURE, { type: 'AssignContactHolder', organisation_id: 'museum', staff_id: 'anna', topics: ['rock'] }, 'x');
    expect(linked?.backward).toEqual({ type: 'RemoveContactHolder', organisation_id: 'museum', staff_id: 'anna' });
    const retopiced = undoEntryOf(FIXTURE, { type: 'AssignContactHolder', organisation_id: 'museum', staff_id: 'mads', topics: ['vinyl'] }, 'x');
    expect(retopiced?.backward).toEqual({ type: 'AssignContactHolder', organisation_id: 'museum', staff_id: 'mads', topics: ['rock history'] });
    const removed = undoEntryOf(FIXTURE, { type: 'RemoveContactHolder', organisation_id: 'shop', staff_id: 'sofie' }, 'x');
    expect(removed?.backward).toEqual({ type: 'AssignContactHolder', organisation_id: 'shop', staff_id: 'sofie', topics: ['iPads'] });
  });

  it('are none for an edit no command takes back', () => {
    expect(undoEntryOf(FIXTURE, { type: 'RegisterOrganisation', organisation_id: 'new', name: 'Ny', sector: 'public' }, 'x')).toBeNull();
  });
});

describe('UndoHistory', () => {
  const move = { type: 'ChangeRelationLevel', organisation_id: 'museum', to: 'partnership', reason: 'aftale' } as const;

  it('undoes while the entity is as the person left it, then redoes', () => {
    const history = new UndoHistory();
    const entry = undoEntryOf(FIXTURE, move, 'Fortrudt');
    if (!entry) throw new Error('no entry');
    history.recorded(entry);
    const after = withLevel(FIXTURE, 'museum', 'partnership');
    expect(holds(after, entry.after)).toBe(true);
    expect(history.nextUndo(after)).toEqual({ kind: 'send', entry, command: entry.backward });
    history.undoneLast();
    expect(history.counts.value).toEqual({ undo: 0, redo: 1 });
    expect(history.nextRedo(FIXTURE)).toEqual({ kind: 'send', entry, command: move });
    history.redoneLast();
    expect(history.counts.value).toEqual({ undo: 1, redo: 0 });
  });

  it('says a colleague changed the entity since instead of overwriting it', () => {
    const history = new UndoHistory();
    const entry = undoEntryOf(FIXTURE, move, 'Fortrudt');
    if (!entry) throw new Error('no entry');
    history.recorded(entry);
    const changedByColleague = withLevel(FIXTURE, 'museum', null);
    expect(history.nextUndo(changedByColleague)).toEqual({ kind: 'changed', entry });
    const linked = undoEntryOf(FIXTURE, { type: 'AssignContactHolder', organisation_id: 'museum', staff_id: 'anna', topics: ['rock'] }, 'x');
    if (!linked) throw new Error('no entry');
    expect(holds(withHolder(FIXTURE, 'anna', 'museum', [' rock']), linked.after)).toBe(true);
    expect(holds(withHolder(FIXTURE, 'anna', 'museum', ['rock', 'vinyl']), linked.after)).toBe(false);
  });

  it('forgets what can be redone when a new edit is made', () => {
    const history = new UndoHistory();
    const entry = undoEntryOf(FIXTURE, move, 'Fortrudt');
    if (!entry) throw new Error('no entry');
    history.recorded(entry);
    history.undoneLast();
    history.recorded(entry);
    expect(history.counts.value).toEqual({ undo: 1, redo: 0 });
    expect(history.nextRedo(FIXTURE)).toEqual({ kind: 'none' });
  });
});
