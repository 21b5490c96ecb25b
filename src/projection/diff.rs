//! What changed between two moments: organisations that appeared, relations that moved on
//! the network circle, partnerships proposed, moved, amended or ended, staff and assets that
//! came and went. Computed from two folded states, so it works for any two moments.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::vocabulary::{Level, Phase};
use crate::domain::WorkspaceState;

/// An entity named by id and name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Named {
    /// Its id.
    pub id: Uuid,
    /// Its name or title.
    pub name: String,
}

/// A relation that moved on the network circle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LevelMove {
    /// The organisation.
    pub organisation: Named,
    /// Its level at the first moment (none: no relation, or not registered yet).
    pub from: Option<Level>,
    /// Its level at the second moment.
    pub to: Option<Level>,
}

/// A partnership that changed phase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PhaseMove {
    /// The partnership.
    pub partnership: Named,
    /// Its phase at the first moment.
    pub from: Phase,
    /// Its phase at the second moment.
    pub to: Phase,
}

/// A partnership whose agreement changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AgreementChange {
    /// The partnership.
    pub partnership: Named,
    /// The version at the first moment.
    pub from_version: u32,
    /// The version at the second moment.
    pub to_version: u32,
}

/// What changed between two states of one workspace.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WorkspaceDiff {
    /// Log position of the first state.
    pub from_position: u64,
    /// Log position of the second state.
    pub to_position: u64,
    /// Organisations registered in between.
    pub organisations_appeared: Vec<Named>,
    /// Relations that moved on the network circle (including new and ended ones).
    pub level_moves: Vec<LevelMove>,
    /// Partnerships proposed in between.
    pub partnerships_appeared: Vec<Named>,
    /// Partnerships that changed phase (ended ones are listed under `partnerships_ended`).
    pub phase_moves: Vec<PhaseMove>,
    /// Agreements amended in between.
    pub agreements_amended: Vec<AgreementChange>,
    /// Partnerships that ended in between, with the reason.
    pub partnerships_ended: Vec<(Named, String)>,
    /// Evaluations recorded in between, per partnership.
    pub evaluations_recorded: Vec<(Named, usize)>,
    /// Colleagues who joined.
    pub staff_joined: Vec<Named>,
    /// Colleagues who left.
    pub staff_left: Vec<Named>,
    /// Assets added to the list.
    pub assets_added: Vec<Named>,
    /// Assets taken off the list.
    pub assets_removed: Vec<Named>,
}

/// What changed from `before` to `after` (two states of the same workspace, `before` first).
pub fn diff(before: &WorkspaceState, after: &WorkspaceState) -> WorkspaceDiff {
    let mut result = WorkspaceDiff {
        from_position: before.position,
        to_position: after.position,
        ..WorkspaceDiff::default()
    };
    for (id, organisation) in &after.organisations {
        let named = Named {
            id: *id,
            name: organisation.name.clone(),
        };
        let old = before.organisations.get(id);
        if old.is_none() {
            result.organisations_appeared.push(named.clone());
        }
        let from = old.and_then(|old| old.level);
        if from != organisation.level {
            result.level_moves.push(LevelMove {
                organisation: named,
                from,
                to: organisation.level,
            });
        }
    }
    for (id, partnership) in &after.partnerships {
        let named = Named {
            id: *id,
            name: partnership.title.clone(),
        };
        let old = before.partnerships.get(id);
        match old {
            None => result.partnerships_appeared.push(named.clone()),
            Some(old) if old.phase != partnership.phase && partnership.ending.is_none() => {
                result.phase_moves.push(PhaseMove {
                    partnership: named.clone(),
                    from: old.phase,
                    to: partnership.phase,
                });
            }
            Some(_) => {}
        }
        let old_version = old.map(|old| old.agreement.version).unwrap_or(0);
        if old_version != partnership.agreement.version {
            result.agreements_amended.push(AgreementChange {
                partnership: named.clone(),
                from_version: old_version,
                to_version: partnership.agreement.version,
            });
        }
        if let Some(ending) = &partnership.ending {
            if old.is_none_or(|old| old.ending.is_none()) {
                result
                    .partnerships_ended
                    .push((named.clone(), ending.reason.clone()));
            }
        }
        let old_evaluations = old.map(|old| old.evaluations.len()).unwrap_or(0);
        if partnership.evaluations.len() > old_evaluations {
            result
                .evaluations_recorded
                .push((named, partnership.evaluations.len() - old_evaluations));
        }
    }
    for (id, member) in &after.staff {
        let named = Named {
            id: *id,
            name: member.name.clone(),
        };
        match before.staff.get(id) {
            None => result.staff_joined.push(named.clone()),
            Some(old) if !old.left && member.left => result.staff_left.push(named),
            Some(_) => {}
        }
        if member.left && !before.staff.contains_key(id) {
            result.staff_left.push(Named {
                id: *id,
                name: member.name.clone(),
            });
        }
    }
    for (id, asset) in &after.assets {
        if !before.assets.contains_key(id) {
            result.assets_added.push(Named {
                id: *id,
                name: asset.title.clone(),
            });
        }
    }
    for (id, asset) in &before.assets {
        if !after.assets.contains_key(id) {
            result.assets_removed.push(Named {
                id: *id,
                name: asset.title.clone(),
            });
        }
    }
    result
}
