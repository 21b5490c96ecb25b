// One note on the board: its text, whose it is where that may be shown, the tags its zone
// gives it; moving it (drag it to another zone, or the "move to" menu from the keyboard or a
// phone), editing one's own, dots in the vote (one's own while it is open, the totals once
// it has closed), and, for the facilitator after the discussion, making it data. A viewer
// or auditor sees the note and nothing to change it with.
//
// Fifty people on one board send an event every few tens of milliseconds, so a card is
// memoised: it re-renders only when its own note (kept the same object while unchanged, see
// model.ts) or what it shows of the board changes, and its "move to" menu (a list of every
// zone) exists only while it is open. What it shows of the board's phase is said in
// `CardControls` (one object per combination), so a phase change that changes nothing on
// the cards (reveal to grouping) renders none of them again.
import { Component } from 'preact';
import { useState } from 'preact/hooks';
import type { BoardPhase, Zone } from '../protocol/command';
import { t, type Language } from '../i18n';
import type { NoteView } from './model';
import { zoneKey, zoneTags, type ZoneSlot } from './zones';
import { votesText, zoneName } from './words';

export interface NoteActions {
  readonly move: (note: NoteView, zone: Zone) => void;
  readonly edit: (note: NoteView, text: string) => void;
  readonly vote: (note: NoteView) => void;
  readonly retract: (note: NoteView) => void;
  readonly promote: (note: NoteView) => void;
}

/** What a card offers in the board's phase, for this reader. */
export interface CardControls {
  /** It may be moved and edited (not locked, not closed, not a viewer or auditor). */
  readonly open: boolean;
  /** The vote is open and the reader may place dots. */
  readonly voting: boolean;
  /** The facilitator may make it data (after the discussion began). */
  readonly promotable: boolean;
}

const CONTROLS = new Map<string, CardControls>();

/** The controls of a card on a board in `phase`: the same object for the same controls, so
 * the memoised cards are not rendered again for a phase change that changes none. */
export function cardControls(phase: BoardPhase, locked: boolean, readOnly: boolean, facilitator: boolean): CardControls {
  const open = !readOnly && !locked && phase !== 'closed';
  const voting = phase === 'voting' && !readOnly;
  const promotable = facilitator && (phase === 'discussion' || phase === 'closed');
  const key = `${open}/${voting}/${promotable}`;
  let controls = CONTROLS.get(key);
  if (!controls) {
    controls = { open, voting, promotable };
    CONTROLS.set(key, controls);
  }
  return controls;
}

export interface NoteCardProps {
  note: NoteView;
  controls: CardControls;
  me: string;
  /** The author's display name, where the board knows it (a name learnt for one author
   * renders that author's cards again, not every card). */
  authorName: string | undefined;
  slots: readonly ZoneSlot[];
  facilitator: boolean;
  /** The same object from render to render (the card is memoised). */
  actions: NoteActions;
  /** The language of its texts: a switch renders the card again. */
  language: Language;
}

/** Whether any of `next`'s props is another value or object than in `now`. */
export function propsChanged<P extends object>(next: P, now: P): boolean {
  return (Object.keys(next) as (keyof P)[]).some((key) => next[key] !== now[key]);
}

/** A note on the board, rendered again only when one of its props is another value or object
 * (preact/compat's `memo` would also switch on compat's global rewriting of events). */
export class NoteCard extends Component<NoteCardProps> {
  override shouldComponentUpdate(next: NoteCardProps): boolean {
    return propsChanged(next, this.props);
  }

  override render(props: NoteCardProps) {
    return <NoteCardBody {...props} />;
  }
}

function NoteCardBody({ note, controls, me, authorName, slots, facilitator, actions }: NoteCardProps) {
  const [editing, setEditing] = useState<string | null>(null);
  const [target, setTarget] = useState(zoneKey(note.zone));
  const [menuOpen, setMenuOpen] = useState(false);
  const { open, voting, promotable } = controls;
  const mine = note.author === me;
  const tags = zoneTags(note.zone);
  const headingId = `note-${note.note_id}`;

  return (
    <li
      class={`note${mine ? ' note-mine' : ''}`}
      style={{ '--note-colour': note.colour }}
      draggable={open}
      data-note-id={note.note_id}
      data-tags={tags.join(' ')}
      aria-labelledby={headingId}
      onDragStart={(event) => event.dataTransfer?.setData('text/plain', note.note_id)}
    >
      {editing === null ? (
        <p class="note-text" id={headingId}>{note.text}</p>
      ) : (
        <form
          class="note-edit"
          onSubmit={(event) => {
            event.preventDefault();
            if (editing.trim() !== '') actions.edit(note, editing.trim());
            setEditing(null);
          }}
        >
          <label>
            <span>{t('board.editLabel')}</span>
            <textarea id={headingId} rows={3} maxLength={1000} value={editing} onInput={(event) => setEditing(event.currentTarget.value)} />
          </label>
          <div class="dialog-buttons">
            <button type="button" class="secondary" onClick={() => setEditing(null)}>{t('board.cancel')}</button>
            <button type="submit">{t('board.save')}</button>
          </div>
        </form>
      )}
      {(mine || note.author) && (
        <p class="note-meta small">
          {mine ? t('board.mine') : t('board.by', { name: authorName ?? note.author ?? '' })}
        </p>
      )}
      {tags.length > 0 && <p class="note-tags small">{t('board.tags', { tags: zoneName(note.zone) })}</p>}
      {note.votes != null && <p class="note-votes">{votesText(note.votes)}</p>}
      {note.promoted_to && (
        <p class="note-promoted small">
          {note.promoted_to.kind === 'organisation' ? t('board.promotedOrganisation') : t('board.promotedPartnership')}
        </p>
      )}
      {voting && (
        <div class="note-dots">
          <span class="small">{t('board.myDots', { count: note.my_votes })}</span>
          <button type="button" disabled={!open} onClick={() => actions.vote(note)} aria-describedby={headingId}>
            {t('board.vote')}
          </button>
          {note.my_votes > 0 && (
            <button type="button" class="secondary" disabled={!open} onClick={() => actions.retract(note)} aria-describedby={headingId}>
              {t('board.retract')}
            </button>
          )}
        </div>
      )}
      {open && (
        <details class="note-menu" onToggle={(event) => {
            const opened = event.currentTarget.open;
            if (opened) setTarget(zoneKey(note.zone));
            setMenuOpen(opened);
          }}>
          <summary>
            {t('board.move')}
            {(mine || facilitator) && ` / ${t('board.edit')}`}
            <span class="visually-hidden">: {note.text}</span>
          </summary>
          {menuOpen && (
          <form
            class="note-move"
            onSubmit={(event) => {
              event.preventDefault();
              const slot = slots.find((candidate) => candidate.key === target);
              if (slot && slot.key !== zoneKey(note.zone)) actions.move(note, slot.zone);
              (event.currentTarget.closest('details') as HTMLDetailsElement | null)?.removeAttribute('open');
            }}
          >
            <label>
              <span>{t('board.moveTo')}</span>
              <select value={target} onChange={(event) => setTarget(event.currentTarget.value)}>
                {slots.map((slot) => (
                  <option key={slot.key} value={slot.key}>{zoneName(slot.zone)}</option>
                ))}
              </select>
            </label>
            <button type="submit">{t('board.move')}</button>
          </form>
          )}
          {(mine || facilitator) && editing === null && (
            <button type="button" class="secondary" onClick={() => setEditing(note.text)}>{t('board.edit')}</button>
          )}
        </details>
      )}
      {promotable && !note.promoted_to && (
        <button type="button" class="secondary" onClick={() => actions.promote(note)} aria-describedby={headingId}>
          {t('facilitator.promote')}
        </button>
      )}
    </li>
  );
}
