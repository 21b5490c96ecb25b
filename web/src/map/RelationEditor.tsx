// Editing the selected organisation's relation, for editors and owners: link a colleague as
// contact holder with topics (`AssignContactHolder`), remove one (`RemoveContactHolder`),
// move the relation along the network circle or end it, each with a reason asked for in a
// dialog (`ChangeRelationLevel`, `to: null` ends it). Every action is a button or a form, so
// it works from the keyboard; every command goes through `sendAndTell`, so a refusal is shown
// with its reason.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Level } from '../protocol/command';
import type { NetworkNode, NetworkView } from '../store/views';
import type { WorkspaceStore } from '../store/workspace';
import { t } from '../i18n';
import { LEVELS } from '../vocabulary';
import { levelLabel } from './labels';
import { sendAndTell } from './send';

/** Topics typed as one line: split on commas, trimmed, empty ones dropped, each once. */
export function parseTopics(text: string): string[] {
  return [...new Set(text.split(',').map((topic) => topic.trim()).filter((topic) => topic !== ''))];
}

export function RelationEditor({ store, view, organisation }: { store: WorkspaceStore; view: NetworkView; organisation: NetworkNode }) {
  const [dialog, setDialog] = useState<'move' | 'end' | null>(null);
  const names = new Map(view.nodes.map((node) => [node.id, node.label]));
  const holders = view.edges.filter((edge) => edge.kind === 'knows' && edge.target === organisation.id);
  const current = organisation.level ? levelLabel(organisation.level) : t('level.none');

  return (
    <section class="relation-editor" aria-labelledby="relation-title" data-testid="relation-editor">
      <h3 id="relation-title">{t('relation.title')}</h3>
      <p>{t('relation.current', { level: current })}</p>
      <div class="relation-actions">
        <button type="button" class="secondary" onClick={() => setDialog('move')}>
          {t('relation.move')}
        </button>
        {organisation.level && (
          <button type="button" class="secondary" onClick={() => setDialog('end')}>
            {t('relation.end')}
          </button>
        )}
      </div>
      {holders.length > 0 && (
        <>
          <h3>{t('field.holders')}</h3>
          <ul class="holders">
            {holders.map((edge) => {
              const staff = names.get(edge.source) ?? edge.source;
              return (
                <li key={edge.source}>
                  <span>
                    {staff}
                    {edge.topics && edge.topics.length > 0 && <span class="muted"> ({edge.topics.join(', ')})</span>}
                  </span>
                  <button
                    type="button"
                    class="link"
                    onClick={() =>
                      void sendAndTell(
                        store,
                        { type: 'RemoveContactHolder', organisation_id: organisation.id, staff_id: edge.source },
                        () => t('relation.unlinked', { staff, organisation: organisation.label }),
                      )
                    }
                  >
                    {t('relation.unlink', { staff })}
                  </button>
                </li>
              );
            })}
          </ul>
        </>
      )}
      <LinkColleague store={store} view={view} organisation={organisation} />
      {dialog && (
        <LevelDialog
          store={store}
          organisation={organisation}
          ending={dialog === 'end'}
          onClose={() => setDialog(null)}
        />
      )}
    </section>
  );
}

function LinkColleague({ store, view, organisation }: { store: WorkspaceStore; view: NetworkView; organisation: NetworkNode }) {
  const [staffId, setStaffId] = useState('');
  const [topics, setTopics] = useState('');
  const [error, setError] = useState<string | null>(null);
  const staff = view.nodes.filter((node) => node.kind === 'staff');

  const submit = (event: Event) => {
    event.preventDefault();
    const colleague = staff.find((node) => node.id === staffId);
    if (!colleague) {
      setError(t('relation.staffMissing'));
      return;
    }
    setError(null);
    setTopics('');
    void sendAndTell(
      store,
      { type: 'AssignContactHolder', organisation_id: organisation.id, staff_id: colleague.id, topics: parseTopics(topics) },
      () => t('relation.linked', { staff: colleague.label, organisation: organisation.label }),
    );
  };

  return (
    <form class="link-colleague" onSubmit={submit} aria-labelledby="link-title">
      <h3 id="link-title">{t('relation.link')}</h3>
      <label>
        {t('relation.linkStaff')}
        <select name="staff" value={staffId} onChange={(e) => setStaffId(e.currentTarget.value)}>
          <option value="">–</option>
          {staff.map((node) => (
            <option key={node.id} value={node.id}>
              {node.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('relation.linkTopics')}
        <input name="topics" value={topics} onInput={(e) => setTopics(e.currentTarget.value)} />
      </label>
      {error && <p class="form-error" role="alert">{error}</p>}
      <button type="submit">{t('relation.linkSubmit')}</button>
    </form>
  );
}

/** The modal dialog that asks where to and why (moving) or only why (ending). */
function LevelDialog({
  store,
  organisation,
  ending,
  onClose,
}: {
  store: WorkspaceStore;
  organisation: NetworkNode;
  ending: boolean;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const firstLevel = LEVELS.find((level) => level !== organisation.level) ?? 'network';
  const [to, setTo] = useState<Level>(firstLevel);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);

  const submit = (event: Event) => {
    event.preventDefault();
    const why = reason.trim();
    if (why === '') {
      setError(t('relation.reasonMissing'));
      return;
    }
    const name = organisation.label;
    void sendAndTell(
      store,
      { type: 'ChangeRelationLevel', organisation_id: organisation.id, to: ending ? null : to, reason: why },
      ending ? () => t('relation.ended', { organisation: name }) : () => t('relation.moved', { organisation: name, level: levelLabel(to) }),
    );
    onClose();
  };

  const title = ending ? t('relation.endTitle', { organisation: organisation.label }) : t('relation.moveTitle', { organisation: organisation.label });
  return (
    <dialog ref={dialog} class="level-dialog" aria-labelledby="level-dialog-title" onClose={onClose} onCancel={onClose}>
      <form onSubmit={submit}>
        <h2 id="level-dialog-title">{title}</h2>
        {!ending && (
          <label>
            {t('relation.to')}
            <select name="to" value={to} onChange={(e) => setTo(e.currentTarget.value as Level)}>
              {LEVELS.map((level) => (
                <option key={level} value={level}>
                  {levelLabel(level)}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          {t('relation.reason')}
          <textarea name="reason" rows={3} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </label>
        {error && <p class="form-error" role="alert">{error}</p>}
        <div class="dialog-buttons">
          <button type="button" class="secondary" onClick={onClose}>
            {t('relation.cancel')}
          </button>
          <button type="submit">{t('relation.save')}</button>
        </div>
      </form>
    </dialog>
  );
}
