// `/w/<workspace>/assets`: the library's assets list ("Vi kan – Vil du?") kept in the app:
// each asset by category with its contact among the staff, added, rewritten and removed by
// owners and editors through `send` (a rejection is said with its reason); viewers and
// auditors read it without edit controls. The list follows the workspace's events over the
// websocket (a colleague's edit shows at once: the views are loaded again, debounced). Owners also make and close the share links that
// open the list to potential partners on the public page (`PublicAssetsPage`).
import { useEffect, useState } from 'preact/hooks';
import type { Command } from '../protocol/command';
import { errorSentence, t } from '../i18n';
import { EventCursor } from '../store/cursor';
import { api, ApiFailure } from '../store/http';
import { uuidv4 } from '../store/ids';
import type { LiveConnection } from '../store/live';
import type { NetworkView, WorkspaceSummary } from '../store/views';
import { notify } from '../ui/notices';
import { byCategory, CATEGORIES, editCommands, type Asset, type AssetDraft, type Colleague } from './model';
import { ShareLinks } from './ShareLinks';
import './assets.css';

const WRITERS = new Set(['owner', 'editor']);
const REFRESH_DEBOUNCE_MS = 200;
const EMPTY: AssetDraft = { category: 'facilities', title: '', description: '', contact_staff_id: null };

export function AssetsPage({ workspaceId, token, live }: { workspaceId: string; token: string; live: LiveConnection }) {
  const base = `/api/workspaces/${encodeURIComponent(workspaceId)}`;
  const [summary, setSummary] = useState<WorkspaceSummary | null>(null);
  const [assets, setAssets] = useState<Readonly<Record<string, Asset>> | null>(null);
  const [colleagues, setColleagues] = useState<readonly Colleague[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);

  const load = async () => {
    try {
      const [workspace, list, network] = await Promise.all([
        api<WorkspaceSummary>(base, { token }),
        api<Record<string, Asset>>(`${base}/assets`, { token }),
        api<NetworkView>(`${base}/network`, { token }),
      ]);
      setSummary(workspace);
      setAssets(list);
      setColleagues(
        network.nodes
          .filter((node) => node.kind === 'staff')
          .map((node) => ({ id: node.id, name: node.label, team: node.team ?? '' }))
          .sort((a, b) => a.name.localeCompare(b.name, 'da')),
      );
      setError(null);
    } catch (failure) {
      setError(errorSentence(failure instanceof ApiFailure ? failure.body : null));
    }
  };
  useEffect(() => {
    void load();
  }, [workspaceId, token]);

  // Follow the workspace's events once its id is known (the address may be its slug).
  const workspace = summary?.workspace_id ?? null;
  useEffect(() => {
    if (workspace === null) return undefined;
    const cursor = new EventCursor();
    cursor.viewLoaded(summary?.position ?? 0);
    let timer: ReturnType<typeof setTimeout> | null = null;
    const unwatch = live.watch(workspace, cursor, () => {
      if (timer !== null) return;
      timer = setTimeout(() => {
        timer = null;
        void load();
      }, REFRESH_DEBOUNCE_MS);
    });
    return () => {
      if (timer !== null) clearTimeout(timer);
      unwatch();
    };
  }, [workspace, live]);

  // The workspace's id for commands: the address may be its slug.
  const id = summary?.workspace_id ?? workspaceId;
  // An edit may take two commands (the text, the contact): one notice for all of them, or
  // the reason of the first refusal.
  const send = async (commands: readonly Command[], done: () => string) => {
    for (const command of commands) {
      const outcome = await live.send(id, command);
      if (outcome.kind !== 'ack') {
        notify(() => t('command.rejected', { reason: errorSentence(outcome.error) }), 'error');
        return false;
      }
    }
    if (commands.length > 0) notify(done);
    await load();
    return true;
  };

  const canEdit = summary !== null && WRITERS.has(summary.role);
  const entries = assets ? Object.entries(assets).map(([assetId, asset]) => ({ assetId, ...asset })) : [];
  const nameOf = (staffId: string | null) => colleagues.find((colleague) => colleague.id === staffId);

  return (
    <main id="main" class="assets-page">
      <h1>{t('assets.title')}</h1>
      <p class="muted">{t('assets.intro')}</p>
      {error && <p class="form-error" role="alert">{error}</p>}
      {assets === null && !error && <p>{t('assets.loading')}</p>}
      {summary && !canEdit && <p class="muted">{t('assets.readOnly')}</p>}
      {assets && entries.length === 0 && <p>{t('assets.none')}</p>}
      {byCategory(entries).map((group) => (
        <section key={group.category} class="asset-group">
          <h2>{t(`assetCategory.${group.category}`)}</h2>
          <ul class="asset-list">
            {group.items.map((asset) =>
              editing === asset.assetId ? (
                <li key={asset.assetId} data-asset={asset.assetId}>
                  <AssetForm
                    legend={t('assets.editing', { title: asset.title })}
                    initial={asset}
                    colleagues={colleagues}
                    submit={t('assets.save')}
                    onCancel={() => setEditing(null)}
                    onSubmit={async (draft) => {
                      const commands = editCommands(asset.assetId, asset, draft);
                      if (await send(commands, () => t('assets.saved', { title: draft.title.trim() }))) setEditing(null);
                    }}
                  />
                </li>
              ) : (
                <li key={asset.assetId} data-asset={asset.assetId} class="asset">
                  <h3>{asset.title}</h3>
                  {asset.description && <p>{asset.description}</p>}
                  <p class="asset-contact">
                    {t('assets.contact')}: {contactWords(nameOf(asset.contact_staff_id))}
                  </p>
                  {canEdit && (
                    <p class="asset-actions">
                      <button type="button" class="secondary" onClick={() => setEditing(asset.assetId)}>
                        {t('assets.edit')}
                        <span class="visually-hidden"> {asset.title}</span>
                      </button>
                      <button
                        type="button"
                        class="secondary"
                        aria-label={t('assets.removeNamed', { title: asset.title })}
                        onClick={() =>
                          void send([{ type: 'RemoveAsset', asset_id: asset.assetId, reason: '' }], () =>
                            t('assets.removed', { title: asset.title }),
                          )
                        }
                      >
                        {t('assets.remove')}
                      </button>
                    </p>
                  )}
                </li>
              ),
            )}
          </ul>
        </section>
      ))}
      {canEdit && (
        <AssetForm
          legend={t('assets.new')}
          initial={EMPTY}
          colleagues={colleagues}
          submit={t('assets.add')}
          resetOnSubmit
          onSubmit={async (draft) => {
            const title = draft.title.trim();
            return send(
              [
                {
                  type: 'AddAsset',
                  asset_id: uuidv4(),
                  category: draft.category,
                  title,
                  description: draft.description.trim(),
                  contact_staff_id: draft.contact_staff_id,
                },
              ],
              () => t('assets.added', { title }),
            );
          }}
        />
      )}
      {summary?.role === 'owner' && <ShareLinks base={base} token={token} />}
    </main>
  );
}

/** A contact as the list says it: name (team), or that there is none. */
function contactWords(colleague: Colleague | undefined): string {
  if (!colleague) return t('assets.noContact');
  return colleague.team ? `${colleague.name} (${colleague.team})` : colleague.name;
}

function AssetForm({
  legend,
  initial,
  colleagues,
  submit,
  onSubmit,
  onCancel,
  resetOnSubmit = false,
}: {
  legend: string;
  initial: AssetDraft;
  colleagues: readonly Colleague[];
  submit: string;
  onSubmit: (draft: AssetDraft) => Promise<unknown>;
  onCancel?: () => void;
  resetOnSubmit?: boolean;
}) {
  const [draft, setDraft] = useState<AssetDraft>(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const change = (next: Partial<AssetDraft>) => setDraft({ ...draft, ...next });
  return (
    <form
      class="asset-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (draft.title.trim() === '') {
          setProblem(t('assets.emptyTitle'));
          return;
        }
        setProblem(null);
        void onSubmit(draft).then((ok) => {
          if (resetOnSubmit && ok !== false) setDraft(initial);
        });
      }}
    >
      <fieldset>
        <legend>{legend}</legend>
        {problem && <p class="form-error" role="alert">{problem}</p>}
        <label>
          <span>{t('assets.category')}</span>
          <select name="category" value={draft.category} onChange={(event) => change({ category: event.currentTarget.value as AssetDraft['category'] })}>
            {CATEGORIES.map((category) => (
              <option key={category} value={category}>{t(`assetCategory.${category}`)}</option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('assets.titleField')}</span>
          <input name="title" maxLength={200} value={draft.title} onInput={(event) => change({ title: event.currentTarget.value })} />
        </label>
        <label>
          <span>{t('assets.description')}</span>
          <textarea name="description" rows={3} value={draft.description} onInput={(event) => change({ description: event.currentTarget.value })} />
        </label>
        <label>
          <span>{t('assets.contact')}</span>
          <select
            name="contact"
            value={draft.contact_staff_id ?? ''}
            onChange={(event) => change({ contact_staff_id: event.currentTarget.value === '' ? null : event.currentTarget.value })}
          >
            <option value="">{t('assets.noContact')}</option>
            {colleagues.map((colleague) => (
              <option key={colleague.id} value={colleague.id}>
                {contactWords(colleague)}
              </option>
            ))}
          </select>
        </label>
        <p class="asset-actions">
          <button type="submit">{submit}</button>
          {onCancel && (
            <button type="button" class="secondary" onClick={onCancel}>
              {t('assets.cancel')}
            </button>
          )}
        </p>
      </fieldset>
    </form>
  );
}
