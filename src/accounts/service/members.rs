//! Accounts and their roles: creating an account, granting and revoking a role in a
//! workspace (the creator of a workspace becomes its owner), server administrators, and
//! who is a member of what.

use uuid::Uuid;

use super::{AccessError, Accounts, Principal};
use crate::accounts::{AccountEvent, AccountsState, Role};

impl Accounts {
    /// Gives the account `actor` the owner role in the workspace it just created, unless
    /// anyone was ever given a role there: a retried create does not hand the role out again
    /// (to a creator who was since demoted or removed, say).
    ///
    /// # Errors
    /// Unknown account, store failures.
    pub async fn grant_creator(&self, actor: &str, workspace_id: Uuid) -> Result<(), AccessError> {
        self.change(actor, |state| {
            if state.workspaces_with_members.contains(&workspace_id) {
                return Ok(Vec::new());
            }
            let account_id = account_id_named(state, actor)?;
            Ok(vec![AccountEvent::MembershipGranted {
                account_id,
                workspace_id,
                role: Role::Owner,
            }])
        })
        .await
    }

    /// Creates a local account with an argon2id password hash.
    ///
    /// # Errors
    /// Invalid name or password, a taken name, store failures.
    pub async fn create_account(
        &self,
        actor: &str,
        name: &str,
        password: &str,
    ) -> Result<Uuid, AccessError> {
        check_name(name)?;
        let password_hash = self.hash_new_password(password).await?;
        let account_id = Uuid::new_v4();
        self.change(actor, |state| {
            if state.account_named(name).is_some() {
                return Err(name_taken(name));
            }
            Ok(vec![AccountEvent::AccountCreated {
                account_id,
                name: name.to_owned(),
                password_hash: password_hash.clone(),
            }])
        })
        .await?;
        Ok(account_id)
    }

    /// Gives an account a role in a workspace.
    ///
    /// # Errors
    /// Unknown account, guest role (guests come by invite), store failures.
    pub async fn grant(
        &self,
        actor: &str,
        account_name: &str,
        workspace_id: Uuid,
        role: Role,
    ) -> Result<(), AccessError> {
        if role == Role::Guest {
            return Err(AccessError::InvalidInput(
                "guests join one board through an invite link, not as members".into(),
            ));
        }
        self.change(actor, |state| {
            let account_id = account_id_named(state, account_name)?;
            Ok(vec![AccountEvent::MembershipGranted {
                account_id,
                workspace_id,
                role,
            }])
        })
        .await
    }

    /// Makes an account a server administrator (the command line's `user add --admin`).
    ///
    /// # Errors
    /// Unknown account, store failures.
    pub async fn grant_server_admin(
        &self,
        actor: &str,
        account_name: &str,
    ) -> Result<(), AccessError> {
        self.change(actor, |state| {
            let account_id = account_id_named(state, account_name)?;
            Ok(vec![AccountEvent::ServerAdminGranted { account_id }])
        })
        .await
    }

    /// Takes an account's role in a workspace away.
    ///
    /// # Errors
    /// Unknown account or membership, store failures.
    pub async fn revoke_membership(
        &self,
        actor: &str,
        account_name: &str,
        workspace_id: Uuid,
    ) -> Result<(), AccessError> {
        self.change(actor, |state| {
            let account_id = state
                .account_named(account_name)
                .filter(|account| account.roles.contains_key(&workspace_id))
                .map(|account| account.account_id)
                .ok_or_else(|| {
                    AccessError::NotFound(format!(
                        "`{account_name}` is not a member of this workspace"
                    ))
                })?;
            Ok(vec![AccountEvent::MembershipRevoked {
                account_id,
                workspace_id,
            }])
        })
        .await
    }

    /// The members of a workspace: name and role.
    pub fn members_of(&self, workspace_id: Uuid) -> Vec<(String, Role)> {
        self.projections.accounts(|state| {
            state
                .accounts
                .values()
                .filter_map(|account| {
                    Some((account.name.clone(), *account.roles.get(&workspace_id)?))
                })
                .collect()
        })
    }

    /// The workspaces an account is a member of.
    pub fn workspaces_of(&self, principal: &Principal) -> Vec<(Uuid, Role)> {
        if let Some(scope) = &principal.token {
            return vec![(scope.workspace_id, scope.role)];
        }
        let Some(account_id) = principal.account_id else {
            return Vec::new();
        };
        self.projections.accounts(|state| {
            state
                .accounts
                .get(&account_id)
                .map(|account| {
                    account
                        .roles
                        .iter()
                        .map(|(id, role)| (*id, *role))
                        .collect()
                })
                .unwrap_or_default()
        })
    }
}

/// The rule of [`check_name`] as a regular expression, for the request schemas (an
/// account's name in `POST /api/invites/accept`, the path of `PUT .../members/{name}`).
pub const ACCOUNT_NAME_PATTERN: &str = "^[A-Za-z0-9@._-]{2,64}$";

/// Checks an account name against the rule: 2 to 64 letters, digits and `@ . - _`.
pub(super) fn check_name(name: &str) -> Result<(), AccessError> {
    let valid = (2..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "@.-_".contains(c));
    if valid {
        Ok(())
    } else {
        Err(AccessError::InvalidAccountName(format!(
            "`{name}` is not an account name: use 2 to 64 letters, digits and @ . - _"
        )))
    }
}

/// The refusal of a name someone has already.
pub(super) fn name_taken(name: &str) -> AccessError {
    AccessError::NameTaken(name.to_owned())
}

/// The id of the account named `name`.
///
/// # Errors
/// [`AccessError::NotFound`] when no account has that name.
fn account_id_named(state: &AccountsState, name: &str) -> Result<Uuid, AccessError> {
    state
        .account_named(name)
        .map(|account| account.account_id)
        .ok_or_else(|| AccessError::NotFound(format!("there is no account named `{name}`")))
}
