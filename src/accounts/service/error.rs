//! Why an account operation or an authentication was refused: one enum, mapped to HTTP
//! statuses and protocol codes in `app_state/error.rs`.

use crate::store::StoreError;

/// Why an account operation or an authentication failed.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// No credentials, or they are wrong, expired or revoked.
    #[error("{0}")]
    Unauthenticated(String),
    /// Not a member of the workspace (indistinguishable from a workspace that does not exist).
    #[error("no such workspace, or you are not a member of it")]
    NotMember,
    /// A member, but the role does not allow it.
    #[error("{0}")]
    Forbidden(String),
    /// A bad name, password, role or label.
    #[error("{0}")]
    InvalidInput(String),
    /// The account or token exists already, or not at all.
    #[error("{0}")]
    Conflict(String),
    /// Unknown account or token.
    #[error("{0}")]
    NotFound(String),
    /// Too many failed logins.
    #[error("too many failed logins for this name; wait a minute")]
    TooManyAttempts,
    /// Too many password checks are running; the caller may try again shortly.
    #[error("the server is checking too many passwords at once; try again in a few seconds")]
    Busy,
    /// An account name that breaks the rule (the message says it).
    #[error("{0}")]
    InvalidAccountName(String),
    /// An account name someone has already.
    #[error("the account name `{0}` is taken; choose another")]
    NameTaken(String),
    /// A password that breaks the rule (the message says it).
    #[error("{0}")]
    WeakPassword(String),
    /// The current password given to confirm a change is wrong.
    #[error("the current password is wrong")]
    WrongPassword,
    /// A member invite that cannot be used (any more).
    #[error("{0}")]
    Invite(InviteProblem),
    /// The log failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a member invite cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InviteProblem {
    /// No invite has this id and secret.
    #[error("this invite link is not known here; ask the workspace's owner for a new one")]
    Unknown,
    /// Someone accepted it already.
    #[error("this invite link has been used already; each link lets one person join")]
    Used,
    /// An owner revoked it.
    #[error("this invite link was revoked; ask the workspace's owner for a new one")]
    Revoked,
    /// It expired.
    #[error("this invite link has expired; ask the workspace's owner for a new one")]
    Expired,
}
