//! Competences: which the library has, who has them, and which it would like to have but
//! does not (the guide: "Hvilke kompetencer har biblioteket, og hvilke vil det være godt at
//! få?"). Matching is by the words staff use, ignoring case and surrounding space.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::WorkspaceState;

/// A competence and the colleagues who have it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CompetenceHolders {
    /// The competence, as first written.
    pub competence: String,
    /// Colleagues (still at the library) who have it: id and name.
    pub colleagues: Vec<(Uuid, String)>,
}

/// The competences view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CompetencesView {
    /// Every competence some colleague has, alphabetically.
    pub has: Vec<CompetenceHolders>,
    /// Wanted competences no colleague has.
    pub lacks: Vec<String>,
}

fn key(competence: &str) -> String {
    competence.trim().to_lowercase()
}

/// The competences the library has and lacks.
pub fn competences_view(state: &WorkspaceState) -> CompetencesView {
    let mut has: BTreeMap<String, CompetenceHolders> = BTreeMap::new();
    for (id, member) in &state.staff {
        if member.left {
            continue;
        }
        for competence in &member.competences {
            has.entry(key(competence))
                .or_insert_with(|| CompetenceHolders {
                    competence: competence.trim().to_owned(),
                    colleagues: Vec::new(),
                })
                .colleagues
                .push((*id, member.name.clone()));
        }
    }
    let lacks = state
        .wanted_competences
        .iter()
        .filter(|wanted| !has.contains_key(&key(wanted)))
        .cloned()
        .collect();
    CompetencesView {
        has: has.into_values().collect(),
        lacks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{DomainEvent, EventContext};

    #[test]
    fn wanted_competences_nobody_has_are_lacking_and_leavers_take_theirs_along() {
        let mut state = WorkspaceState::new(Uuid::nil());
        let context = EventContext {
            position: 1,
            actor: "jens".into(),
            recorded_at: chrono::Utc::now(),
        };
        let (sofie, mads) = (Uuid::from_u128(1), Uuid::from_u128(2));
        for event in [
            DomainEvent::StaffMemberAdded {
                staff_id: sofie,
                name: "Sofie".into(),
                team: "Digital".into(),
                competences: vec!["IT courses".into(), "Gaming".into()],
            },
            DomainEvent::StaffMemberAdded {
                staff_id: mads,
                name: "Mads".into(),
                team: "Musik".into(),
                competences: vec!["gaming ".into()],
            },
            DomainEvent::WantedCompetencesSet {
                competences: vec!["gaming".into(), "fundraising".into(), "it courses".into()],
            },
        ] {
            state.apply(&event, &context);
        }
        let view = competences_view(&state);
        assert_eq!(view.lacks, vec!["fundraising".to_owned()]);
        let gaming = view.has.iter().find(|c| c.competence == "Gaming").unwrap();
        assert_eq!(gaming.colleagues.len(), 2);

        state.apply(
            &DomainEvent::StaffMemberLeft {
                staff_id: sofie,
                reason: String::new(),
            },
            &context,
        );
        let view = competences_view(&state);
        assert_eq!(
            view.lacks,
            vec!["fundraising".to_owned(), "it courses".to_owned()]
        );
    }
}
