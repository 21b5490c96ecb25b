//! Member invites: an owner invites a colleague to a workspace with a role
//! (`phm_<id>_<secret>`), single use, until it expires, revocable; accepting it makes a new
//! account (or a logged-in one) a member in one append, so it is used at most once.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::members::{check_name, name_taken};
use super::principal::role_word;
use super::{hash_secret, random_hex, AccessError, Accounts, InviteProblem, Principal};
use crate::accounts::{AccountEvent, MemberInvite, Role};

/// How long a member invite works unless its owner says otherwise.
pub const MEMBER_INVITE_HOURS: u32 = 72;

impl Accounts {
    /// Invites a colleague to become a member of `workspace_id` with `role`: single use,
    /// until `expires_at`, revocable. Returns its id and its text (`phm_<id>_<secret>`),
    /// shown once and never stored (only the BLAKE3 hash of the secret is).
    ///
    /// # Errors
    /// The guest role (guests come by board invites), store failures.
    pub async fn invite_member(
        &self,
        actor: &str,
        workspace_id: Uuid,
        role: Role,
        expires_at: DateTime<Utc>,
    ) -> Result<(Uuid, String), AccessError> {
        if role == Role::Guest {
            return Err(AccessError::InvalidInput(
                "guests join one board through a workshop invite; a member invite gives owner, editor, viewer or auditor".into(),
            ));
        }
        let invite_id = Uuid::new_v4();
        let secret = random_hex(32);
        let issued = AccountEvent::MemberInviteIssued {
            invite_id,
            workspace_id,
            role,
            secret_hash: hash_secret(&secret),
            expires_at,
        };
        self.change(actor, |_| Ok(vec![issued.clone()])).await?;
        Ok((invite_id, format!("phm_{}_{secret}", invite_id.simple())))
    }

    /// Revokes a member invite of a workspace that was not used yet.
    ///
    /// # Errors
    /// Unknown or used invite, store failures.
    pub async fn revoke_member_invite(
        &self,
        actor: &str,
        workspace_id: Uuid,
        invite_id: Uuid,
    ) -> Result<(), AccessError> {
        self.change(actor, |state| {
            let invite = state
                .member_invites
                .get(&invite_id)
                .filter(|invite| invite.workspace_id == workspace_id)
                .ok_or_else(|| {
                    AccessError::NotFound(format!("no member invite {invite_id} in this workspace"))
                })?;
            if invite.accepted_by.is_some() {
                return Err(AccessError::Invite(InviteProblem::Used));
            }
            if invite.revoked {
                return Ok(Vec::new());
            }
            Ok(vec![AccountEvent::MemberInviteRevoked { invite_id }])
        })
        .await
    }

    /// The member invites of a workspace, newest first.
    pub fn member_invites_of(&self, workspace_id: Uuid) -> Vec<MemberInviteListing> {
        let now = Utc::now();
        let mut invites: Vec<MemberInviteListing> = self.projections.accounts(|state| {
            state
                .member_invites
                .values()
                .filter(|invite| invite.workspace_id == workspace_id)
                .map(|invite| MemberInviteListing {
                    invite_id: invite.invite_id,
                    role: invite.role,
                    issued_at: invite.issued_at,
                    expires_at: invite.expires_at,
                    state: match invite_problem(invite, now) {
                        None => MemberInviteState::Open,
                        Some(InviteProblem::Used) => MemberInviteState::Used,
                        Some(InviteProblem::Revoked) => MemberInviteState::Revoked,
                        Some(_) => MemberInviteState::Expired,
                    },
                    accepted_by: invite
                        .accepted_by
                        .and_then(|id| state.accounts.get(&id))
                        .map(|account| account.name.clone()),
                })
                .collect()
        });
        invites.sort_by_key(|invite| std::cmp::Reverse(invite.issued_at));
        invites
    }

    /// The member invite `text` (`phm_<id>_<secret>`) names, if its secret matches.
    async fn member_invite(&self, text: &str) -> Result<MemberInvite, AccessError> {
        self.presented(
            text.trim(),
            "phm_",
            |state, invite_id| state.member_invites.get(&invite_id).cloned(),
            |invite: &MemberInvite| &invite.secret_hash,
        )
        .await
        .map_err(|refused| refused.or_else(|_| AccessError::Invite(InviteProblem::Unknown)))
    }

    /// Accepts a member invite: `joiner` (a new account, or an existing one logged in with
    /// its password) becomes a member with the invite's role. The account (if new), the role
    /// and the invite's use are one append to the log, so an invite is used at most once,
    /// on every node. Returns the account's name, a login session when the account is new,
    /// the workspace and the role.
    ///
    /// # Errors
    /// [`AccessError::Invite`] for an unknown, used, revoked or expired invite; a taken name
    /// or one that breaks the rule; a password that breaks its rule; [`AccessError::Conflict`]
    /// when the account is a member of the workspace already; store failures.
    pub async fn accept_member_invite(
        &self,
        text: &str,
        joiner: Joiner<'_>,
    ) -> Result<AcceptedInvite, AccessError> {
        let invite = self.member_invite(text).await?;
        if let Some(problem) = invite_problem(&invite, Utc::now()) {
            return Err(AccessError::Invite(problem));
        }
        let (account_id, name, new_account) = match joiner {
            Joiner::NewAccount { name, password } => {
                let name = name.trim();
                check_name(name)?;
                if self
                    .projections
                    .accounts(|state| state.account_named(name).is_some())
                {
                    return Err(name_taken(name));
                }
                let password_hash = self.hash_new_password(password).await?;
                let account_id = Uuid::new_v4();
                let created = AccountEvent::AccountCreated {
                    account_id,
                    name: name.to_owned(),
                    password_hash,
                };
                (account_id, name.to_owned(), Some(created))
            }
            Joiner::Existing(principal) => {
                let account_id = principal
                    .account_id
                    .filter(|_| principal.session.is_some())
                    .ok_or_else(|| {
                        AccessError::Forbidden(
                            "accept an invite logged in with your password, not with an API token"
                                .into(),
                        )
                    })?;
                (account_id, principal.actor.clone(), None)
            }
        };
        let invite_id = invite.invite_id;
        let workspace_id = invite.workspace_id;
        let role = invite.role;
        self.change(&name, |state| {
            let current = state
                .member_invites
                .get(&invite_id)
                .ok_or(AccessError::Invite(InviteProblem::Unknown))?;
            if let Some(problem) = invite_problem(current, Utc::now()) {
                return Err(AccessError::Invite(problem));
            }
            let mut events = Vec::new();
            match &new_account {
                Some(created) => {
                    if state.account_named(&name).is_some() {
                        return Err(name_taken(&name));
                    }
                    events.push(created.clone());
                }
                None => {
                    let existing = state.accounts.get(&account_id).ok_or_else(|| {
                        AccessError::NotFound(format!("there is no account named `{name}`"))
                    })?;
                    if let Some(role) = existing.roles.get(&workspace_id) {
                        return Err(AccessError::Conflict(format!(
                            "you are a member of this workspace already (as {}); the invite stays unused for someone else",
                            role_word(*role)
                        )));
                    }
                }
            }
            events.push(AccountEvent::MembershipGranted {
                account_id,
                workspace_id,
                role,
            });
            events.push(AccountEvent::MemberInviteAccepted {
                invite_id,
                account_id,
            });
            Ok(events)
        })
        .await?;
        let session = match new_account {
            Some(_) => Some(self.open_session(account_id, &name).await?),
            None => None,
        };
        Ok(AcceptedInvite {
            account: name,
            token: session.as_ref().map(|(token, _)| token.clone()),
            expires_at: session.map(|(_, expires_at)| expires_at),
            workspace_id,
            role,
        })
    }
}

/// Who accepts a member invite.
pub enum Joiner<'a> {
    /// A colleague without an account here: the one they choose.
    NewAccount {
        /// The login name.
        name: &'a str,
        /// The password.
        password: &'a str,
    },
    /// Someone logged in with their password already.
    Existing(&'a Principal),
}

/// What accepting a member invite gives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AcceptedInvite {
    /// The account that is now a member.
    pub account: String,
    /// A login session for a new account (`phs_...`), to use as `Authorization: Bearer`.
    pub token: Option<String>,
    /// When that session ends.
    pub expires_at: Option<DateTime<Utc>>,
    /// The workspace.
    pub workspace_id: Uuid,
    /// The role there.
    pub role: Role,
}

/// Whether a member invite is open, used, revoked or expired.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MemberInviteState {
    /// It can still be accepted.
    Open,
    /// Someone accepted it.
    Used,
    /// An owner revoked it.
    Revoked,
    /// It expired unused.
    Expired,
}

/// A member invite as listed to its workspace's owners (never its secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MemberInviteListing {
    /// Its id.
    pub invite_id: Uuid,
    /// The role it gives.
    pub role: Role,
    /// When issued.
    pub issued_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// Whether it can still be used.
    pub state: MemberInviteState,
    /// The account that accepted it.
    pub accepted_by: Option<String>,
}

/// Why `invite` cannot be accepted at `now`, if it cannot.
fn invite_problem(invite: &MemberInvite, now: DateTime<Utc>) -> Option<InviteProblem> {
    if invite.accepted_by.is_some() {
        Some(InviteProblem::Used)
    } else if invite.revoked {
        Some(InviteProblem::Revoked)
    } else if invite.expires_at <= now {
        Some(InviteProblem::Expired)
    } else {
        None
    }
}
