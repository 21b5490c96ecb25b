//! Guests: a person who opens a workshop invite joins with a display name and gets a
//! credential of their own (`phg_<guest id>_<secret>`, acting as `guest:<guest id>`), valid
//! while the invite is.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{hash_secret, random_hex, AccessError, Accounts, InviteProblem, Principal, TokenScope};
use crate::accounts::{guest_actor, AccountEvent, Guest, Role, Token};
use crate::sync::locked;

/// A guest's display name is at most this many characters (once trimmed).
pub const DISPLAY_NAME_CHARS: usize = 80;

/// At most this many guests join through one invite.
pub const GUESTS_PER_INVITE: usize = 500;

/// What a person who joined through an invite gets back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GuestCredential {
    /// Their own bearer secret (`phg_...`), shown once and never stored.
    pub token: String,
    /// Their actor, `guest:<id>`, unique to them.
    pub actor: String,
    /// The name they gave, shown to others.
    pub display_name: String,
    /// The workspace.
    pub workspace_id: Uuid,
    /// The one board they may use.
    pub board_id: Option<Uuid>,
    /// When it stops working (the invite's expiry).
    pub expires_at: Option<DateTime<Utc>>,
}

impl Accounts {
    /// Authenticates a guest credential (`phg_<guest id>_<secret>`): valid while the invite
    /// it came from is neither revoked nor expired.
    pub(super) async fn authenticate_guest(
        &self,
        bearer: &str,
        now: DateTime<Utc>,
    ) -> Result<Principal, AccessError> {
        let refused = || AccessError::Unauthenticated("unknown or revoked guest credential".into());
        let (guest, invite) = self
            .presented(
                bearer,
                "phg_",
                |state, guest_id| {
                    let guest = state.guests.get(&guest_id)?.clone();
                    let invite = state.tokens.get(&guest.invite_id)?.clone();
                    Some((guest, invite))
                },
                |(guest, _): &(Guest, Token)| &guest.secret_hash,
            )
            .await
            .map_err(|refusal| refusal.or_else(|_| refused()))?;
        if invite.revoked {
            return Err(refused());
        }
        if invite.expires_at.is_some_and(|expiry| expiry <= now) {
            return Err(AccessError::Unauthenticated(
                "the invite you joined through has expired".into(),
            ));
        }
        locked(&self.last_used).insert(invite.token_id, now);
        Ok(Principal {
            actor: guest_actor(guest.guest_id),
            account_id: None,
            session: None,
            token: Some(TokenScope {
                token_id: invite.token_id,
                workspace_id: invite.workspace_id,
                role: Role::Guest,
                board_id: invite.board_id,
            }),
        })
    }

    /// Lets a person join the workshop an invite opens: a guest identity of their own, with
    /// `display_name` shown to others. Returns what [`GuestCredential`] says.
    ///
    /// # Errors
    /// [`AccessError::Invite`] for an unknown (also once this node has read the shared log:
    /// an invite made through another node a moment ago is found), revoked or expired invite
    /// (or a token that is no invite); [`AccessError::InvalidInput`] for a display name that is empty or
    /// over 80 characters; [`AccessError::Conflict`] when [`GUESTS_PER_INVITE`] joined
    /// already; store failures.
    pub async fn join(
        &self,
        invite: &str,
        display_name: &str,
    ) -> Result<GuestCredential, AccessError> {
        let display_name = display_name.trim();
        if display_name.is_empty()
            || display_name.chars().count() > DISPLAY_NAME_CHARS
            || display_name.chars().any(char::is_control)
        {
            return Err(AccessError::InvalidInput(
                "a display name has 1 to 80 characters and no control characters".into(),
            ));
        }
        // A refused join says why in words (410 revoked or expired, 404 unknown), as a member
        // invite does: the person holding the link can then ask for a new one.
        let token = self
            .presented(
                invite,
                "ph_",
                |state, invite_id| state.tokens.get(&invite_id).cloned(),
                |token: &Token| &token.secret_hash,
            )
            .await
            .map_err(|refused| refused.or_else(|_| AccessError::Invite(InviteProblem::Unknown)))?;
        if token.role != Role::Guest {
            return Err(AccessError::Invite(InviteProblem::Unknown));
        }
        if token.revoked {
            return Err(AccessError::Invite(InviteProblem::Revoked));
        }
        if token.expires_at.is_some_and(|expiry| expiry <= Utc::now()) {
            return Err(AccessError::Invite(InviteProblem::Expired));
        }
        let invite_id = token.token_id;
        let guest_id = Uuid::new_v4();
        let secret = random_hex(32);
        let joined = AccountEvent::GuestJoined {
            guest_id,
            invite_id,
            display_name: display_name.to_owned(),
            secret_hash: hash_secret(&secret),
        };
        let actor = guest_actor(guest_id);
        self.change(&actor, |state| {
            let joined_already = state
                .guests
                .values()
                .filter(|guest| guest.invite_id == invite_id)
                .count();
            if joined_already >= GUESTS_PER_INVITE {
                return Err(AccessError::Conflict(format!(
                    "{GUESTS_PER_INVITE} people have joined through this invite already; ask for a new one"
                )));
            }
            Ok(vec![joined.clone()])
        })
        .await?;
        Ok(GuestCredential {
            token: format!("phg_{}_{secret}", guest_id.simple()),
            actor,
            display_name: display_name.to_owned(),
            workspace_id: token.workspace_id,
            board_id: token.board_id,
            expires_at: token.expires_at,
        })
    }
}
