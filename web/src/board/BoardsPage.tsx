// `/w/<workspace>/boards`: the workspace's workshop boards, and a new board from a template
// (its creator facilitates it). Creating is a command like every change, through `send`.
import { useEffect, useState } from 'preact/hooks';
import type { BoardPhase, BoardTemplate } from '../protocol/command';
import { errorSentence, t } from '../i18n';
import { api, ApiFailure } from '../store/http';
import { uuidv4 } from '../store/ids';
import type { LiveConnection } from '../store/live';
import { sendAndTell } from '../map/send';
import { navigate } from '../ui/router';
import { boardPath } from './guest';
import { phaseName } from './words';

interface BoardEntry {
  readonly board_id: string;
  readonly title: string;
  readonly template: BoardTemplate;
  readonly phase: BoardPhase;
  readonly notes: number;
}

const TEMPLATES: readonly BoardTemplate[] = ['rooms_by_goals', 'network_circle', 'age_groups', 'free'];

export function BoardsPage({ workspaceId, token, live }: { workspaceId: string; token: string; live: LiveConnection }) {
  const [boards, setBoards] = useState<readonly BoardEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const [template, setTemplate] = useState<BoardTemplate>('rooms_by_goals');
  const [budget, setBudget] = useState(5);

  useEffect(() => {
    api<BoardEntry[]>(`/api/workspaces/${encodeURIComponent(workspaceId)}/boards`, { token })
      .then(setBoards)
      .catch((failure: unknown) => setError(errorSentence(failure instanceof ApiFailure ? failure.body : null)));
  }, [workspaceId, token]);

  const create = async (event: Event) => {
    event.preventDefault();
    if (title.trim() === '') {
      setError(t('error.emptyName'));
      return;
    }
    setError(null);
    const boardId = uuidv4();
    const outcome = await sendAndTell(
      { send: (command) => live.send(workspaceId, command) },
      { type: 'CreateBoard', board_id: boardId, title: title.trim(), template, vote_budget: budget },
      () => t('boards.created', { title: title.trim() }),
    );
    if (outcome.kind === 'ack') navigate(boardPath(workspaceId, boardId));
  };

  return (
    <main id="main" class="boards">
      <h1>{t('boards.title')}</h1>
      {error && <p class="form-error" role="alert">{error}</p>}
      {boards && boards.length === 0 && <p>{t('boards.none')}</p>}
      {boards && boards.length > 0 && (
        <ul class="board-list">
          {boards.map((board) => (
            <li key={board.board_id}>
              <a
                href={boardPath(workspaceId, board.board_id)}
                onClick={(event) => { event.preventDefault(); navigate(boardPath(workspaceId, board.board_id)); }}
              >
                {board.title}
              </a>{' '}
              <span class="muted">
                {t(`template.${board.template}`)} · {phaseName(board.phase)} · {t('boards.notes', { count: board.notes })}
              </span>
            </li>
          ))}
        </ul>
      )}
      <form class="new-board" onSubmit={(event) => void create(event)}>
        <h2>{t('boards.new')}</h2>
        <label>
          <span>{t('boards.titleField')}</span>
          <input name="title" maxLength={200} value={title} onInput={(event) => setTitle(event.currentTarget.value)} />
        </label>
        <label>
          <span>{t('boards.template')}</span>
          <select name="template" value={template} onChange={(event) => setTemplate(event.currentTarget.value as BoardTemplate)}>
            {TEMPLATES.map((value) => (
              <option key={value} value={value}>{t(`template.${value}`)}</option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('boards.budget')}</span>
          <input
            name="vote_budget"
            type="number"
            min={1}
            max={50}
            value={budget}
            onInput={(event) => setBudget(Math.max(1, Math.min(50, Number(event.currentTarget.value) || 1)))}
          />
        </label>
        <button type="submit">{t('boards.create')}</button>
      </form>
    </main>
  );
}
