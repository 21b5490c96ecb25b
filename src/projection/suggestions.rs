//! Suggestions: where the portfolio has a gap, who already in the network could fill it, and
//! what the library has that its partners seek. No tool the guide names does this; the guide
//! uses the library model to "overview potential partners already in the network" and the
//! assets list ("Vi kan – Vil du?") to meet what partners seek, and this puts the two side by
//! side.
//!
//! Three lists, each suggestion explained in words in Danish and English
//! ("kender Karen Dahl; passer til det performative rum; søger udstillingsplads"):
//! - for each **empty cell** of the library model (a room and a goal no active partnership
//!   serves): organisations that fit the room, or already work for the goal with the library
//!   in another partnership, or talk with the library about the cell's words;
//! - for each **thin age group** (fewer than [`THIN_AGE_GROUP`] active partnerships serve
//!   it): organisations that reach it and are not already serving it in one;
//! - for each **organisation that seeks something** (its `seeks` list): the assets whose
//!   words meet what it seeks.
//!
//! With each organisation come the colleagues who know it (its contact holders who have not
//! left): the person to ask first. Everything here is a pure function of a folded
//! [`WorkspaceState`]; the lists are sorted, so equal states give equal JSON. Words are
//! compared loosely (lower case, words of four letters or more, a shared stem of five letters
//! counts: "exhibition" meets "exhibitions", "lokaler" meets "lokale").

use std::collections::BTreeSet;

use serde::Serialize;
use uuid::Uuid;

use crate::domain::state::{Organisation, WorkspaceState};
use crate::domain::vocabulary::{AgeGroup, AssetCategory, Goal, Level, Room, Sector};

/// An age group served by fewer active partnerships than this is thin: suggestions look for
/// more partners for it.
pub const THIN_AGE_GROUP: usize = 2;

/// At most this many organisations are suggested for one gap, the best fitting first.
pub const SUGGESTIONS_PER_GAP: usize = 5;

/// A text the server writes, in both languages of the app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Said {
    /// In Danish.
    pub da: String,
    /// In English.
    pub en: String,
}

/// A colleague, named.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct StaffReference {
    /// Their id.
    pub staff_id: Uuid,
    /// Their name.
    pub name: String,
}

/// Why an organisation is suggested: one fact, in the order the explanation says them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Reason {
    /// Colleagues at the library hold the contact.
    KnownBy {
        /// Their names.
        names: Vec<String>,
    },
    /// It fits the room.
    FitsRoom {
        /// The room.
        room: Room,
    },
    /// It already works for the goal with the library, in another partnership.
    ServesGoal {
        /// The goal.
        goal: Goal,
    },
    /// The library talks with it about something in the gap's words.
    TalksAbout {
        /// The topic, as recorded.
        topic: String,
    },
    /// It reaches the age group.
    ReachesAgeGroup {
        /// The age group.
        age_group: AgeGroup,
    },
    /// What it seeks from the library.
    Seeks {
        /// What, as recorded.
        what: Vec<String>,
    },
}

impl Reason {
    fn said(&self) -> Said {
        match self {
            Reason::KnownBy { names } => Said {
                da: format!("kender {}", names.join(" og ")),
                en: format!("knows {}", names.join(" and ")),
            },
            Reason::FitsRoom { room } => Said {
                da: format!("passer til {}", room.danish()),
                en: format!("fits the {room}"),
            },
            Reason::ServesGoal { goal } => Said {
                da: format!("arbejder allerede for {} med biblioteket", goal.danish()),
                en: format!("already works for {goal} with the library"),
            },
            Reason::TalksAbout { topic } => Said {
                da: format!("taler med os om {topic}"),
                en: format!("talks with us about {topic}"),
            },
            Reason::ReachesAgeGroup { age_group } => Said {
                da: format!("arbejder med {}", age_group.danish()),
                en: format!("works with {age_group}"),
            },
            Reason::Seeks { what } => Said {
                da: format!("søger {}", what.join(", ")),
                en: format!("seeks {}", what.join(", ")),
            },
        }
    }
}

/// An organisation of the network suggested for a gap.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SuggestedOrganisation {
    /// Its id.
    pub organisation_id: Uuid,
    /// Its name.
    pub name: String,
    /// Its sector.
    pub sector: Sector,
    /// Its level on the network circle now (absent: no relation yet).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// Who at the library knows it, by name.
    pub known_by: Vec<StaffReference>,
    /// Why it is suggested.
    pub reasons: Vec<Reason>,
    /// The reasons in words, joined by semicolons.
    pub explanation: Said,
}

/// An empty cell of the library model and who could fill it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CellSuggestions {
    /// The room.
    pub room: Room,
    /// The goal.
    pub goal: Goal,
    /// The best fitting organisations, at most [`SUGGESTIONS_PER_GAP`].
    pub organisations: Vec<SuggestedOrganisation>,
}

/// A thin age group and who could serve it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AgeGroupSuggestions {
    /// The age group.
    pub age_group: AgeGroup,
    /// Active partnerships serving it now.
    pub active_partnerships: usize,
    /// Organisations reaching it that serve it in no active partnership, at most
    /// [`SUGGESTIONS_PER_GAP`].
    pub organisations: Vec<SuggestedOrganisation>,
}

/// One of the library's assets that meets what a partner seeks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AssetMatch {
    /// The asset.
    pub asset_id: Uuid,
    /// Its title.
    pub title: String,
    /// Its category.
    pub category: AssetCategory,
    /// The colleague to ask about it, if named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<StaffReference>,
    /// What of the partner's list it meets.
    pub meets: Vec<String>,
    /// The match in words.
    pub explanation: Said,
}

/// An organisation that seeks something, and the assets that meet it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PartnerAssets {
    /// The organisation.
    pub organisation_id: Uuid,
    /// Its name.
    pub name: String,
    /// What it seeks.
    pub seeks: Vec<String>,
    /// The assets that meet some of it, by title (none: the library has nothing listed yet).
    pub assets: Vec<AssetMatch>,
}

/// Every suggestion for a workspace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SuggestionsView {
    /// Each empty cell, rooms then goals in the guide's order.
    pub cells: Vec<CellSuggestions>,
    /// Each thin age group, in the guide's order.
    pub age_groups: Vec<AgeGroupSuggestions>,
    /// Each organisation with a non-empty `seeks` list, by name.
    pub partners: Vec<PartnerAssets>,
}

/// The suggestions for `state`.
pub fn suggestions_view(state: &WorkspaceState) -> SuggestionsView {
    let active: Vec<_> = state
        .partnerships
        .values()
        .filter(|partnership| partnership.is_active())
        .collect();
    let mut organisations: Vec<(Uuid, &Organisation)> = state
        .organisations
        .iter()
        .map(|(id, organisation)| (*id, &**organisation))
        .collect();
    organisations.sort_by(|(first_id, first), (second_id, second)| {
        (&first.name, first_id).cmp(&(&second.name, second_id))
    });

    let mut cells = Vec::new();
    for room in Room::ALL {
        for goal in Goal::ALL {
            let served = active.iter().any(|partnership| {
                partnership.rooms.contains(room) && partnership.goals.contains(goal)
            });
            if served {
                continue;
            }
            let cell_words = cell_words(state, *room, *goal);
            let candidates = organisations.iter().filter_map(|(id, organisation)| {
                let mut reasons = Vec::new();
                if organisation.rooms.contains(room) {
                    reasons.push(Reason::FitsRoom { room: *room });
                }
                let serves_goal = state.partnerships.values().any(|partnership| {
                    partnership.partner_ids.contains(id) && partnership.goals.contains(goal)
                });
                if serves_goal {
                    reasons.push(Reason::ServesGoal { goal: *goal });
                }
                if let Some(topic) = topics_of(organisation)
                    .into_iter()
                    .find(|topic| meets(topic, &cell_words))
                {
                    reasons.push(Reason::TalksAbout { topic });
                }
                (!reasons.is_empty()).then_some((*id, *organisation, reasons))
            });
            cells.push(CellSuggestions {
                room: *room,
                goal: *goal,
                organisations: best(state, candidates),
            });
        }
    }

    let mut age_groups = Vec::new();
    for age_group in AgeGroup::ALL {
        let serving: Vec<_> = active
            .iter()
            .filter(|partnership| partnership.age_groups.contains(age_group))
            .collect();
        if serving.len() >= THIN_AGE_GROUP {
            continue;
        }
        let candidates = organisations.iter().filter_map(|(id, organisation)| {
            let already = serving
                .iter()
                .any(|partnership| partnership.partner_ids.contains(id));
            (organisation.age_groups.contains(age_group) && !already).then(|| {
                (
                    *id,
                    *organisation,
                    vec![Reason::ReachesAgeGroup {
                        age_group: *age_group,
                    }],
                )
            })
        });
        age_groups.push(AgeGroupSuggestions {
            age_group: *age_group,
            active_partnerships: serving.len(),
            organisations: best(state, candidates),
        });
    }

    SuggestionsView {
        cells,
        age_groups,
        partners: organisations
            .iter()
            .filter(|(_, organisation)| !organisation.seeks.is_empty())
            .map(|(id, organisation)| partner_assets(state, *id, organisation))
            .collect(),
    }
}

/// The words a cell is about: its room and goal in both languages, and the focus areas on it.
fn cell_words(state: &WorkspaceState, room: Room, goal: Goal) -> Vec<String> {
    let mut words = vec![
        room.label().trim_end_matches(" room").to_owned(),
        room.danish().to_owned(),
        goal.label().to_owned(),
        goal.danish().to_owned(),
    ];
    for focus_area in state
        .focus_areas
        .values()
        .filter(|focus_area| focus_area.room == room && focus_area.goal == goal)
    {
        words.push(focus_area.name.clone());
        words.push(focus_area.description.clone());
    }
    words
}

/// What the library talks with an organisation about: its topics, then its contact holders'
/// topics, each once.
fn topics_of(organisation: &Organisation) -> Vec<String> {
    let mut seen = BTreeSet::new();
    organisation
        .topics
        .iter()
        .chain(
            organisation
                .contact_holders
                .values()
                .flat_map(|holder| holder.topics.iter()),
        )
        .filter(|topic| seen.insert(topic.to_lowercase()))
        .cloned()
        .collect()
}

/// The candidates with the reasons every suggestion shares added (who knows them, what they
/// seek), the best fitting first: most reasons of fit, then known by someone, then by name.
fn best<'a>(
    state: &WorkspaceState,
    candidates: impl Iterator<Item = (Uuid, &'a Organisation, Vec<Reason>)>,
) -> Vec<SuggestedOrganisation> {
    let mut suggested: Vec<(usize, SuggestedOrganisation)> = candidates
        .map(|(organisation_id, organisation, fits)| {
            let fit = fits.len();
            let known_by = known_by(state, organisation);
            let mut reasons = Vec::with_capacity(fits.len() + 2);
            if !known_by.is_empty() {
                reasons.push(Reason::KnownBy {
                    names: known_by.iter().map(|staff| staff.name.clone()).collect(),
                });
            }
            reasons.extend(fits);
            if !organisation.seeks.is_empty() {
                reasons.push(Reason::Seeks {
                    what: organisation.seeks.clone(),
                });
            }
            (
                fit,
                SuggestedOrganisation {
                    organisation_id,
                    name: organisation.name.clone(),
                    sector: organisation.sector,
                    level: organisation.level,
                    known_by,
                    explanation: explain(&reasons),
                    reasons,
                },
            )
        })
        .collect();
    // Stable: candidates arrive sorted by name.
    suggested.sort_by_key(|(fit, suggestion)| {
        (
            std::cmp::Reverse(*fit),
            std::cmp::Reverse(!suggestion.known_by.is_empty()),
        )
    });
    suggested
        .into_iter()
        .take(SUGGESTIONS_PER_GAP)
        .map(|(_, suggestion)| suggestion)
        .collect()
}

/// The colleagues holding the contact with an organisation who have not left, by name.
fn known_by(state: &WorkspaceState, organisation: &Organisation) -> Vec<StaffReference> {
    let mut known_by: Vec<StaffReference> = organisation
        .contact_holders
        .keys()
        .filter_map(|staff_id| {
            let member = state.staff.get(staff_id).filter(|member| !member.left)?;
            Some(StaffReference {
                staff_id: *staff_id,
                name: member.name.clone(),
            })
        })
        .collect();
    known_by.sort_by(|first, second| {
        (&first.name, first.staff_id).cmp(&(&second.name, second.staff_id))
    });
    known_by
}

fn explain(reasons: &[Reason]) -> Said {
    let said: Vec<Said> = reasons.iter().map(Reason::said).collect();
    Said {
        da: said
            .iter()
            .map(|said| said.da.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        en: said
            .iter()
            .map(|said| said.en.as_str())
            .collect::<Vec<_>>()
            .join("; "),
    }
}

fn partner_assets(
    state: &WorkspaceState,
    organisation_id: Uuid,
    organisation: &Organisation,
) -> PartnerAssets {
    let mut assets: Vec<AssetMatch> = state
        .assets
        .iter()
        .filter_map(|(asset_id, asset)| {
            let offered = [
                asset.title.as_str(),
                asset.description.as_str(),
                asset.category.label(),
            ];
            let meets: Vec<String> = organisation
                .seeks
                .iter()
                .filter(|sought| meets(sought, &offered))
                .cloned()
                .collect();
            if meets.is_empty() {
                return None;
            }
            let contact = asset.contact_staff_id.and_then(|staff_id| {
                state.staff.get(&staff_id).map(|member| StaffReference {
                    staff_id,
                    name: member.name.clone(),
                })
            });
            let wanted = meets.join(", ");
            let mut explanation = Said {
                da: format!(
                    "{} søger {wanted}; biblioteket tilbyder {}",
                    organisation.name, asset.title
                ),
                en: format!(
                    "{} seeks {wanted}; the library offers {}",
                    organisation.name, asset.title
                ),
            };
            if let Some(contact) = &contact {
                explanation
                    .da
                    .push_str(&format!("; spørg {}", contact.name));
                explanation.en.push_str(&format!("; ask {}", contact.name));
            }
            Some(AssetMatch {
                asset_id: *asset_id,
                title: asset.title.clone(),
                category: asset.category,
                contact,
                meets,
                explanation,
            })
        })
        .collect();
    assets.sort_by(|first, second| {
        (&first.title, first.asset_id).cmp(&(&second.title, second.asset_id))
    });
    PartnerAssets {
        organisation_id,
        name: organisation.name.clone(),
        seeks: organisation.seeks.clone(),
        assets,
    }
}

/// Words too common to say what a text is about.
const COMMON_WORDS: &[&str] = &[
    "with",
    "from",
    "that",
    "this",
    "their",
    "there",
    "have",
    "into",
    "about",
    "goal",
    "other",
    "every",
    "like",
    "some",
    "more",
    "også",
    "eller",
    "efter",
    "over",
    "under",
    "deres",
    "være",
    "som",
    "rummet",
    "biblioteket",
    "library",
    "libraries",
];

/// The words of a text that can carry its meaning: lower case, four letters or more, not
/// common.
fn content_words(text: &str) -> Vec<String> {
    text.split(|character: char| !character.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|word| word.chars().count() >= 4 && !COMMON_WORDS.contains(&word.as_str()))
        .collect()
}

/// Whether two words share a stem: equal, or the same first five letters.
fn same_stem(first: &str, second: &str) -> bool {
    first == second
        || first
            .chars()
            .zip(second.chars())
            .take_while(|(one, other)| one == other)
            .count()
            >= 5
}

/// Whether `sought` meets any of `offered`: a content word of each shares a stem.
fn meets<S: AsRef<str>>(sought: &str, offered: &[S]) -> bool {
    let sought = content_words(sought);
    offered.iter().any(|text| {
        content_words(text.as_ref())
            .iter()
            .any(|word| sought.iter().any(|wanted| same_stem(wanted, word)))
    })
}

#[cfg(test)]
mod tests;
