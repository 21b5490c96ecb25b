//! The areas of the domain, and which area each command and event belongs to: the one
//! list that routes a command to its area's rules ([`decide`](super::decide())), an event to
//! its area's fold ([`WorkspaceState::apply`](super::WorkspaceState::apply)) and to its
//! area's words for the timeline ([`describe`](super::describe())).
//!
//! A new command or event is added to this list first (the compiler asks for it: the matches
//! name every variant), then to its area's `decide`, `apply` and `describe`.

use std::fmt;

use super::commands::Command;
use super::events::DomainEvent;

/// A part of the method with its own commands, events, rules and words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Area {
    /// The workspace itself: creating it.
    Workspace,
    /// The network: focus areas, staff and their competences, organisations, contact holders
    /// and contact persons, relation levels on the network circle, places on the map.
    Network,
    /// Partnerships through their twelve phases: proposal, screening, the agreement,
    /// resources, evaluations, communication, the readiness checklist, the end.
    Partnerships,
    /// The library's assets list.
    Assets,
    /// Workshop boards: facilitation, notes, groups, dots, and promoting notes.
    Boards,
}

impl Area {
    /// The area's name, as its module is called.
    pub fn name(self) -> &'static str {
        match self {
            Area::Workspace => "workspace",
            Area::Network => "network",
            Area::Partnerships => "partnerships",
            Area::Assets => "assets",
            Area::Boards => "boards",
        }
    }
}

impl fmt::Display for Area {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

impl Command {
    /// The area whose rules decide this command.
    pub fn area(&self) -> Area {
        match self {
            Command::CreateWorkspace { .. } => Area::Workspace,
            Command::DefineFocusArea { .. }
            | Command::RemoveFocusArea { .. }
            | Command::AddStaffMember { .. }
            | Command::UpdateStaffMember { .. }
            | Command::RecordStaffDeparture { .. }
            | Command::SetWantedCompetences { .. }
            | Command::RegisterOrganisation { .. }
            | Command::UpdateOrganisation { .. }
            | Command::RecordOrganisationSeeks { .. }
            | Command::AssignContactHolder { .. }
            | Command::RemoveContactHolder { .. }
            | Command::AddContactPerson { .. }
            | Command::EraseContactPerson { .. }
            | Command::RemoveContactPerson { .. }
            | Command::ChangeRelationLevel { .. }
            | Command::PlaceNode { .. }
            | Command::ImportOrganisations { .. } => Area::Network,
            Command::ProposePartnership { .. }
            | Command::UpdatePartnership { .. }
            | Command::MovePartnershipPhase { .. }
            | Command::ScreenPartnership { .. }
            | Command::AmendAgreement { .. }
            | Command::CommitResources { .. }
            | Command::EvaluatePartnership { .. }
            | Command::PlanCommunication { .. }
            | Command::RecordCommunicationSent { .. }
            | Command::TickReadinessItem { .. }
            | Command::UntickReadinessItem { .. }
            | Command::EndPartnership { .. } => Area::Partnerships,
            Command::AddAsset { .. }
            | Command::UpdateAsset { .. }
            | Command::RemoveAsset { .. }
            | Command::SetAssetContact { .. }
            | Command::CreateAssetsShareLink { .. }
            | Command::RevokeAssetsShareLink { .. } => Area::Assets,
            Command::CreateBoard { .. }
            | Command::AdvanceBoardPhase { .. }
            | Command::HandFacilitation { .. }
            | Command::LockBoard { .. }
            | Command::UnlockBoard { .. }
            | Command::StartBoardTimer { .. }
            | Command::StopBoardTimer { .. }
            | Command::AddNote { .. }
            | Command::EditNote { .. }
            | Command::MoveNote { .. }
            | Command::GroupNotes { .. }
            | Command::CastVote { .. }
            | Command::RetractVote { .. }
            | Command::PromoteNote { .. } => Area::Boards,
        }
    }
}

impl DomainEvent {
    /// The area whose fold applies this event and whose words describe it.
    pub fn area(&self) -> Area {
        match self {
            DomainEvent::WorkspaceCreated { .. } => Area::Workspace,
            DomainEvent::FocusAreaDefined { .. }
            | DomainEvent::FocusAreaRemoved { .. }
            | DomainEvent::StaffMemberAdded { .. }
            | DomainEvent::StaffMemberUpdated { .. }
            | DomainEvent::StaffMemberLeft { .. }
            | DomainEvent::WantedCompetencesSet { .. }
            | DomainEvent::OrganisationRegistered { .. }
            | DomainEvent::OrganisationUpdated { .. }
            | DomainEvent::OrganisationSeeksRecorded { .. }
            | DomainEvent::ContactHolderAssigned { .. }
            | DomainEvent::ContactHolderRemoved { .. }
            | DomainEvent::ContactPersonAdded { .. }
            | DomainEvent::ContactPersonErased { .. }
            | DomainEvent::ContactPersonRemoved { .. }
            | DomainEvent::RelationLevelChanged { .. }
            | DomainEvent::NodePlaced { .. } => Area::Network,
            DomainEvent::PartnershipProposed { .. }
            | DomainEvent::PartnershipUpdated { .. }
            | DomainEvent::PartnershipPhaseChanged { .. }
            | DomainEvent::PartnershipScreened { .. }
            | DomainEvent::AgreementAmended { .. }
            | DomainEvent::ResourcesCommitted { .. }
            | DomainEvent::PartnershipEvaluated { .. }
            | DomainEvent::CommunicationPlanned { .. }
            | DomainEvent::CommunicationSent { .. }
            | DomainEvent::ReadinessItemTicked { .. }
            | DomainEvent::ReadinessItemUnticked { .. }
            | DomainEvent::PartnershipEnded { .. } => Area::Partnerships,
            DomainEvent::AssetAdded { .. }
            | DomainEvent::AssetUpdated { .. }
            | DomainEvent::AssetRemoved { .. }
            | DomainEvent::AssetContactSet { .. }
            | DomainEvent::AssetsShareLinkCreated { .. }
            | DomainEvent::AssetsShareLinkRevoked { .. } => Area::Assets,
            DomainEvent::BoardCreated { .. }
            | DomainEvent::BoardPhaseChanged { .. }
            | DomainEvent::VotingRulesSet { .. }
            | DomainEvent::FacilitationHanded { .. }
            | DomainEvent::BoardLocked { .. }
            | DomainEvent::BoardUnlocked { .. }
            | DomainEvent::BoardTimerStarted { .. }
            | DomainEvent::BoardTimerStopped { .. }
            | DomainEvent::NoteAdded { .. }
            | DomainEvent::NoteEdited { .. }
            | DomainEvent::NoteMoved { .. }
            | DomainEvent::NotesGrouped { .. }
            | DomainEvent::VoteCast { .. }
            | DomainEvent::VoteRetracted { .. }
            | DomainEvent::NotePromoted { .. } => Area::Boards,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::describe::{said, Language};
    use crate::domain::testing::*;
    use crate::domain::{network, Area};

    /// The workspace with a board: a board command and event to hand to the wrong area.
    fn with_board() -> WorkspaceState {
        let mut events = basics();
        events.push(board_created(BOARD, BoardTemplate::RoomsByGoals, 3));
        given(&events)
    }

    #[test]
    fn commands_and_events_name_their_area() {
        let lock = Command::LockBoard { board_id: BOARD };
        let locked = DomainEvent::BoardLocked { board_id: BOARD };
        assert_eq!(lock.area(), Area::Boards);
        assert_eq!(locked.area(), Area::Boards);
        assert_eq!(workspace_created().area(), Area::Workspace);
        assert_eq!(Area::Partnerships.to_string(), "partnerships");
    }

    #[test]
    fn an_area_refuses_a_command_of_another_area_as_misrouted() {
        let state = with_board();
        let lock = Command::LockBoard { board_id: BOARD };
        let error = refused(network::decide(&state, &lock));
        assert_eq!(
            error,
            DomainError::InvalidField {
                field: "type",
                reason: "the network area does not decide this command".into(),
            }
        );
        // Routed by its area, the same command is decided.
        assert_eq!(
            when(&state, lock, ANNA).unwrap(),
            vec![DomainEvent::BoardLocked { board_id: BOARD }]
        );
    }

    #[test]
    fn an_area_leaves_an_event_of_another_area_alone_and_names_only_its_type() {
        let before = with_board();
        let locked = DomainEvent::BoardLocked { board_id: BOARD };
        let context = EventContext {
            position: 9,
            actor: ANNA.into(),
            recorded_at: recorded_at(),
        };
        let mut state = before.clone();
        network::apply(&mut state, &locked, &context);
        assert_eq!(state, before);
        assert_eq!(
            network::describe(&before, &locked).render("BoardLocked", ANNA, Language::English),
            "anna@roskilde recorded BoardLocked"
        );
        assert_eq!(
            said(&before, &locked, ANNA, Language::English),
            "anna@roskilde locked \"Workshop: nye partnerskaber\""
        );
    }
}
