//! Why a command was refused: specific, in the words of the method.

use uuid::Uuid;

use super::vocabulary::{AgreementSection, BoardPhase, Phase};

/// A command that the current state does not allow. Each variant has a stable [`code`]
/// (the protocol's error code) and a message a librarian can act on.
///
/// [`code`]: DomainError::code
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// Only `CreateWorkspace` is possible before the workspace exists.
    #[error("the workspace does not exist yet: create it first")]
    WorkspaceNotCreated,
    /// The workspace exists already.
    #[error("the workspace already exists")]
    WorkspaceAlreadyCreated,
    /// A command names an entity that does not exist.
    #[error("there is no {kind} with id {id}")]
    Unknown {
        /// What kind of entity.
        kind: &'static str,
        /// Its id.
        id: Uuid,
    },
    /// A command would create an entity whose id is taken.
    #[error("a {kind} with id {id} already exists")]
    AlreadyExists {
        /// What kind of entity.
        kind: &'static str,
        /// Its id.
        id: Uuid,
    },
    /// A field's value is not acceptable.
    #[error("`{field}`: {reason}")]
    InvalidField {
        /// The field.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A partnership cannot move between these phases.
    #[error("a partnership cannot move from phase {from} to {to}: move one phase forward, or back to an earlier one (end it with EndPartnership)")]
    IllegalPhaseJump {
        /// Its phase.
        from: Phase,
        /// The phase asked for.
        to: Phase,
    },
    /// A phase needs something done first.
    #[error("a partnership cannot enter phase {to} yet: {missing}")]
    PhaseRequirement {
        /// The phase asked for.
        to: Phase,
        /// What is missing.
        missing: String,
    },
    /// The partnership has ended; its file is closed.
    #[error("partnership {partnership_id} has ended; its file is closed")]
    PartnershipEnded {
        /// The partnership.
        partnership_id: Uuid,
    },
    /// A screening must answer all fourteen questions.
    #[error("a screening answers all fourteen questions; missing: {missing:?}")]
    ScreeningIncomplete {
        /// The questions without an answer.
        missing: Vec<u8>,
    },
    /// Someone changed a section of the agreement that the amendment changes too, since the
    /// version the caller read (or the caller named a version that does not exist yet).
    /// Changes to other sections meanwhile are no conflict.
    #[error("the agreement of partnership {partnership_id} is at version {actual}, and since version {expected}, which the amendment was written against, {}: compare the current text with yours and amend again from version {actual}", describe_conflicts(.conflicts))]
    StaleAgreement {
        /// The partnership.
        partnership_id: Uuid,
        /// The version the caller read.
        expected: u32,
        /// The version now.
        actual: u32,
        /// The sections both changed: the current text beside the caller's.
        conflicts: Vec<SectionConflict>,
    },
    /// The command would change nothing.
    #[error("nothing to change: {what}")]
    NothingChanged {
        /// What is already so.
        what: String,
    },
    /// A board cannot move between these phases.
    #[error("a board moves one phase at a time (or from \"group\" straight to \"discuss\", skipping the vote): from \"{from}\" it cannot move to \"{to}\"")]
    IllegalBoardPhaseJump {
        /// Its phase.
        from: BoardPhase,
        /// The phase asked for.
        to: BoardPhase,
    },
    /// The facilitator locked the board.
    #[error("board {board_id} is locked by its facilitator")]
    BoardLocked {
        /// The board.
        board_id: Uuid,
    },
    /// The action does not belong to the board's phase.
    #[error("cannot {action} while the board is in phase \"{phase}\"")]
    WrongBoardPhase {
        /// What was attempted.
        action: &'static str,
        /// The board's phase.
        phase: BoardPhase,
    },
    /// Only the facilitator may do this.
    #[error("only the board's facilitator ({facilitator}) may do this")]
    NotFacilitator {
        /// Who facilitates.
        facilitator: String,
    },
    /// The voter has placed all their dots.
    #[error("you have placed all {budget} of your dots on this board; take one back first")]
    VoteBudgetSpent {
        /// Dots per participant.
        budget: u32,
    },
    /// The voter has placed as many dots on this note as the vote allows on one note.
    #[error("you have placed {cap} dots on this note, the most this vote allows on one note; place the others elsewhere")]
    NoteCapReached {
        /// Most dots per participant on one note.
        cap: u32,
    },
    /// Only the facilitator or an owner of the workspace may hand the facilitation on.
    #[error("only the board's facilitator ({facilitator}) or an owner of the workspace may hand its facilitation to someone else")]
    NotFacilitatorNorOwner {
        /// Who facilitates.
        facilitator: String,
    },
    /// Only the note's author or the facilitator may edit it.
    #[error("only the note's author or the board's facilitator may edit it")]
    NotAuthor,
    /// The note was promoted already.
    #[error("note {note_id} was promoted already")]
    AlreadyPromoted {
        /// The note.
        note_id: Uuid,
    },
    /// A row of an import cannot be imported, so nothing of the import is.
    #[error("row {row} ({name}) cannot be imported, so nothing was imported: {reason}")]
    ImportRowRefused {
        /// The row, counted from 1.
        row: usize,
        /// Its name.
        name: String,
        /// The code of the row's problem (e.g. `duplicate_name`, `invalid_field`).
        problem: &'static str,
        /// The row's problem in words.
        reason: String,
    },
    /// The colleague has left the library.
    #[error("staff member {staff_id} has left the library")]
    StaffMemberLeft {
        /// The colleague.
        staff_id: Uuid,
    },
}

impl DomainError {
    /// The stable protocol code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::WorkspaceNotCreated => "workspace_not_created",
            DomainError::WorkspaceAlreadyCreated => "workspace_already_created",
            DomainError::Unknown { .. } => "unknown_entity",
            DomainError::AlreadyExists { .. } => "already_exists",
            DomainError::InvalidField { .. } => "invalid_field",
            DomainError::IllegalPhaseJump { .. } => "illegal_phase_jump",
            DomainError::PhaseRequirement { .. } => "phase_requirement",
            DomainError::PartnershipEnded { .. } => "partnership_ended",
            DomainError::ScreeningIncomplete { .. } => "screening_incomplete",
            DomainError::StaleAgreement { .. } => "version_conflict",
            DomainError::NothingChanged { .. } => "nothing_changed",
            DomainError::IllegalBoardPhaseJump { .. } => "illegal_board_phase_jump",
            DomainError::BoardLocked { .. } => "board_locked",
            DomainError::WrongBoardPhase { .. } => "wrong_board_phase",
            DomainError::NotFacilitator { .. } => "not_facilitator",
            DomainError::VoteBudgetSpent { .. } => "vote_budget_spent",
            DomainError::NoteCapReached { .. } => "note_cap_reached",
            DomainError::NotFacilitatorNorOwner { .. } => "facilitation_not_yours",
            DomainError::NotAuthor => "not_author",
            DomainError::AlreadyPromoted { .. } => "already_promoted",
            DomainError::StaffMemberLeft { .. } => "staff_member_left",
            DomainError::ImportRowRefused { .. } => "import_row_refused",
        }
    }
}

/// A section of an agreement that someone else changed while the caller edited it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SectionConflict {
    /// The section.
    pub section: AgreementSection,
    /// Its text now (none: removed).
    pub current: Option<String>,
    /// The caller's text (none: to be removed).
    pub yours: Option<String>,
    /// The version that changed it last.
    pub changed_in: u32,
}

/// The conflicting sections in words.
fn describe_conflicts(conflicts: &[SectionConflict]) -> String {
    if conflicts.is_empty() {
        return "the version named is not written yet".to_owned();
    }
    let sections: Vec<String> = conflicts
        .iter()
        .map(|conflict| format!("\"{}\" (version {})", conflict.section, conflict.changed_in))
        .collect();
    format!("others changed {}", sections.join(", "))
}
