// A workspace's members and invites (`/w/<workspace>/members`, owners): each member's role,
// changed or taken away (`PUT`/`DELETE /members/<name>`); an invite link for a colleague with
// a role (`POST /member-invites`), shown once to copy; the invites with their state, open
// ones revocable.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiFailure } from '../store/http';
import type { Role } from '../store/views';
import type { CreatedMemberInvite, MemberInviteListing, MemberListing } from '../protocol/api';
import { errorSentence, isMessageKey, t } from '../i18n';

type Member = MemberListing;

type InviteListing = MemberInviteListing;

const MEMBER_ROLES: readonly Role[] = ['owner', 'editor', 'viewer', 'auditor'];

function roleWord(role: string): string {
  const key = `role.${role}`;
  return isMessageKey(key) ? t(key) : role;
}

export function MembersPage({ token, workspaceId, self }: { token: string; workspaceId: string; self: string }) {
  const base = `/api/workspaces/${encodeURIComponent(workspaceId)}`;
  const [members, setMembers] = useState<Member[] | null>(null);
  const [invites, setInvites] = useState<InviteListing[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [inviteRole, setInviteRole] = useState<Role>('editor');
  const [link, setLink] = useState<string | null>(null);

  const fail = (failure: unknown) => setError(errorSentence(failure instanceof ApiFailure ? failure.body : null));
  const load = async () => {
    try {
      const [memberList, inviteList] = await Promise.all([
        api<Member[]>(`${base}/members`, { token }),
        api<InviteListing[]>(`${base}/member-invites`, { token }),
      ]);
      setMembers([...memberList].sort((a, b) => a.account.localeCompare(b.account, 'da')));
      setInvites(inviteList);
    } catch (failure) {
      fail(failure);
    }
  };
  useEffect(() => {
    void load();
  }, [token, workspaceId]);

  const act = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
      await load();
    } catch (failure) {
      fail(failure);
    }
  };

  const createInvite = (event: Event) => {
    event.preventDefault();
    void act(async () => {
      const created = await api<CreatedMemberInvite>(`${base}/member-invites`, { token, body: { role: inviteRole } });
      setLink(`${location.origin}${created.link}`);
    });
  };

  return (
    <main id="main" class="members">
      <h1>{t('members.title')}</h1>
      {error && <p class="form-error" role="alert">{error}</p>}
      {members === null && !error && <p>{t('members.loading')}</p>}
      {members && (
        <table>
          <caption>{t('members.list', { count: members.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('members.account')}</th>
              <th scope="col">{t('members.role')}</th>
              <th scope="col"><span class="visually-hidden">{t('members.actions')}</span></th>
            </tr>
          </thead>
          <tbody>
            {members.map((member) => (
              <tr key={member.account} data-account={member.account}>
                <td>{member.account}</td>
                <td>
                  <select
                    aria-label={t('members.roleOf', { name: member.account })}
                    value={member.role}
                    disabled={member.account === self}
                    onChange={(event) => {
                      const role = event.currentTarget.value;
                      void act(() =>
                        api(`${base}/members/${encodeURIComponent(member.account)}`, { token, method: 'PUT', body: { role } }),
                      );
                    }}
                  >
                    {MEMBER_ROLES.map((role) => (
                      <option key={role} value={role}>{roleWord(role)}</option>
                    ))}
                  </select>
                </td>
                <td>
                  {member.account !== self && (
                    <button
                      type="button"
                      class="secondary"
                      onClick={() =>
                        void act(() =>
                          api(`${base}/members/${encodeURIComponent(member.account)}`, { token, method: 'DELETE' }),
                        )
                      }
                    >
                      {t('members.remove', { name: member.account })}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>{t('members.invite')}</h2>
      <p class="muted">{t('members.inviteIntro')}</p>
      <form class="invite-form" onSubmit={createInvite}>
        <label>
          {t('members.role')}
          <select name="role" value={inviteRole} onChange={(event) => setInviteRole(event.currentTarget.value as Role)}>
            {MEMBER_ROLES.map((role) => (
              <option key={role} value={role}>{roleWord(role)}</option>
            ))}
          </select>
        </label>
        <button type="submit">{t('members.createInvite')}</button>
      </form>
      {link && (
        <div class="invite-link" role="status">
          <label>
            {t('members.linkLabel')}
            <input readOnly value={link} name="invite-link" onFocus={(event) => event.currentTarget.select()} />
          </label>
          <button type="button" onClick={() => void navigator.clipboard?.writeText(link)}>
            {t('members.copy')}
          </button>
        </div>
      )}

      {invites.length > 0 && (
        <table>
          <caption>{t('members.invites')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('members.role')}</th>
              <th scope="col">{t('members.inviteState')}</th>
              <th scope="col">{t('members.expires')}</th>
              <th scope="col"><span class="visually-hidden">{t('members.actions')}</span></th>
            </tr>
          </thead>
          <tbody>
            {invites.map((invite) => (
              <tr key={invite.invite_id}>
                <td>{roleWord(invite.role)}</td>
                <td>
                  {invite.state === 'used' && invite.accepted_by
                    ? t('members.usedBy', { name: invite.accepted_by })
                    : t(`members.state.${invite.state}`)}
                </td>
                <td>{new Date(invite.expires_at).toLocaleString()}</td>
                <td>
                  {invite.state === 'open' && (
                    <button
                      type="button"
                      class="secondary"
                      onClick={() =>
                        void act(() => api(`${base}/member-invites/${invite.invite_id}`, { token, method: 'DELETE' }))
                      }
                    >
                      {t('members.revoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
