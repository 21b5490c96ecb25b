//! Partnerships as the workspace's state holds them: each partnership's file (screening,
//! agreement, resources, evaluations, communication, ticks, ending).

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::events::{CriterionScore, Party, ScreeningAnswer, SectionChange};
use crate::domain::state::ChunkedLog;
use crate::domain::vocabulary::{
    by_agreement_section, AgeGroup, AgreementSection, Audience, EvaluationDecision, Goal,
    PartnershipForm, Phase, ReadinessItem, Room, ScreeningDecision,
};

/// A screening's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Screening {
    /// The answers.
    pub answers: Vec<ScreeningAnswer>,
    /// Points.
    pub score: u32,
    /// Highest possible points.
    pub max_score: u32,
    /// The decision.
    pub decision: ScreeningDecision,
    /// Why.
    pub decision_note: String,
    /// Who screened.
    pub actor: String,
    /// When.
    #[serde(with = "crate::domain::moment")]
    #[schemars(with = "DateTime<Utc>")]
    pub recorded_at: DateTime<Utc>,
}

/// The agreement: versioned sections.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Agreement {
    /// 0 before the first text.
    pub version: u32,
    /// The current text of each section.
    #[schemars(schema_with = "by_agreement_section::<String>")]
    pub sections: BTreeMap<AgreementSection, String>,
    /// When it last changed.
    pub amended_at: Option<DateTime<Utc>>,
    /// The version in which each section last changed: an amendment based on an earlier
    /// version conflicts only with changes to the sections it changes itself.
    #[serde(default)]
    #[schemars(schema_with = "by_agreement_section::<u32>")]
    pub section_versions: BTreeMap<AgreementSection, u32>,
    /// Every version, oldest first: what changed, why, by whom and when.
    #[serde(default)]
    pub versions: Vec<AgreementVersion>,
}

/// One version of an agreement: the amendment that made it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AgreementVersion {
    /// Its number (1 for the first text).
    pub version: u32,
    /// The sections that changed, as they were and as they became.
    pub changes: Vec<SectionChange>,
    /// Why.
    pub reason: String,
    /// Who amended it.
    pub actor: String,
    /// When.
    #[serde(with = "crate::domain::moment")]
    #[schemars(with = "DateTime<Utc>")]
    pub amended_at: DateTime<Utc>,
}

impl Agreement {
    /// The text of every section at `version` (0: before the first text), `None` when the
    /// agreement has no such version.
    pub fn sections_at(&self, version: u32) -> Option<BTreeMap<AgreementSection, String>> {
        if version > self.version {
            return None;
        }
        let mut sections = BTreeMap::new();
        for amendment in self.versions.iter().take_while(|v| v.version <= version) {
            for change in &amendment.changes {
                match &change.after {
                    Some(text) => {
                        sections.insert(change.section, text.clone());
                    }
                    None => {
                        sections.remove(&change.section);
                    }
                }
            }
        }
        Some(sections)
    }
}

/// Resources a party committed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ResourceCommitment {
    /// Its id.
    pub commitment_id: Uuid,
    /// Who.
    pub party: Party,
    /// What.
    pub description: String,
    /// Staff hours.
    pub hours: Option<u32>,
    /// Money.
    pub amount_dkk: Option<u64>,
}

/// An evaluation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Evaluation {
    /// Its id.
    pub evaluation_id: Uuid,
    /// When.
    pub evaluated_on: NaiveDate,
    /// Criteria and scores.
    pub criteria: Vec<CriterionScore>,
    /// In words.
    pub narrative: String,
    /// Continue, adjust or end.
    pub decision: EvaluationDecision,
    /// Next one due.
    pub next_evaluation_due: Option<NaiveDate>,
}

/// A line of the communication plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CommunicationItem {
    /// Internal or external.
    pub audience: Audience,
    /// Who informs.
    pub sender: String,
    /// Whom.
    pub recipients: String,
    /// About what.
    pub about: String,
    /// When.
    pub when: String,
    /// Channel.
    pub channel: String,
}

/// A communication that was sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SentCommunication {
    /// The plan item, if any.
    pub item_id: Option<Uuid>,
    /// When.
    pub sent_on: NaiveDate,
    /// Channel.
    pub channel: String,
    /// What.
    pub summary: String,
    /// Who recorded it.
    pub actor: String,
}

/// A ticked checklist item: who and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Tick {
    /// Who ticked it.
    pub actor: String,
    /// When.
    #[serde(with = "crate::domain::moment")]
    #[schemars(with = "DateTime<Utc>")]
    pub recorded_at: DateTime<Utc>,
    /// Evidence or remark.
    pub note: String,
}

/// How a partnership ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Ending {
    /// Why.
    pub reason: String,
    /// When it was recorded.
    #[serde(with = "crate::domain::moment")]
    #[schemars(with = "DateTime<Utc>")]
    pub recorded_at: DateTime<Utc>,
    /// When it happened, if stated.
    pub ended_on: Option<NaiveDate>,
}

/// A partnership's file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Partnership {
    /// Title.
    pub title: String,
    /// Partner organisations.
    pub partner_ids: Vec<Uuid>,
    /// Purpose.
    pub purpose: String,
    /// Activity or frame.
    pub form: PartnershipForm,
    /// Goals served.
    pub goals: Vec<Goal>,
    /// Rooms served.
    pub rooms: Vec<Room>,
    /// Age groups served.
    pub age_groups: Vec<AgeGroup>,
    /// Owning colleague.
    pub owner_id: Option<Uuid>,
    /// Current phase.
    pub phase: Phase,
    /// Priority (votes of the note it came from).
    pub priority: u32,
    /// Tags.
    pub tags: Vec<String>,
    /// The latest screening (replaced whole, shared with snapshots).
    pub screening: Option<Arc<Screening>>,
    /// The screenings before the latest, oldest first: a partnership screened again (after
    /// "postpone", or when it changed) keeps what was answered and decided before.
    #[serde(default)]
    pub earlier_screenings: Vec<Arc<Screening>>,
    /// The agreement (copied only when amended, shared with snapshots otherwise).
    pub agreement: Arc<Agreement>,
    /// Resources from each party, held inline in their chunks: the portfolio sums them over
    /// every active partnership per "as of" query, and an `Arc` each was a cache miss each.
    pub resources: ChunkedLog<ResourceCommitment>,
    /// Evaluations, oldest first.
    pub evaluations: ChunkedLog<Arc<Evaluation>>,
    /// The communication plan.
    pub communication_plan: BTreeMap<Uuid, Arc<CommunicationItem>>,
    /// What was sent.
    pub communications_sent: ChunkedLog<Arc<SentCommunication>>,
    /// The readiness checklist: ticked items.
    pub readiness: BTreeMap<ReadinessItem, Arc<Tick>>,
    /// How it ended, if it did.
    pub ending: Option<Ending>,
    /// When it was proposed.
    #[serde(with = "crate::domain::moment")]
    #[schemars(with = "DateTime<Utc>")]
    pub proposed_at: DateTime<Utc>,
}

impl Partnership {
    /// Whether it is active (not ended).
    pub fn is_active(&self) -> bool {
        self.ending.is_none()
    }

    /// When the next evaluation is due: the latest evaluation's due date.
    pub fn next_evaluation_due(&self) -> Option<NaiveDate> {
        self.evaluations
            .last()
            .and_then(|evaluation| evaluation.next_evaluation_due)
    }
}
