//! Who is asking ([`Principal`]): an account, a token or a guest, and what each may do in
//! a workspace, asked of its role and nothing else.

use uuid::Uuid;

use super::{AccessError, Accounts};
use crate::accounts::{Permission, Role};

/// Who is asking: an account (from a session or a token acting for it) or a bare token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The name recorded as the actor of their events.
    pub actor: String,
    /// The account, if any.
    pub account_id: Option<Uuid>,
    /// When authenticated by an API token: its id, workspace, role and (guests) board.
    pub token: Option<TokenScope>,
    /// When authenticated by a login session: the hash of its secret (to end it).
    pub session: Option<String>,
}

/// What an API token is limited to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenScope {
    /// The token.
    pub token_id: Uuid,
    /// Its workspace.
    pub workspace_id: Uuid,
    /// Its role there.
    pub role: Role,
    /// A guest invite's board.
    pub board_id: Option<Uuid>,
}

impl Principal {
    /// The principal's role in a workspace, if any.
    pub fn role_in(&self, accounts: &Accounts, workspace_id: Uuid) -> Option<Role> {
        match &self.token {
            Some(scope) if scope.workspace_id == workspace_id => Some(scope.role),
            Some(_) => None,
            None => {
                let account_id = self.account_id?;
                accounts.projections.accounts(|state| {
                    state
                        .accounts
                        .get(&account_id)?
                        .roles
                        .get(&workspace_id)
                        .copied()
                })
            }
        }
    }

    /// Whether this is a password login of a server administrator (API tokens never are).
    pub fn is_server_admin(&self, accounts: &Accounts) -> bool {
        let Some(account_id) = self.account_id.filter(|_| self.token.is_none()) else {
            return false;
        };
        accounts.projections.accounts(|state| {
            state
                .accounts
                .get(&account_id)
                .is_some_and(|account| account.server_admin)
        })
    }

    /// The only board a guest may use.
    pub fn guest_board(&self) -> Option<Uuid> {
        self.token.as_ref().and_then(|scope| scope.board_id)
    }

    /// Checks a permission in a workspace.
    ///
    /// # Errors
    /// [`AccessError::Forbidden`] naming what is missing.
    pub fn require(
        &self,
        accounts: &Accounts,
        workspace_id: Uuid,
        permission: Permission,
    ) -> Result<Role, AccessError> {
        match self.role_in(accounts, workspace_id) {
            Some(role) if role.allows(permission) => Ok(role),
            Some(role) => Err(AccessError::Forbidden(format!(
                "a {} of this workspace may not {}",
                role_word(role),
                permission_words(permission)
            ))),
            None => Err(AccessError::NotMember),
        }
    }
}

/// What a permission allows, in words for a refusal.
fn permission_words(permission: Permission) -> &'static str {
    match permission {
        Permission::ReadViews => "read its views",
        Permission::ReadHistory => "read its history",
        Permission::ReadRawLog => "read the raw event log",
        Permission::RunCommands => "change anything",
        Permission::UseBoard => "use its boards",
        Permission::ManageAccess => "manage members and tokens",
    }
}

/// A role as one word (`owner`, `editor`, ...), as the API spells it.
pub(super) fn role_word(role: Role) -> String {
    serde_json::to_value(role)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}
