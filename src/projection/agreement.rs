//! Two versions of a partnership's agreement side by side: each section that differs, its text
//! in both versions and the words removed and added, so that colleagues see what an amendment
//! changed without reading both texts. Built from the agreement's versions as the state keeps
//! them ([`Agreement::sections_at`]); the words are compared with the `similar` crate.

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

use crate::domain::state::Agreement;
use crate::domain::vocabulary::AgreementSection;

/// What a run of words did between the two versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WordChange {
    /// In both.
    Kept,
    /// Only in the earlier version.
    Removed,
    /// Only in the later version.
    Added,
}

/// A run of words (with the spaces between them) and what happened to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Words {
    /// Kept, removed or added.
    pub change: WordChange,
    /// The words.
    pub text: String,
}

/// One section that differs between the two versions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SectionDiff {
    /// The section.
    pub section: AgreementSection,
    /// Its text in the earlier version (none: not written yet, or removed).
    pub from_text: Option<String>,
    /// Its text in the later version.
    pub to_text: Option<String>,
    /// The text as runs of kept, removed and added words, in reading order.
    pub words: Vec<Words>,
}

/// Two versions of an agreement compared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AgreementDiff {
    /// The earlier version.
    pub from: u32,
    /// The later version.
    pub to: u32,
    /// The sections that differ, in the agreement's order of sections.
    pub sections: Vec<SectionDiff>,
}

/// Compares versions `from` and `to` of `agreement` (0 is the empty agreement before the
/// first text; `from` may be later than `to`, to see a change undone).
///
/// # Errors
/// A sentence naming the version the agreement does not have.
pub fn agreement_diff(agreement: &Agreement, from: u32, to: u32) -> Result<AgreementDiff, String> {
    let missing = |version: u32| {
        format!(
            "the agreement has no version {version}; its versions are 0 (empty) to {}",
            agreement.version
        )
    };
    let before = agreement.sections_at(from).ok_or_else(|| missing(from))?;
    let after = agreement.sections_at(to).ok_or_else(|| missing(to))?;
    let mut sections: Vec<AgreementSection> = before.keys().chain(after.keys()).copied().collect();
    sections.sort_unstable();
    sections.dedup();
    let sections = sections
        .into_iter()
        .filter_map(|section| {
            let from_text = before.get(&section).cloned();
            let to_text = after.get(&section).cloned();
            (from_text != to_text).then(|| SectionDiff {
                section,
                words: words(
                    from_text.as_deref().unwrap_or(""),
                    to_text.as_deref().unwrap_or(""),
                ),
                from_text,
                to_text,
            })
        })
        .collect();
    Ok(AgreementDiff { from, to, sections })
}

/// The words of `from` and `to` as runs of kept, removed and added words.
fn words(from: &str, to: &str) -> Vec<Words> {
    let mut runs: Vec<Words> = Vec::new();
    for change in TextDiff::from_words(from, to).iter_all_changes() {
        let kind = match change.tag() {
            ChangeTag::Equal => WordChange::Kept,
            ChangeTag::Delete => WordChange::Removed,
            ChangeTag::Insert => WordChange::Added,
        };
        match runs.last_mut() {
            Some(last) if last.change == kind => last.text.push_str(change.value()),
            _ => runs.push(Words {
                change: kind,
                text: change.value().to_owned(),
            }),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::events::SectionChange;
    use crate::domain::state::AgreementVersion;

    fn amended(
        version: u32,
        section: AgreementSection,
        before: Option<&str>,
        after: &str,
    ) -> AgreementVersion {
        AgreementVersion {
            version,
            changes: vec![SectionChange {
                section,
                before: before.map(str::to_owned),
                after: Some(after.to_owned()),
            }],
            reason: String::new(),
            actor: "anna".into(),
            amended_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn the_changed_words_of_a_section_are_shown_between_any_two_versions() {
        let purpose = AgreementSection::Purpose;
        let exit = AgreementSection::Exit;
        let agreement = Agreement {
            version: 3,
            versions: vec![
                amended(1, purpose, None, "Reading at the festival"),
                amended(2, exit, None, "One month's notice"),
                amended(
                    3,
                    purpose,
                    Some("Reading at the festival"),
                    "Reading and music at the summer festival",
                ),
            ],
            ..Agreement::default()
        };

        let diff = agreement_diff(&agreement, 1, 3).unwrap();

        assert_eq!(diff.sections.len(), 2, "{diff:?}");
        let purpose_diff = &diff.sections[0];
        assert_eq!(purpose_diff.section, purpose);
        assert_eq!(
            purpose_diff.from_text.as_deref(),
            Some("Reading at the festival")
        );
        let added: Vec<&str> = purpose_diff
            .words
            .iter()
            .filter(|run| run.change == WordChange::Added)
            .map(|run| run.text.as_str())
            .collect();
        assert_eq!(
            added.concat().split_whitespace().collect::<Vec<_>>(),
            ["and", "music", "summer"]
        );
        assert!(purpose_diff
            .words
            .iter()
            .all(|run| run.change != WordChange::Removed));
        // The runs read as the later text when the removed ones are left out.
        let later: String = purpose_diff
            .words
            .iter()
            .filter(|run| run.change != WordChange::Removed)
            .map(|run| run.text.as_str())
            .collect();
        assert_eq!(later, "Reading and music at the summer festival");
        assert_eq!(diff.sections[1].section, exit);
        assert_eq!(diff.sections[1].from_text, None);

        assert!(agreement_diff(&agreement, 3, 3)
            .unwrap()
            .sections
            .is_empty());
        assert_eq!(
            agreement_diff(&agreement, 1, 4).unwrap_err(),
            "the agreement has no version 4; its versions are 0 (empty) to 3"
        );
    }
}
