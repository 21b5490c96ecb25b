//! Everything a user can ask of a workspace, in the imperative: the commands.
//!
//! Commands carry the ids of what they create (chosen by the client, so a retried command
//! refers to the same entity) and are decided by [`super::decide()`] against the current
//! [`super::WorkspaceState`]. On the wire a command is a JSON object with a `type` naming it.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::events::{CriterionScore, Party, PersonalData, ScreeningAnswer};
pub use super::network::import::ImportedOrganisation;
use super::vocabulary::{
    AgeGroup, AgreementSection, AssetCategory, Audience, BoardPhase, BoardTemplate,
    EvaluationDecision, Goal, Level, PartnershipForm, Phase, ReadinessItem, Room,
    ScreeningDecision, Sector, SeeksSource, Zone,
};

/// What a promoted note becomes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "becomes")]
pub enum PromoteTo {
    /// A new organisation in the network database.
    Organisation {
        /// Its id.
        organisation_id: Uuid,
        /// Its name (defaults to the note's text).
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::required_name_or_null_schema")]
        name: Option<String>,
        /// Its sector.
        sector: Sector,
        /// Its kind.
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::optional_name_schema")]
        kind: String,
    },
    /// A new partnership idea.
    PartnershipIdea {
        /// Its id.
        partnership_id: Uuid,
        /// Its title (defaults to the note's text).
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::required_name_or_null_schema")]
        title: Option<String>,
    },
}

/// Everything a user can ask of a workspace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum Command {
    /// Create the workspace.
    CreateWorkspace {
        /// Its name.
        #[schemars(schema_with = "crate::domain::decide::required_name_schema")]
        name: String,
        /// What it covers.
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::optional_text_schema")]
        description: String,
    },
    /// Map a strategic focus area onto the library model.
    DefineFocusArea {
        /// New id.
        focus_area_id: Uuid,
        /// Name.
        #[schemars(schema_with = "crate::domain::decide::required_name_schema")]
        name: String,
        /// Goal.
        goal: Goal,
        /// Room.
        room: Room,
        /// Description.
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::optional_text_schema")]
        description: String,
    },
    /// Remove a focus area.
    RemoveFocusArea {
        /// Its id.
        focus_area_id: Uuid,
    },
    /// Add a colleague.
    AddStaffMember {
        /// New id.
        staff_id: Uuid,
        /// Name.
        #[schemars(schema_with = "crate::domain::decide::required_name_schema")]
        name: String,
        /// Team.
        #[schemars(schema_with = "crate::domain::decide::optional_name_schema")]
        team: String,
        /// Competences.
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::words_schema")]
        competences: Vec<String>,
    },
    /// Change a colleague's team or competences.
    UpdateStaffMember {
        /// Their id.
        staff_id: Uuid,
        /// Team.
        #[schemars(schema_with = "crate::domain::decide::optional_name_schema")]
        team: String,
        /// Competences.
        #[schemars(schema_with = "crate::domain::decide::words_schema")]
        competences: Vec<String>,
    },
    /// Record that a colleague left (their contacts need new holders).
    RecordStaffDeparture {
        /// Their id.
        staff_id: Uuid,
        /// Why.
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::optional_text_schema")]
        reason: String,
    },
    /// Say which competences the library would like to have (the guide's "which would it be
    /// good to get?"); replaces the previous list.
    SetWantedCompetences {
        /// The competences, in staff's words.
        #[schemars(schema_with = "crate::domain::decide::words_schema")]
        competences: Vec<String>,
    },
    /// Register an organisation, optionally already on the network circle.
    RegisterOrganisation {
        /// New id.
        organisation_id: Uuid,
        /// Name.
        #[schemars(schema_with = "crate::domain::decide::required_name_schema")]
        name: String,
        /// Sector.
        sector: Sector,
        /// Kind.
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::optional_name_schema")]
        kind: String,
        /// Tags.
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::words_schema")]
        tags: Vec<String>,
        /// Topics.
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::words_schema")]
        topics: Vec<String>,
        /// Website.
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::required_name_or_null_schema")]
        website: Option<String>,
        /// Age groups.
        #[serde(default)]
        age_groups: Vec<AgeGroup>,
        /// Rooms.
        #[serde(default)]
        rooms: Vec<Room>,
        /// The initial level on the network circle, if any.
        #[serde(default)]
        level: Option<Level>,
        /// Why at that level.
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::optional_text_schema")]
        reason: String,
    },
    /// Change facts about an organisation (absent fields stay as they are).
    UpdateOrganisation {
        /// Its id.
        organisation_id: Uuid,
        /// Name.
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::required_name_or_null_schema")]
        name: Option<String>,
        /// Sector.
        #[serde(default)]
        sector: Option<Sector>,
        /// Kind.
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::optional_name_or_null_schema")]
        kind: Option<String>,
        /// Tags.
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::words_or_null_schema")]
        tags: Option<Vec<String>>,
        /// Topics.
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::words_or_null_schema")]
        topics: Option<Vec<String>>,
        /// Website.
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::required_name_or_null_schema")]
        website: Option<String>,
        /// Age groups.
        #[serde(default)]
        age_groups: Option<Vec<AgeGroup>>,
        /// Rooms.
        #[serde(default)]
        rooms: Option<Vec<Room>>,
    },
    /// Record what an organisation seeks from a partnership with the library (contact with
    /// user groups, venues, visibility, ...): the whole list, replacing the one before.
    RecordOrganisationSeeks {
        /// The organisation.
        organisation_id: Uuid,
        /// What it seeks, in the words heard (an empty list: nothing any more).
        #[schemars(schema_with = "crate::domain::decide::words_schema")]
        seeks: Vec<String>,
        /// Where the library learned it (default: typed in the app).
        #[serde(default)]
        source: SeeksSource,
    },
    /// Record that a colleague holds the contact with an organisation.
    AssignContactHolder {
        /// The organisation.
        organisation_id: Uuid,
        /// The colleague.
        staff_id: Uuid,
        /// About what.
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::words_schema")]
        topics: Vec<String>,
    },
    /// A colleague no longer holds the contact.
    RemoveContactHolder {
        /// The organisation.
        organisation_id: Uuid,
        /// The colleague.
        staff_id: Uuid,
    },
    /// Record a contact person at an organisation (personal data).
    AddContactPerson {
        /// The organisation.
        organisation_id: Uuid,
        /// New id.
        person_id: Uuid,
        /// Their role.
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::optional_name_schema")]
        role: String,
        /// Name, email, phone.
        personal: PersonalData,
    },
    /// Erase a contact person's personal data for good (right to erasure).
    EraseContactPerson {
        /// The organisation.
        organisation_id: Uuid,
        /// The person.
        person_id: Uuid,
        /// Why.
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::optional_text_schema")]
        reason: String,
    },
    /// Remove a contact person.
    RemoveContactPerson {
        /// The organisation.
        organisation_id: Uuid,
        /// The person.
        person_id: Uuid,
    },
    /// Move the relation on the network circle (none ends it).
    ChangeRelationLevel {
        /// The organisation.
        organisation_id: Uuid,
        /// The new level.
        to: Option<Level>,
        /// Why.
        #[schemars(schema_with = "crate::domain::decide::required_text_schema")]
        reason: String,
        /// When it happened, if not now.
        #[serde(default)]
        occurred_on: Option<NaiveDate>,
    },
    /// Put a node of the network map in a place (a drop after a drag, or a move with the
    /// keyboard). Map units are integers from -1,000,000 to 1,000,000; only their ratios
    /// matter, as a map is drawn scaled to the screen.
    PlaceNode {
        /// The node: the workspace id for the library, a team's node id, a staff id or an
        /// organisation id.
        node_id: Uuid,
        /// Horizontal place.
        x: i32,
        /// Vertical place.
        y: i32,
    },
    /// Import organisations from a spreadsheet, all or none: each row is registered, or
    /// merged into the organisation of the same name (see `ImportedOrganisation`).
    ImportOrganisations {
        /// The rows, at most 2,000.
        rows: Vec<ImportedOrganisation>,
    },
    /// Propose a partnership (phase 1, idea).
    ProposePartnership {
        /// New id.
        partnership_id: Uuid,
        /// Title.
        #[schemars(schema_with = "crate::domain::decide::required_name_schema")]
        title: String,
        /// Partner organisations.
        #[serde(default)]
        partner_ids: Vec<Uuid>,
        /// Purpose.
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::optional_text_schema")]
        purpose: String,
        /// Activity or frame.
        form: PartnershipForm,
        /// Goals.
        #[serde(default)]
        goals: Vec<Goal>,
        /// Rooms.
        #[serde(default)]
        rooms: Vec<Room>,
        /// Age groups.
        #[serde(default)]
        age_groups: Vec<AgeGroup>,
        /// Owner.
        #[serde(default)]
        owner_id: Option<Uuid>,
    },
    /// Change facts about a partnership (absent fields stay as they are).
    UpdatePartnership {
        /// Its id.
        partnership_id: Uuid,
        /// Title.
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::required_name_or_null_schema")]
        title: Option<String>,
        /// Partners.
        #[serde(default)]
        partner_ids: Option<Vec<Uuid>>,
        /// Purpose.
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::optional_text_or_null_schema")]
        purpose: Option<String>,
        /// Form.
        #[serde(default)]
        form: Option<PartnershipForm>,
        /// Goals.
        #[serde(default)]
        goals: Option<Vec<Goal>>,
        /// Rooms.
        #[serde(default)]
        rooms: Option<Vec<Room>>,
        /// Age groups.
        #[serde(default)]
        age_groups: Option<Vec<AgeGroup>>,
        /// Owner.
        #[serde(default)]
        owner_id: Option<Uuid>,
    },
    /// Move a partnership to another phase.
    MovePartnershipPhase {
        /// Its id.
        partnership_id: Uuid,
        /// The phase.
        to: Phase,
        /// Why.
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::optional_text_schema")]
        note: String,
    },
    /// Screen a partnership with the fourteen questions and record the decision.
    ScreenPartnership {
        /// Its id.
        partnership_id: Uuid,
        /// All fourteen answers.
        answers: Vec<ScreeningAnswer>,
        /// The decision.
        decision: ScreeningDecision,
        /// Why.
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::optional_text_schema")]
        decision_note: String,
    },
    /// Amend the agreement: new text per section (null removes a section).
    AmendAgreement {
        /// The partnership.
        partnership_id: Uuid,
        /// The agreement version the text was written against (0 for the first text).
        expected_version: u32,
        /// Sections and their new text.
        #[schemars(schema_with = "crate::domain::decide::amended_sections_schema")]
        sections: BTreeMap<AgreementSection, Option<String>>,
        /// Why.
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::optional_text_schema")]
        reason: String,
    },
    /// Record resources a party commits.
    CommitResources {
        /// The partnership.
        partnership_id: Uuid,
        /// New id.
        commitment_id: Uuid,
        /// Who.
        party: Party,
        /// What.
        #[schemars(schema_with = "crate::domain::decide::required_text_schema")]
        description: String,
        /// Staff hours.
        #[serde(default)]
        hours: Option<u32>,
        /// Money in DKK.
        #[serde(default)]
        amount_dkk: Option<u64>,
    },
    /// Record an evaluation.
    EvaluatePartnership {
        /// The partnership.
        partnership_id: Uuid,
        /// New id.
        evaluation_id: Uuid,
        /// When.
        evaluated_on: NaiveDate,
        /// Criteria and scores (1 to 5).
        criteria: Vec<CriterionScore>,
        /// In words.
        #[schemars(schema_with = "crate::domain::decide::required_text_schema")]
        narrative: String,
        /// Continue, adjust or end.
        decision: EvaluationDecision,
        /// Next one due.
        #[serde(default)]
        next_evaluation_due: Option<NaiveDate>,
    },
    /// Add a line to the communication plan.
    PlanCommunication {
        /// The partnership.
        partnership_id: Uuid,
        /// New id.
        item_id: Uuid,
        /// Internal or external.
        audience: Audience,
        /// Who informs.
        #[schemars(schema_with = "crate::domain::decide::required_name_schema")]
        sender: String,
        /// Whom.
        #[schemars(schema_with = "crate::domain::decide::required_name_schema")]
        recipients: String,
        /// About what.
        #[schemars(schema_with = "crate::domain::decide::required_text_schema")]
        about: String,
        /// When.
        #[schemars(schema_with = "crate::domain::decide::required_name_schema")]
        when: String,
        /// Channel.
        #[schemars(schema_with = "crate::domain::decide::required_name_schema")]
        channel: String,
    },
    /// Record a communication that was sent.
    RecordCommunicationSent {
        /// The partnership.
        partnership_id: Uuid,
        /// The plan item, if any.
        #[serde(default)]
        item_id: Option<Uuid>,
        /// When.
        sent_on: NaiveDate,
        /// Channel.
        #[schemars(schema_with = "crate::domain::decide::required_name_schema")]
        channel: String,
        /// What.
        #[schemars(schema_with = "crate::domain::decide::required_text_schema")]
        summary: String,
    },
    /// Tick an item of the readiness checklist.
    TickReadinessItem {
        /// The partnership.
        partnership_id: Uuid,
        /// The item.
        item: ReadinessItem,
        /// Evidence or remark.
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::optional_text_schema")]
        note: String,
    },
    /// Untick an item of the readiness checklist.
    UntickReadinessItem {
        /// The partnership.
        partnership_id: Uuid,
        /// The item.
        item: ReadinessItem,
        /// Why.
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::optional_text_schema")]
        reason: String,
    },
    /// End a partnership.
    EndPartnership {
        /// The partnership.
        partnership_id: Uuid,
        /// Why.
        #[schemars(schema_with = "crate::domain::decide::required_text_schema")]
        reason: String,
        /// When, if not now.
        #[serde(default)]
        ended_on: Option<NaiveDate>,
    },
    /// Add to the assets list.
    AddAsset {
        /// New id.
        asset_id: Uuid,
        /// Category.
        category: AssetCategory,
        /// Title.
        #[schemars(schema_with = "crate::domain::decide::required_name_schema")]
        title: String,
        /// Description.
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::optional_text_schema")]
        description: String,
        /// Who to ask.
        #[serde(default)]
        contact_staff_id: Option<Uuid>,
    },
    /// Rewrite an asset.
    UpdateAsset {
        /// Its id.
        asset_id: Uuid,
        /// Category.
        category: AssetCategory,
        /// Title.
        #[schemars(schema_with = "crate::domain::decide::required_name_schema")]
        title: String,
        /// Description.
        #[schemars(schema_with = "crate::domain::decide::optional_text_schema")]
        description: String,
    },
    /// Take an asset off the list.
    RemoveAsset {
        /// Its id.
        asset_id: Uuid,
        /// Why.
        #[serde(default)]
        #[schemars(schema_with = "crate::domain::decide::optional_text_schema")]
        reason: String,
    },
    /// Name the colleague potential partners ask about an asset, or nobody (`null`).
    SetAssetContact {
        /// The asset.
        asset_id: Uuid,
        /// The staff member to ask; absent: nobody.
        #[serde(default)]
        contact_staff_id: Option<Uuid>,
    },
    /// Open the assets list to potential partners through a share link. The server makes the
    /// link's secret and sends this command itself (`POST .../assets/share-links`, owners
    /// only); it is refused when a client sends it, so no link has a secret a person chose.
    CreateAssetsShareLink {
        /// New id.
        link_id: Uuid,
        /// Who or what the link is for, e.g. "the folk high school".
        #[schemars(schema_with = "crate::domain::decide::required_name_schema")]
        label: String,
        /// BLAKE3 hash (hex) of the link's random secret; the secret itself is never stored.
        #[schemars(regex(pattern = r"^[0-9a-f]{64}$"))]
        secret_hash: String,
    },
    /// Close a share link: the public page it opened answers 410 from now on.
    RevokeAssetsShareLink {
        /// The link.
        link_id: Uuid,
    },
    /// Create a workshop board; the creator facilitates it.
    CreateBoard {
        /// New id.
        board_id: Uuid,
        /// Title.
        #[schemars(schema_with = "crate::domain::decide::required_name_schema")]
        title: String,
        /// Layout.
        template: BoardTemplate,
        /// Dots per participant (default 5, as Parabol's).
        #[serde(default)]
        vote_budget: Option<u32>,
    },
    /// Move the board to its next phase (facilitator), or from grouping straight to the
    /// discussion, skipping the vote.
    AdvanceBoardPhase {
        /// The board.
        board_id: Uuid,
        /// The next phase.
        to: BoardPhase,
        /// Whether authors are hidden in it (default: hidden while writing and voting).
        #[serde(default)]
        anonymous: Option<bool>,
        /// Opening the vote: dots per participant in it, 1 to 50 (default: the board's).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        vote_budget: Option<u32>,
        /// Opening the vote: most dots one participant may place on one note (default: no
        /// limit but the budget).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note_cap: Option<u32>,
    },
    /// Hand the facilitation of a board to another member who may change the workspace
    /// (the facilitator, or an owner of the workspace).
    HandFacilitation {
        /// The board.
        board_id: Uuid,
        /// The member who facilitates from now on (their account name).
        #[schemars(schema_with = "crate::domain::decide::required_name_schema")]
        to: String,
    },
    /// Lock the board (facilitator).
    LockBoard {
        /// The board.
        board_id: Uuid,
    },
    /// Unlock the board (facilitator).
    UnlockBoard {
        /// The board.
        board_id: Uuid,
    },
    /// Start a timer (facilitator).
    StartBoardTimer {
        /// The board.
        board_id: Uuid,
        /// Length, 1 second to 4 hours.
        seconds: u32,
    },
    /// Stop the timer (facilitator).
    StopBoardTimer {
        /// The board.
        board_id: Uuid,
    },
    /// Add a note.
    AddNote {
        /// The board.
        board_id: Uuid,
        /// New id.
        note_id: Uuid,
        /// Text.
        #[schemars(schema_with = "crate::domain::decide::note_text_schema")]
        text: String,
        /// Zone.
        #[serde(default)]
        zone: Zone,
        /// Horizontal position.
        #[serde(default)]
        x: i32,
        /// Vertical position.
        #[serde(default)]
        y: i32,
        /// Colour (default yellow).
        #[serde(default)]
        #[schemars(regex(pattern = r"^#[0-9a-fA-F]{6}$"))]
        colour: Option<String>,
    },
    /// Edit a note's text (author or facilitator).
    EditNote {
        /// The board.
        board_id: Uuid,
        /// The note.
        note_id: Uuid,
        /// Text.
        #[schemars(schema_with = "crate::domain::decide::note_text_schema")]
        text: String,
    },
    /// Move a note.
    MoveNote {
        /// The board.
        board_id: Uuid,
        /// The note.
        note_id: Uuid,
        /// Zone.
        #[serde(default)]
        zone: Zone,
        /// Horizontal position.
        x: i32,
        /// Vertical position.
        y: i32,
    },
    /// Group notes under a label.
    GroupNotes {
        /// The board.
        board_id: Uuid,
        /// New id.
        group_id: Uuid,
        /// Label.
        #[schemars(schema_with = "crate::domain::decide::required_name_schema")]
        label: String,
        /// Notes.
        note_ids: Vec<Uuid>,
    },
    /// Place a dot on a note.
    CastVote {
        /// The board.
        board_id: Uuid,
        /// The note.
        note_id: Uuid,
    },
    /// Take a dot back.
    RetractVote {
        /// The board.
        board_id: Uuid,
        /// The note.
        note_id: Uuid,
    },
    /// Turn a note into an organisation or a partnership idea.
    PromoteNote {
        /// The board.
        board_id: Uuid,
        /// The note.
        note_id: Uuid,
        /// What it becomes.
        to: PromoteTo,
    },
}
