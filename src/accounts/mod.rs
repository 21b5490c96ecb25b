//! Accounts, workspace roles, API tokens and sessions: who may do what.
//!
//! Accounts, memberships and tokens are events too, in the log's *system stream* (stream and
//! workspace id `00000000-0000-0000-0000-000000000000`), so who was given which role when is
//! part of the audited history. What is secret never enters the log in clear: passwords are
//! stored as argon2id hashes, API tokens as BLAKE3 hashes of their random secret (a token is
//! 256 random bits, so a fast hash is enough), compared in constant time.
//! Sessions from a password login are kept as hashes too ([`sessions`]): on the embedded
//! store in a sled tree beside the log, in a table shared by every node on PostgreSQL; both
//! survive a restart. Each token's last use is kept in memory per process.
//!
//! Every actor is unique, because actors decide who wrote a note, whose vote counts and who
//! facilitates a board: an account acts under its login name (unique), an API token that
//! acts for no account as `token:<token id>`, and each person who joined a workshop through
//! an invite as `guest:<guest id>` ([`AccountEvent::GuestJoined`]). A token's label and a
//! guest's display name are for people only and never decide anything;
//! [`AccountsState::display_name`] is the one place that turns an actor into words.
//! (Events written before this rule carry `token:<label>` or `guest:<label>`: they stay as
//! they are, as history.) An invite token only lets people join; it does not act itself.
//!
//! Colleagues join a running server through a *member invite*
//! ([`AccountEvent::MemberInviteIssued`]): an owner makes one for a role, only the BLAKE3
//! hash of its secret is kept, and it is used at most once, since accepting it appends the
//! new account (if any), the role and [`AccountEvent::MemberInviteAccepted`] together, decided
//! on the current state. A password change ([`AccountEvent::PasswordChanged`]) ends every
//! login session that began before it, on every node.
//!
//! Roles per workspace ([`Role`]): owner, editor, viewer, auditor, and workshop guest (one
//! board, through an invite link). [`Permission`] says what each may do; the API and the
//! websocket hub ask [`Role::allows`] and nothing else.
//!
//! Apart from the roles, an account may be a *server administrator*
//! ([`AccountEvent::ServerAdminGranted`], given only on the command line with
//! `partnerhub user add --admin`). It is no role in any workspace and opens none; it allows
//! exactly what concerns the whole server, not one workspace: taking an online backup, which
//! holds every workspace and the keys of personal data. Only a password login of the account
//! carries it, never an API token (tokens are limited to one workspace).

pub mod service;
pub mod sessions;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use self::service::{AccessError, Accounts, Principal};

/// The stream (and workspace id) of account events.
pub const SYSTEM_STREAM: Uuid = Uuid::nil();

/// A role in one workspace.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including members and tokens.
    Owner,
    /// Every command and every view except the raw log.
    Editor,
    /// Every view of the current state; no commands.
    Viewer,
    /// Everything to read, including history and the raw log; no commands.
    Auditor,
    /// One workshop board: read it, add, move and vote on notes. Nothing else.
    Guest,
}

impl Role {
    /// Parses `owner`, `editor`, `viewer`, `auditor` or `guest`.
    ///
    /// # Errors
    /// A message listing the roles.
    pub fn parse(text: &str) -> Result<Role, String> {
        serde_json::from_value(serde_json::Value::String(text.to_owned())).map_err(|_| {
            format!("`{text}` is not a role; roles are owner, editor, viewer, auditor and guest")
        })
    }

    /// Whether this role may do `permission`.
    pub fn allows(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Owner => true,
            Role::Editor => matches!(permission, ReadViews | ReadHistory | RunCommands | UseBoard),
            Role::Viewer => matches!(permission, ReadViews | UseBoard),
            Role::Auditor => matches!(permission, ReadViews | ReadHistory | ReadRawLog),
            Role::Guest => false,
        }
    }
}

/// Things a role may be allowed to do in a workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// Read the current views: network, portfolio, files, assets, boards.
    ReadViews,
    /// Read history: timelines, as-of views, diffs.
    ReadHistory,
    /// Read the raw event log.
    ReadRawLog,
    /// Run any domain command.
    RunCommands,
    /// Read boards (guests: only theirs).
    UseBoard,
    /// Manage members, tokens and invites.
    ManageAccess,
}

/// An account event, in the system stream.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event_type", content = "payload")]
pub enum AccountEvent {
    /// A local account was created.
    AccountCreated {
        /// Its id.
        account_id: Uuid,
        /// Its login name.
        name: String,
        /// The argon2id hash of its password (PHC string).
        password_hash: String,
    },
    /// An account's password changed.
    PasswordChanged {
        /// The account.
        account_id: Uuid,
        /// The new argon2id hash.
        password_hash: String,
    },
    /// An account got a role in a workspace (replacing any earlier one).
    MembershipGranted {
        /// The account.
        account_id: Uuid,
        /// The workspace.
        workspace_id: Uuid,
        /// The role.
        role: Role,
    },
    /// An account's role in a workspace was taken away.
    MembershipRevoked {
        /// The account.
        account_id: Uuid,
        /// The workspace.
        workspace_id: Uuid,
    },
    /// An API token (or a guest invite) was issued. Only the hash of its secret is kept.
    TokenIssued {
        /// Its id (part of the token text).
        token_id: Uuid,
        /// What it is for, e.g. "dashboard in the staff room" or "guest: Aarhus workshop".
        label: String,
        /// The account it acts for, if any (a guest invite has none).
        account_id: Option<Uuid>,
        /// The workspace it is limited to.
        workspace_id: Uuid,
        /// Its role there.
        role: Role,
        /// For a guest invite: the one board it opens.
        board_id: Option<Uuid>,
        /// BLAKE3 hash of the secret, hex.
        secret_hash: String,
        /// When it stops working, if ever.
        expires_at: Option<DateTime<Utc>>,
    },
    /// A person joined a workshop through an invite and got a guest credential of their own
    /// (acting as `guest:<guest_id>`). Only the hash of its secret is kept.
    GuestJoined {
        /// The guest's id (part of the credential and of the actor name).
        guest_id: Uuid,
        /// The invite (a guest token) they joined through; its workspace, board, expiry and
        /// revocation are the guest's.
        invite_id: Uuid,
        /// The name they gave, shown to others; decides nothing.
        display_name: String,
        /// BLAKE3 hash of the credential's secret, hex.
        secret_hash: String,
    },
    /// A token was revoked.
    TokenRevoked {
        /// The token.
        token_id: Uuid,
    },
    /// An account was made a server administrator (see the module documentation).
    ServerAdminGranted {
        /// The account.
        account_id: Uuid,
    },
    /// An owner invited a colleague to become a member with a role: single use, until
    /// `expires_at`, revocable. Only the hash of the invite's secret is kept.
    MemberInviteIssued {
        /// Its id (part of the invite text).
        invite_id: Uuid,
        /// The workspace the colleague joins.
        workspace_id: Uuid,
        /// The role they get (never guest).
        role: Role,
        /// BLAKE3 hash of the secret, hex.
        secret_hash: String,
        /// When it stops working.
        expires_at: DateTime<Utc>,
    },
    /// A colleague accepted a member invite; the same append grants the role (and, for a new
    /// colleague, creates the account), so an invite is used at most once.
    MemberInviteAccepted {
        /// The invite.
        invite_id: Uuid,
        /// The account that accepted it.
        account_id: Uuid,
    },
    /// An owner revoked a member invite before it was used.
    MemberInviteRevoked {
        /// The invite.
        invite_id: Uuid,
    },
}

impl AccountEvent {
    /// The event's type name.
    pub fn event_type(&self) -> &'static str {
        match self {
            AccountEvent::AccountCreated { .. } => "AccountCreated",
            AccountEvent::PasswordChanged { .. } => "PasswordChanged",
            AccountEvent::MembershipGranted { .. } => "MembershipGranted",
            AccountEvent::MembershipRevoked { .. } => "MembershipRevoked",
            AccountEvent::TokenIssued { .. } => "TokenIssued",
            AccountEvent::GuestJoined { .. } => "GuestJoined",
            AccountEvent::TokenRevoked { .. } => "TokenRevoked",
            AccountEvent::ServerAdminGranted { .. } => "ServerAdminGranted",
            AccountEvent::MemberInviteIssued { .. } => "MemberInviteIssued",
            AccountEvent::MemberInviteAccepted { .. } => "MemberInviteAccepted",
            AccountEvent::MemberInviteRevoked { .. } => "MemberInviteRevoked",
        }
    }
}

/// A local account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// Its id.
    pub account_id: Uuid,
    /// Its login name (also the actor name of its events).
    pub name: String,
    /// Its password hash.
    #[serde(skip_serializing)]
    pub password_hash: String,
    /// Its roles per workspace.
    pub roles: BTreeMap<Uuid, Role>,
    /// Whether it is a server administrator (may take backups).
    #[serde(default)]
    pub server_admin: bool,
    /// When its password last changed: login sessions made before then have ended.
    #[serde(default)]
    pub password_changed_at: Option<DateTime<Utc>>,
}

/// An invite for a colleague to become a member of a workspace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberInvite {
    /// Its id.
    pub invite_id: Uuid,
    /// The workspace.
    pub workspace_id: Uuid,
    /// The role it gives.
    pub role: Role,
    /// Hash of the secret.
    pub secret_hash: String,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// The account that accepted it, if one did.
    pub accepted_by: Option<Uuid>,
    /// Whether it was revoked.
    pub revoked: bool,
}

/// An issued token, as the server knows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Token {
    /// Its id.
    pub token_id: Uuid,
    /// What it is for.
    pub label: String,
    /// The account it acts for.
    pub account_id: Option<Uuid>,
    /// The workspace.
    pub workspace_id: Uuid,
    /// The role.
    pub role: Role,
    /// A guest invite's board.
    pub board_id: Option<Uuid>,
    /// Hash of the secret.
    #[serde(skip_serializing)]
    pub secret_hash: String,
    /// Expiry.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// Whether it was revoked.
    pub revoked: bool,
}

/// A person who joined a workshop through an invite.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Guest {
    /// Their id (the actor is `guest:<guest_id>`).
    pub guest_id: Uuid,
    /// The invite they joined through.
    pub invite_id: Uuid,
    /// The name they gave.
    pub display_name: String,
    /// Hash of their credential's secret.
    pub secret_hash: String,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
}

/// Everything the system stream says, folded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountsState {
    /// Accounts by id.
    pub accounts: BTreeMap<Uuid, Account>,
    /// Tokens by id.
    pub tokens: BTreeMap<Uuid, Token>,
    /// Guests who joined through an invite, by id.
    pub guests: BTreeMap<Uuid, Guest>,
    /// Invites for colleagues to become members, by id.
    pub member_invites: BTreeMap<Uuid, MemberInvite>,
    /// Workspaces in which anyone was ever given a role: their creator has had the owner
    /// role once, and a retried create does not give it again.
    pub workspaces_with_members: BTreeSet<Uuid>,
    /// Events applied (the system stream's version).
    pub version: u64,
}

impl AccountsState {
    /// Folds one account event.
    pub fn apply(&mut self, event: &AccountEvent, recorded_at: DateTime<Utc>) {
        self.version += 1;
        match event {
            AccountEvent::AccountCreated {
                account_id,
                name,
                password_hash,
            } => {
                self.accounts.insert(
                    *account_id,
                    Account {
                        account_id: *account_id,
                        name: name.clone(),
                        password_hash: password_hash.clone(),
                        roles: BTreeMap::new(),
                        server_admin: false,
                        password_changed_at: None,
                    },
                );
            }
            AccountEvent::PasswordChanged {
                account_id,
                password_hash,
            } => {
                if let Some(account) = self.accounts.get_mut(account_id) {
                    account.password_hash = password_hash.clone();
                    account.password_changed_at = Some(recorded_at);
                }
            }
            AccountEvent::MembershipGranted {
                account_id,
                workspace_id,
                role,
            } => {
                if let Some(account) = self.accounts.get_mut(account_id) {
                    account.roles.insert(*workspace_id, *role);
                }
                self.workspaces_with_members.insert(*workspace_id);
            }
            AccountEvent::MembershipRevoked {
                account_id,
                workspace_id,
            } => {
                if let Some(account) = self.accounts.get_mut(account_id) {
                    account.roles.remove(workspace_id);
                }
            }
            AccountEvent::TokenIssued {
                token_id,
                label,
                account_id,
                workspace_id,
                role,
                board_id,
                secret_hash,
                expires_at,
            } => {
                self.tokens.insert(
                    *token_id,
                    Token {
                        token_id: *token_id,
                        label: label.clone(),
                        account_id: *account_id,
                        workspace_id: *workspace_id,
                        role: *role,
                        board_id: *board_id,
                        secret_hash: secret_hash.clone(),
                        expires_at: *expires_at,
                        issued_at: recorded_at,
                        revoked: false,
                    },
                );
            }
            AccountEvent::GuestJoined {
                guest_id,
                invite_id,
                display_name,
                secret_hash,
            } => {
                self.guests.insert(
                    *guest_id,
                    Guest {
                        guest_id: *guest_id,
                        invite_id: *invite_id,
                        display_name: display_name.clone(),
                        secret_hash: secret_hash.clone(),
                        joined_at: recorded_at,
                    },
                );
            }
            AccountEvent::TokenRevoked { token_id } => {
                if let Some(token) = self.tokens.get_mut(token_id) {
                    token.revoked = true;
                }
            }
            AccountEvent::ServerAdminGranted { account_id } => {
                if let Some(account) = self.accounts.get_mut(account_id) {
                    account.server_admin = true;
                }
            }
            AccountEvent::MemberInviteIssued {
                invite_id,
                workspace_id,
                role,
                secret_hash,
                expires_at,
            } => {
                self.member_invites.insert(
                    *invite_id,
                    MemberInvite {
                        invite_id: *invite_id,
                        workspace_id: *workspace_id,
                        role: *role,
                        secret_hash: secret_hash.clone(),
                        issued_at: recorded_at,
                        expires_at: *expires_at,
                        accepted_by: None,
                        revoked: false,
                    },
                );
            }
            AccountEvent::MemberInviteAccepted {
                invite_id,
                account_id,
            } => {
                if let Some(invite) = self.member_invites.get_mut(invite_id) {
                    invite.accepted_by = Some(*account_id);
                }
            }
            AccountEvent::MemberInviteRevoked { invite_id } => {
                if let Some(invite) = self.member_invites.get_mut(invite_id) {
                    invite.revoked = true;
                }
            }
        }
    }

    /// The account with this login name.
    pub fn account_named(&self, name: &str) -> Option<&Account> {
        self.accounts.values().find(|account| account.name == name)
    }

    /// How an actor is shown to people: a guest's display name, a token's label, an account's
    /// name. Anything else (an actor of older history, `token:<label>`) is shown as it is.
    pub fn display_name(&self, actor: &str) -> String {
        let known = |prefix: &str| {
            actor
                .strip_prefix(prefix)
                .and_then(|id| Uuid::parse_str(id).ok())
        };
        if let Some(guest) = known("guest:").and_then(|id| self.guests.get(&id)) {
            return guest.display_name.clone();
        }
        if let Some(token) = known("token:").and_then(|id| self.tokens.get(&id)) {
            return token.label.clone();
        }
        actor.to_owned()
    }
}

/// The actor of an API token that acts for no account.
pub fn token_actor(token_id: Uuid) -> String {
    format!("token:{token_id}")
}

/// The actor of a guest who joined through an invite.
pub fn guest_actor(guest_id: Uuid) -> String {
    format!("guest:{guest_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_allow_what_the_issue_says_and_nothing_more() {
        use Permission::*;
        let all = [
            ReadViews,
            ReadHistory,
            ReadRawLog,
            RunCommands,
            UseBoard,
            ManageAccess,
        ];
        let allowed = |role: Role| -> Vec<Permission> {
            all.iter()
                .copied()
                .filter(|permission| role.allows(*permission))
                .collect()
        };
        assert_eq!(allowed(Role::Owner), all.to_vec());
        assert_eq!(
            allowed(Role::Editor),
            vec![ReadViews, ReadHistory, RunCommands, UseBoard]
        );
        assert_eq!(allowed(Role::Viewer), vec![ReadViews, UseBoard]);
        assert_eq!(
            allowed(Role::Auditor),
            vec![ReadViews, ReadHistory, ReadRawLog]
        );
        assert!(
            allowed(Role::Guest).is_empty(),
            "guests get only their board, checked apart"
        );
        assert_eq!(Role::parse("auditor"), Ok(Role::Auditor));
        assert!(Role::parse("admin").unwrap_err().contains("owner, editor"));
    }
}
