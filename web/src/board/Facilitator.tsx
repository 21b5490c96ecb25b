// The facilitator's tools (the board's creator, or whom it was handed to): move the group to
// the next phase (choosing whether it is anonymous; opening the vote with its dots each and a
// cap per note; or skipping the vote), bring everyone to the zone in view, hand the
// facilitation to a member on the board, lock and unlock the board, start and stop a countdown, make and
// withdraw the link guests join with, and make a note data (an organisation on the network
// map, or a partnership idea) after the discussion.
import { useState } from 'preact/hooks';
import type { BoardPhase, Sector } from '../protocol/command';
import { errorSentence, t } from '../i18n';
import { api, ApiFailure } from '../store/http';
import { uuidv4 } from '../store/ids';
import { sendAndTell } from '../map/send';
import { notify } from '../ui/notices';
import { personName } from './BoardPresence';
import { nextPhases, type BoardShell, type NoteView } from './model';
import type { BoardStore, GuestInvite } from './store';
import { phaseName } from './words';

export function FacilitatorTools({
  store,
  board: view,
  token,
}: {
  store: BoardStore;
  /** The board without its notes: the tools are not rendered again for a note's event. */
  board: BoardShell;
  token: string;
}) {
  // Those on the board now (the facilitation may be handed to a member among them).
  const others = store.others.value;
  const [next, skipTo] = nextPhases(view.phase);
  // Anonymous by default where it matters (writing, voting), as the server's default.
  const [choice, setChoice] = useState<{ readonly phase: BoardPhase; readonly anonymous: boolean } | null>(null);
  const anonymous = next && choice?.phase === next ? choice.anonymous : next === 'writing' || next === 'voting';
  const [minutes, setMinutes] = useState(5);
  // The vote's rules, chosen when it opens: dots each (default the board's) and a cap per note.
  const [budget, setBudget] = useState<number | null>(null);
  const [cap, setCap] = useState('');
  const [handTo, setHandTo] = useState('');
  const invite = store.guestInvite.value;
  const setInvite = (made: GuestInvite | null) => {
    store.guestInvite.value = made;
  };
  const [error, setError] = useState<string | null>(null);
  const workspace = `/api/workspaces/${encodeURIComponent(store.workspaceId)}`;

  const advance = () => {
    if (!next) return;
    const rules =
      next === 'voting'
        ? { ...(budget !== null && budget !== view.vote_budget ? { vote_budget: budget } : {}), ...(cap.trim() !== '' ? { note_cap: Number(cap) } : {}) }
        : {};
    void sendAndTell(store, { type: 'AdvanceBoardPhase', board_id: view.board_id, to: next, anonymous, ...rules }, () =>
      t('facilitator.phaseChanged', { phase: phaseName(next) }),
    );
  };

  const skipVote = () => {
    if (!skipTo) return;
    void sendAndTell(store, { type: 'AdvanceBoardPhase', board_id: view.board_id, to: skipTo, anonymous: false }, () =>
      t('facilitator.voteSkipped'),
    );
  };

  // The zone at the middle of the facilitator's screen, else the top of the board.
  const bringEveryone = () => {
    const middle = document.elementFromPoint(window.innerWidth / 2, window.innerHeight / 2);
    const key = middle?.closest<HTMLElement>('.zone')?.dataset.zone;
    const zone = store.grid.peek()?.slots.find((slot) => slot.key === key)?.zone ?? null;
    if (store.summon(zone)) notify(() => t('facilitator.broughtHere'));
    else setError(t('facilitator.offline'));
  };

  // Members on the board now (guests cannot facilitate), each once.
  const names = view.display_names ?? {};
  const members = [...new Set(others.map((other) => other.actor))].filter(
    (actor) => actor !== store.me && !actor.startsWith('guest:') && !actor.startsWith('token:'),
  );
  const hand = (event: Event) => {
    event.preventDefault();
    const to = handTo.trim();
    if (to === '') return;
    void sendAndTell(store, { type: 'HandFacilitation', board_id: view.board_id, to }, () =>
      t('facilitator.handed', { name: personName(to, names) }),
    ).then((outcome) => {
      if (outcome.kind === 'ack') setHandTo('');
    });
  };

  const makeInvite = async () => {
    setError(null);
    try {
      const made = await api<GuestInvite>(`${workspace}/boards/${encodeURIComponent(view.board_id)}/invites`, {
        token,
        body: { label: view.title.slice(0, 60) },
      });
      setInvite(made);
    } catch (failure) {
      setError(errorSentence(failure instanceof ApiFailure ? failure.body : null));
    }
  };

  const withdrawInvite = async () => {
    if (!invite) return;
    setError(null);
    try {
      await api(`${workspace}/tokens/${encodeURIComponent(invite.token_id)}`, { token, method: 'DELETE' });
      setInvite(null);
      notify(() => t('facilitator.revoked'));
    } catch (failure) {
      setError(errorSentence(failure instanceof ApiFailure ? failure.body : null));
    }
  };

  return (
    <section class="facilitator" aria-labelledby="facilitator-title">
      <h2 id="facilitator-title">{t('facilitator.title')}</h2>
      {error && <p class="form-error" role="alert">{error}</p>}
      {next && next === 'voting' && (
        <div class="tool-row vote-rules">
          <label>
            <span>{t('facilitator.voteBudget')}</span>
            <input
              type="number"
              name="vote_budget"
              min={1}
              max={50}
              value={budget ?? view.vote_budget}
              onInput={(event) => setBudget(Math.max(1, Math.min(50, Number(event.currentTarget.value) || 1)))}
            />
          </label>
          <label>
            <span>{t('facilitator.noteCap')}</span>
            <input type="number" name="note_cap" min={1} max={50} placeholder={t('facilitator.noCap')} value={cap} onInput={(event) => setCap(event.currentTarget.value)} />
          </label>
        </div>
      )}
      {next && (
        <div class="tool-row">
          <button type="button" onClick={advance}>{t('facilitator.next', { phase: phaseName(next) })}</button>
          <label class="inline">
            <input type="checkbox" checked={anonymous} onChange={(event) => setChoice({ phase: next, anonymous: event.currentTarget.checked })} />
            <span>{t('facilitator.anonymous')}</span>
          </label>
        </div>
      )}
      {skipTo && (
        <div class="tool-row">
          <button type="button" class="secondary" onClick={skipVote}>{t('facilitator.skipVote')}</button>
        </div>
      )}
      <div class="tool-row">
        <button type="button" class="secondary" onClick={bringEveryone} data-testid="bring-everyone">{t('facilitator.bringEveryone')}</button>
      </div>
      <div class="tool-row">
        <button
          type="button"
          class="secondary"
          onClick={() =>
            void sendAndTell(
              store,
              { type: view.locked ? 'UnlockBoard' : 'LockBoard', board_id: view.board_id },
              () => (view.locked ? t('facilitator.unlockedDone') : t('facilitator.lockedDone')),
            )
          }
        >
          {view.locked ? t('facilitator.unlock') : t('facilitator.lock')}
        </button>
      </div>
      <form
        class="tool-row"
        onSubmit={(event) => {
          event.preventDefault();
          void sendAndTell(
            store,
            { type: 'StartBoardTimer', board_id: view.board_id, seconds: Math.round(minutes * 60) },
            () => t('facilitator.timerStarted'),
          );
        }}
      >
        <label>
          <span>{t('facilitator.minutes')}</span>
          <input
            type="number"
            name="minutes"
            min={1}
            max={240}
            value={minutes}
            onInput={(event) => setMinutes(Math.max(1, Math.min(240, Number(event.currentTarget.value) || 1)))}
          />
        </label>
        <button type="submit">{t('facilitator.startTimer')}</button>
        {view.timer_ends_at && (
          <button
            type="button"
            class="secondary"
            onClick={() => void sendAndTell(store, { type: 'StopBoardTimer', board_id: view.board_id }, () => t('facilitator.timerStopped'))}
          >
            {t('facilitator.stopTimer')}
          </button>
        )}
      </form>
      <form class="tool-row hand-over" onSubmit={hand}>
        <label>
          <span>{t('facilitator.handTo')}</span>
          <input name="hand_to" list="board-members-here" value={handTo} placeholder={t('facilitator.handToHint')} onInput={(event) => setHandTo(event.currentTarget.value)} />
          <datalist id="board-members-here">
            {members.map((actor) => (
              <option key={actor} value={actor}>{personName(actor, names, others.find((other) => other.actor === actor))}</option>
            ))}
          </datalist>
        </label>
        <button type="submit" class="secondary">{t('facilitator.hand')}</button>
      </form>
      <div class="tool-row invite-tools">
        {invite ? (
          <>
            <label>
              <span>{t('facilitator.inviteLink')}</span>
              <input readOnly value={`${location.origin}${invite.link}`} onFocus={(event) => event.currentTarget.select()} />
            </label>
            <button type="button" class="secondary" onClick={() => void withdrawInvite()}>{t('facilitator.revoke')}</button>
          </>
        ) : (
          <button type="button" class="secondary" onClick={() => void makeInvite()}>{t('facilitator.invite')}</button>
        )}
      </div>
    </section>
  );
}

/** Making a note data: an organisation (with its sector) or a partnership idea; it carries
 * the note's zone as tags and its dots as priority (the server does that). */
export function PromoteForm({ store, note, onDone }: { store: BoardStore; note: NoteView; onDone: () => void }) {
  const [becomes, setBecomes] = useState<'organisation' | 'partnership_idea'>('organisation');
  const [name, setName] = useState(note.text.slice(0, 200));
  const [sector, setSector] = useState<Sector>('civil_society');

  const submit = (event: Event) => {
    event.preventDefault();
    const to =
      becomes === 'organisation'
        ? { becomes, organisation_id: uuidv4(), name: name.trim() || null, sector }
        : { becomes, partnership_id: uuidv4(), title: name.trim() || null };
    void sendAndTell(store, { type: 'PromoteNote', board_id: store.boardId, note_id: note.note_id, to }, () =>
      t('facilitator.promoted', { name: name.trim() || note.text }),
    ).then((outcome) => {
      if (outcome.kind === 'ack') onDone();
    });
  };

  return (
    <form class="promote-form" role="dialog" aria-labelledby="promote-title" onSubmit={submit}>
      <h2 id="promote-title">{t('facilitator.promoteTitle')}</h2>
      <p class="muted">{note.text}</p>
      <label>
        <span>{t('facilitator.becomes')}</span>
        <select name="becomes" value={becomes} onChange={(event) => setBecomes(event.currentTarget.value as typeof becomes)}>
          <option value="organisation">{t('facilitator.organisation')}</option>
          <option value="partnership_idea">{t('facilitator.partnershipIdea')}</option>
        </select>
      </label>
      <label>
        <span>{t('facilitator.name')}</span>
        <input name="name" maxLength={200} value={name} onInput={(event) => setName(event.currentTarget.value)} />
      </label>
      {becomes === 'organisation' && (
        <label>
          <span>{t('field.sector')}</span>
          <select name="sector" value={sector} onChange={(event) => setSector(event.currentTarget.value as Sector)}>
            {(['public', 'private', 'civil_society'] as const).map((value) => (
              <option key={value} value={value}>{t(`sector.${value}`)}</option>
            ))}
          </select>
        </label>
      )}
      <div class="dialog-buttons">
        <button type="button" class="secondary" onClick={onDone}>{t('board.cancel')}</button>
        <button type="submit">{t('facilitator.promoteSubmit')}</button>
      </div>
    </form>
  );
}
