//! Everything that can happen in a workspace, in past tense: the events of the log.
//!
//! A [`DomainEvent`] is stored as the log's `event_type` (the variant name) and `payload` (its
//! fields). Events are facts: they are never validated when applied, only when decided
//! (see [`super::decide()`]). Who made a change and when come from the log's metadata, not
//! from the payload. Personal data of contact persons sits in its own [`PersonalData`] value
//! so that it can later be encrypted per person and erased without touching the rest.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::vocabulary::{
    AgeGroup, AgreementSection, Answer, AssetCategory, Audience, BoardPhase, BoardTemplate,
    EvaluationDecision, Goal, Level, PartnershipForm, Phase, ReadinessItem, Room,
    ScreeningDecision, Sector, SeeksSource, Zone,
};

/// A contact person's name, email and phone: personal data, kept apart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PersonalData {
    /// Full name.
    #[schemars(schema_with = "crate::domain::decide::required_name_schema")]
    pub name: String,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::domain::decide::optional_name_or_null_schema")]
    pub email: Option<String>,
    /// Phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::domain::decide::optional_name_or_null_schema")]
    pub phone: Option<String>,
}

/// Personal data sealed with its person's own key (see `crate::privacy`): destroying the key
/// erases the data everywhere the event was copied, while the log stays append-only and its
/// hash chain intact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SealedPersonalData {
    /// The key's id (the person's id).
    pub key: Uuid,
    /// Nonce and ciphertext (XChaCha20-Poly1305), hex.
    pub sealed: String,
}

/// Personal data as a command carries it (clear) or as the log keeps it (sealed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum PersonalField {
    /// Sealed with the person's key; how every stored event holds it.
    Sealed(SealedPersonalData),
    /// In clear: only between the rules and the sealing before the append.
    Clear(PersonalData),
}

/// One answered screening question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScreeningAnswer {
    /// The question's number, 1 to 14 (see [`super::vocabulary::SCREENING_QUESTIONS`]).
    pub question: u8,
    /// The answer.
    pub answer: Answer,
    /// Why.
    #[serde(default)]
    #[schemars(schema_with = "crate::domain::decide::optional_text_schema")]
    pub note: String,
}

/// One section of an agreement as it was and as it became.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SectionChange {
    /// The section.
    pub section: AgreementSection,
    /// Its text before (none if new).
    pub before: Option<String>,
    /// Its text after (none if removed).
    pub after: Option<String>,
}

/// A success criterion scored by an evaluation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CriterionScore {
    /// What success means, measurably.
    #[schemars(schema_with = "crate::domain::decide::required_name_schema")]
    pub criterion: String,
    /// The target, in words or numbers.
    #[serde(default)]
    #[schemars(schema_with = "crate::domain::decide::optional_name_schema")]
    pub target: String,
    /// 1 (far from it) to 5 (fully met).
    pub score: u8,
    /// Why.
    #[serde(default)]
    #[schemars(schema_with = "crate::domain::decide::optional_text_schema")]
    pub note: String,
}

/// Which party commits a resource.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case", tag = "kind", content = "organisation_id")]
pub enum Party {
    /// The library itself.
    Library,
    /// A partner organisation.
    Organisation(Uuid),
}

/// What a board note was promoted to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum Promotion {
    /// A new organisation in the network database.
    Organisation(Uuid),
    /// A new partnership idea.
    Partnership(Uuid),
}

/// Everything that can happen in a workspace.
#[derive(
    Clone,
    Debug,
    PartialEq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::VariantNames,
    schemars::JsonSchema,
)]
#[serde(tag = "event_type", content = "payload")]
pub enum DomainEvent {
    /// A workspace (a library or library system) was created.
    WorkspaceCreated {
        /// Its name.
        name: String,
        /// What it covers.
        #[serde(default)]
        description: String,
    },
    /// A strategic focus area was mapped onto the library model.
    FocusAreaDefined {
        /// Its id.
        focus_area_id: Uuid,
        /// Its name, e.g. "Det digitale bibliotek".
        name: String,
        /// The goal it serves.
        goal: Goal,
        /// The room it lives in.
        room: Room,
        /// What it means.
        #[serde(default)]
        description: String,
    },
    /// A focus area was removed.
    FocusAreaRemoved {
        /// Its id.
        focus_area_id: Uuid,
    },
    /// A colleague was added to the workspace's staff.
    StaffMemberAdded {
        /// Their id.
        staff_id: Uuid,
        /// Their name.
        name: String,
        /// Their team.
        team: String,
        /// What they are good at.
        competences: Vec<String>,
    },
    /// A colleague's team or competences changed.
    StaffMemberUpdated {
        /// Their id.
        staff_id: Uuid,
        /// Their team now.
        team: String,
        /// Their competences now.
        competences: Vec<String>,
    },
    /// A colleague left; the contacts they held need a new holder.
    StaffMemberLeft {
        /// Their id.
        staff_id: Uuid,
        /// Why, briefly.
        #[serde(default)]
        reason: String,
    },
    /// The list of competences the library would like to have was set.
    WantedCompetencesSet {
        /// The competences.
        competences: Vec<String>,
    },
    /// An organisation entered the network database.
    OrganisationRegistered {
        /// Its id.
        organisation_id: Uuid,
        /// Its name.
        name: String,
        /// Its sector.
        sector: Sector,
        /// What kind of organisation: museum, festival, union, school, ...
        kind: String,
        /// Free tags.
        tags: Vec<String>,
        /// What the library talks with it about.
        topics: Vec<String>,
        /// Its website.
        website: Option<String>,
        /// The user age groups it can reach.
        age_groups: Vec<AgeGroup>,
        /// The library rooms it fits.
        rooms: Vec<Room>,
    },
    /// Some facts about an organisation changed (only the changed fields are present).
    OrganisationUpdated {
        /// Its id.
        organisation_id: Uuid,
        /// New name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// New sector.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sector: Option<Sector>,
        /// New kind.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kind: Option<String>,
        /// New tags.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tags: Option<Vec<String>>,
        /// New topics.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        topics: Option<Vec<String>>,
        /// New website.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        website: Option<String>,
        /// New age groups.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        age_groups: Option<Vec<AgeGroup>>,
        /// New rooms.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rooms: Option<Vec<Room>>,
    },
    /// What an organisation seeks from a partnership with the library was recorded (the
    /// whole list, replacing the one before).
    OrganisationSeeksRecorded {
        /// Its id.
        organisation_id: Uuid,
        /// What it seeks.
        seeks: Vec<String>,
        /// Where the library learned it.
        #[serde(default)]
        source: SeeksSource,
    },
    /// A colleague holds the contact with an organisation, about some topics.
    ContactHolderAssigned {
        /// The organisation.
        organisation_id: Uuid,
        /// The colleague.
        staff_id: Uuid,
        /// What they talk about.
        topics: Vec<String>,
    },
    /// A colleague no longer holds the contact.
    ContactHolderRemoved {
        /// The organisation.
        organisation_id: Uuid,
        /// The colleague.
        staff_id: Uuid,
    },
    /// A contact person at an organisation was recorded.
    ContactPersonAdded {
        /// The organisation.
        organisation_id: Uuid,
        /// The person's id.
        person_id: Uuid,
        /// Their role at the organisation.
        role: String,
        /// Name, email and phone: personal data, sealed in the log.
        personal: PersonalField,
    },
    /// A contact person's personal data was erased (right to erasure): their key is destroyed,
    /// so their name, email and phone are unreadable in the log, the views and any export made
    /// afterwards.
    ContactPersonErased {
        /// The organisation.
        organisation_id: Uuid,
        /// The person.
        person_id: Uuid,
        /// Why (e.g. "request from the person, 2026-11-24").
        #[serde(default)]
        reason: String,
    },
    /// A contact person was removed.
    ContactPersonRemoved {
        /// The organisation.
        organisation_id: Uuid,
        /// The person.
        person_id: Uuid,
    },
    /// The relation with an organisation moved on the network circle (or began or ended).
    RelationLevelChanged {
        /// The organisation.
        organisation_id: Uuid,
        /// The level before (none: no relation yet).
        from: Option<Level>,
        /// The level after (none: the relation ended).
        to: Option<Level>,
        /// Why: the story of the move.
        reason: String,
        /// When it happened, if not when it was recorded.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        occurred_on: Option<NaiveDate>,
    },
    /// A node of the network map (the library, a team, a colleague or an organisation) was
    /// put in a place on the map by hand, so every colleague and every replay draws it there.
    NodePlaced {
        /// The node: the workspace id for the library, a team's node id, a staff id or an
        /// organisation id.
        node_id: Uuid,
        /// Horizontal place, in map units.
        x: i32,
        /// Vertical place, in map units.
        y: i32,
    },
    /// A partnership was proposed (phase 1, idea).
    PartnershipProposed {
        /// Its id.
        partnership_id: Uuid,
        /// Its title.
        title: String,
        /// The partner organisations.
        partner_ids: Vec<Uuid>,
        /// What it is for.
        purpose: String,
        /// Activity or frame.
        form: PartnershipForm,
        /// The goals it serves.
        goals: Vec<Goal>,
        /// The rooms it serves.
        rooms: Vec<Room>,
        /// The age groups it serves.
        age_groups: Vec<AgeGroup>,
        /// The colleague who owns it.
        owner_id: Option<Uuid>,
        /// Priority, e.g. the votes of the workshop note it came from.
        #[serde(default)]
        priority: u32,
        /// Structured tags, e.g. from the note's zone.
        #[serde(default)]
        tags: Vec<String>,
    },
    /// Some facts about a partnership changed (only the changed fields are present).
    PartnershipUpdated {
        /// Its id.
        partnership_id: Uuid,
        /// New title.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        /// New partners.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        partner_ids: Option<Vec<Uuid>>,
        /// New purpose.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        purpose: Option<String>,
        /// New form.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        form: Option<PartnershipForm>,
        /// New goals.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        goals: Option<Vec<Goal>>,
        /// New rooms.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rooms: Option<Vec<Room>>,
        /// New age groups.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        age_groups: Option<Vec<AgeGroup>>,
        /// New owner.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        owner_id: Option<Uuid>,
    },
    /// A partnership moved to another phase.
    PartnershipPhaseChanged {
        /// Its id.
        partnership_id: Uuid,
        /// The phase before.
        from: Phase,
        /// The phase after.
        to: Phase,
        /// Why.
        #[serde(default)]
        note: String,
    },
    /// A partnership was screened with the fourteen questions, and a decision recorded.
    PartnershipScreened {
        /// Its id.
        partnership_id: Uuid,
        /// All fourteen answers.
        answers: Vec<ScreeningAnswer>,
        /// Sum of the answers' points.
        score: u32,
        /// The highest possible score (28).
        max_score: u32,
        /// The decision.
        decision: ScreeningDecision,
        /// Why.
        #[serde(default)]
        decision_note: String,
    },
    /// The agreement was amended; the changes carry the text before and after.
    AgreementAmended {
        /// The partnership.
        partnership_id: Uuid,
        /// The agreement's version after the amendment (1 for the first text).
        version: u32,
        /// The sections that changed.
        changes: Vec<SectionChange>,
        /// Why it changed.
        #[serde(default)]
        reason: String,
    },
    /// A party committed resources to a partnership.
    ResourcesCommitted {
        /// The partnership.
        partnership_id: Uuid,
        /// The commitment's id.
        commitment_id: Uuid,
        /// Who commits.
        party: Party,
        /// What: rooms, staff hours, money, reach, ...
        description: String,
        /// Staff hours, if counted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hours: Option<u32>,
        /// Money in DKK, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        amount_dkk: Option<u64>,
    },
    /// A partnership was evaluated.
    PartnershipEvaluated {
        /// The partnership.
        partnership_id: Uuid,
        /// The evaluation's id.
        evaluation_id: Uuid,
        /// When.
        evaluated_on: NaiveDate,
        /// The success criteria and their scores.
        criteria: Vec<CriterionScore>,
        /// What happened, in words.
        narrative: String,
        /// Continue, adjust or end.
        decision: EvaluationDecision,
        /// When the next evaluation is due.
        next_evaluation_due: Option<NaiveDate>,
    },
    /// A communication was planned: who informs whom, about what, when, through which channel.
    CommunicationPlanned {
        /// The partnership.
        partnership_id: Uuid,
        /// The plan item's id.
        item_id: Uuid,
        /// Internal or external.
        audience: Audience,
        /// Who informs.
        sender: String,
        /// Whom.
        recipients: String,
        /// About what.
        about: String,
        /// When (a date or a rhythm, e.g. "monthly").
        when: String,
        /// Through which channel.
        channel: String,
    },
    /// A communication was sent.
    CommunicationSent {
        /// The partnership.
        partnership_id: Uuid,
        /// The plan item it fulfils, if any.
        item_id: Option<Uuid>,
        /// When.
        sent_on: NaiveDate,
        /// Through which channel.
        channel: String,
        /// What was said.
        summary: String,
    },
    /// An item of the readiness checklist was ticked (by the event's actor, at its time).
    ReadinessItemTicked {
        /// The partnership.
        partnership_id: Uuid,
        /// The item.
        item: ReadinessItem,
        /// Evidence or a remark.
        #[serde(default)]
        note: String,
    },
    /// An item of the readiness checklist was unticked.
    ReadinessItemUnticked {
        /// The partnership.
        partnership_id: Uuid,
        /// The item.
        item: ReadinessItem,
        /// Why.
        #[serde(default)]
        reason: String,
    },
    /// A partnership ended.
    PartnershipEnded {
        /// The partnership.
        partnership_id: Uuid,
        /// The phase it ended from.
        from: Phase,
        /// Why.
        reason: String,
        /// When, if not when recorded.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ended_on: Option<NaiveDate>,
    },
    /// Something the library offers partners was added to the assets list.
    AssetAdded {
        /// Its id.
        asset_id: Uuid,
        /// Its category.
        category: AssetCategory,
        /// Short title.
        title: String,
        /// What exactly.
        description: String,
        /// The colleague to ask.
        contact_staff_id: Option<Uuid>,
    },
    /// An asset's text changed.
    AssetUpdated {
        /// Its id.
        asset_id: Uuid,
        /// Its category now.
        category: AssetCategory,
        /// Its title now.
        title: String,
        /// Its description now.
        description: String,
    },
    /// An asset was taken off the list.
    AssetRemoved {
        /// Its id.
        asset_id: Uuid,
        /// Why.
        #[serde(default)]
        reason: String,
    },
    /// The colleague to ask about an asset changed (or there is none now).
    AssetContactSet {
        /// The asset.
        asset_id: Uuid,
        /// The staff member to ask, if anyone.
        contact_staff_id: Option<Uuid>,
    },
    /// A share link to the public assets page was made.
    AssetsShareLinkCreated {
        /// Its id.
        link_id: Uuid,
        /// Who or what it is for.
        label: String,
        /// BLAKE3 hash (hex) of its secret (the secret is shown once and never stored).
        secret_hash: String,
    },
    /// A share link was closed: its public page answers 410.
    AssetsShareLinkRevoked {
        /// Its id.
        link_id: Uuid,
    },
    /// A workshop board was created; its creator facilitates it.
    BoardCreated {
        /// Its id.
        board_id: Uuid,
        /// Its title.
        title: String,
        /// Its layout.
        template: BoardTemplate,
        /// Dots each participant may place when voting.
        vote_budget: u32,
    },
    /// The facilitator moved the board to its next phase.
    BoardPhaseChanged {
        /// The board.
        board_id: Uuid,
        /// The phase before.
        from: BoardPhase,
        /// The phase after.
        to: BoardPhase,
        /// Whether authors are hidden in this phase.
        anonymous: bool,
    },
    /// The facilitator opened the vote with rules of its own (recorded with the
    /// `BoardPhaseChanged` to voting, only when the facilitator chose them).
    VotingRulesSet {
        /// The board.
        board_id: Uuid,
        /// Dots each participant may place in this vote.
        vote_budget: u32,
        /// Most dots one participant may place on one note (absent: no limit but the budget).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note_cap: Option<u32>,
    },
    /// The board's facilitation passed to another member.
    FacilitationHanded {
        /// The board.
        board_id: Uuid,
        /// Who facilitated.
        from: String,
        /// Who facilitates now.
        to: String,
    },
    /// The facilitator locked the board: no notes added, moved or voted on.
    BoardLocked {
        /// The board.
        board_id: Uuid,
    },
    /// The facilitator unlocked the board.
    BoardUnlocked {
        /// The board.
        board_id: Uuid,
    },
    /// The facilitator started a timer.
    BoardTimerStarted {
        /// The board.
        board_id: Uuid,
        /// Its length.
        seconds: u32,
        /// When it runs out.
        ends_at: DateTime<Utc>,
    },
    /// The facilitator stopped the timer.
    BoardTimerStopped {
        /// The board.
        board_id: Uuid,
    },
    /// A note was added to a board (its author is the event's actor).
    NoteAdded {
        /// The board.
        board_id: Uuid,
        /// The note's id.
        note_id: Uuid,
        /// What it says.
        text: String,
        /// Where it sits.
        zone: Zone,
        /// Horizontal position on the board.
        x: i32,
        /// Vertical position on the board.
        y: i32,
        /// Its colour, e.g. `#ffd54f`.
        colour: String,
    },
    /// A note's text changed.
    NoteEdited {
        /// The board.
        board_id: Uuid,
        /// The note.
        note_id: Uuid,
        /// Its text now.
        text: String,
    },
    /// A note was moved.
    NoteMoved {
        /// The board.
        board_id: Uuid,
        /// The note.
        note_id: Uuid,
        /// Its zone now.
        zone: Zone,
        /// Horizontal position.
        x: i32,
        /// Vertical position.
        y: i32,
    },
    /// Notes were grouped under a label.
    NotesGrouped {
        /// The board.
        board_id: Uuid,
        /// The group's id.
        group_id: Uuid,
        /// Its label.
        label: String,
        /// The notes in it.
        note_ids: Vec<Uuid>,
    },
    /// A dot was placed on a note (the voter is the event's actor).
    VoteCast {
        /// The board.
        board_id: Uuid,
        /// The note.
        note_id: Uuid,
    },
    /// A dot was taken back.
    VoteRetracted {
        /// The board.
        board_id: Uuid,
        /// The note.
        note_id: Uuid,
    },
    /// A note was promoted to an organisation or a partnership idea, carrying its zone as tags
    /// and its votes as priority. The entity's own registration event follows in the same
    /// command.
    NotePromoted {
        /// The board.
        board_id: Uuid,
        /// The note.
        note_id: Uuid,
        /// What it became.
        to: Promotion,
        /// Its zone as tags.
        tags: Vec<String>,
        /// Its votes.
        priority: u32,
    },
}

impl DomainEvent {
    /// The event's type name, as stored in the log (the variant's name).
    pub fn event_type(&self) -> &'static str {
        self.into()
    }

    /// The ids of the entities this event is about, for per-entity timelines.
    pub fn entity_ids(&self) -> Vec<Uuid> {
        let mut ids = super::entity_ids::payload_ids(self);
        if let DomainEvent::NotePromoted { to, .. } = self {
            match to {
                Promotion::Organisation(id) | Promotion::Partnership(id) => ids.push(*id),
            }
        }
        ids
    }
}
