//! API tokens: issued for a workspace and a role (a guest token is the invite to one
//! board), listed with their last use, revoked, and authenticated (`ph_<id>_<secret>`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{hash_secret, random_hex, AccessError, Accounts, Principal, Refused, TokenScope};
use crate::accounts::{token_actor, AccountEvent, Role, Token};
use crate::sync::locked;

/// A token as listed to its workspace's owners.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TokenListing {
    /// Its id.
    pub token_id: Uuid,
    /// What it is for.
    pub label: String,
    /// Its role.
    pub role: Role,
    /// A guest invite's board.
    pub board_id: Option<Uuid>,
    /// When issued.
    pub issued_at: DateTime<Utc>,
    /// Expiry.
    pub expires_at: Option<DateTime<Utc>>,
    /// Whether revoked.
    pub revoked: bool,
    /// Last use since this server started.
    pub last_used_at: Option<DateTime<Utc>>,
}

impl Accounts {
    /// Issues an API token (or, with `board_id` and the guest role, an invite). Returns its id
    /// and its text, which is shown once and never stored.
    ///
    /// # Errors
    /// A guest token without a board or a board on a non-guest token, store failures.
    #[allow(clippy::too_many_arguments)]
    pub async fn issue_token(
        &self,
        actor: &str,
        label: &str,
        account_id: Option<Uuid>,
        workspace_id: Uuid,
        role: Role,
        board_id: Option<Uuid>,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<(Uuid, String), AccessError> {
        if (role == Role::Guest) != board_id.is_some() {
            return Err(AccessError::InvalidInput(
                "a guest token opens exactly one board; other roles open none".into(),
            ));
        }
        let label = label.trim();
        if label.is_empty() || label.chars().count() > 200 {
            return Err(AccessError::InvalidInput(
                "a token needs a label of 1 to 200 characters".into(),
            ));
        }
        let token_id = Uuid::new_v4();
        let secret = random_hex(32);
        let text = format!("ph_{}_{secret}", token_id.simple());
        let issued = AccountEvent::TokenIssued {
            token_id,
            label: label.to_owned(),
            account_id,
            workspace_id,
            role,
            board_id,
            secret_hash: hash_secret(&secret),
            expires_at,
        };
        self.change(actor, |_| Ok(vec![issued.clone()])).await?;
        Ok((token_id, text))
    }

    /// Revokes a token of a workspace.
    ///
    /// # Errors
    /// Unknown token, store failures.
    pub async fn revoke_token(
        &self,
        actor: &str,
        workspace_id: Uuid,
        token_id: Uuid,
    ) -> Result<(), AccessError> {
        self.change(actor, |state| {
            let known = state
                .tokens
                .get(&token_id)
                .is_some_and(|token| token.workspace_id == workspace_id && !token.revoked);
            if !known {
                return Err(AccessError::NotFound(format!(
                    "no active token {token_id} in this workspace"
                )));
            }
            Ok(vec![AccountEvent::TokenRevoked { token_id }])
        })
        .await
    }

    /// The tokens of a workspace, with their last use.
    pub fn tokens_of(&self, workspace_id: Uuid) -> Vec<TokenListing> {
        let last_used = locked(&self.last_used).clone();
        self.projections.accounts(|state| {
            state
                .tokens
                .values()
                .filter(|token| token.workspace_id == workspace_id)
                .map(|token: &Token| TokenListing {
                    token_id: token.token_id,
                    label: token.label.clone(),
                    role: token.role,
                    board_id: token.board_id,
                    issued_at: token.issued_at,
                    expires_at: token.expires_at,
                    revoked: token.revoked,
                    last_used_at: last_used.get(&token.token_id).copied(),
                })
                .collect()
        })
    }

    /// Authenticates an API token (`ph_<token id>_<secret>`): valid until it expires or is
    /// revoked. A guest token is an invite and authenticates nothing itself.
    pub(super) async fn authenticate_token(
        &self,
        bearer: &str,
        now: DateTime<Utc>,
    ) -> Result<Principal, AccessError> {
        let unknown = || AccessError::Unauthenticated("unknown or revoked token".into());
        let token = self
            .presented(
                bearer,
                "ph_",
                |state, token_id| state.tokens.get(&token_id).cloned(),
                |token: &Token| &token.secret_hash,
            )
            .await
            .map_err(|refused| {
                refused.or_else(|refused| match refused {
                    Refused::Malformed => {
                        AccessError::Unauthenticated("the token is not a partnerhub token".into())
                    }
                    _ => unknown(),
                })
            })?;
        if token.revoked {
            return Err(unknown());
        }
        if token.expires_at.is_some_and(|expiry| expiry <= now) {
            return Err(AccessError::Unauthenticated("the token has expired".into()));
        }
        if token.role == Role::Guest {
            return Err(AccessError::Unauthenticated(
                "an invite only lets people join: send it with your name to POST /api/join and use the credential you get back".into(),
            ));
        }
        let token_id = token.token_id;
        locked(&self.last_used).insert(token_id, now);
        let account = token.account_id.and_then(|account_id| {
            self.projections.accounts(|state| {
                state
                    .accounts
                    .get(&account_id)
                    .map(|account| account.name.clone())
            })
        });
        Ok(Principal {
            actor: account.unwrap_or_else(|| token_actor(token_id)),
            session: None,
            account_id: token.account_id,
            token: Some(TokenScope {
                token_id,
                workspace_id: token.workspace_id,
                role: token.role,
                board_id: token.board_id,
            }),
        })
    }
}
