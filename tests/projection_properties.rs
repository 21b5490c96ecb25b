//! Property: whatever valid commands users send, in whatever order, the views kept current by
//! the projector equal the views rebuilt from the log, and equal a replay of the workspace's
//! stream. Invalid commands in the mix are refused and change nothing. Checked on sled and on
//! PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

mod common;

use chrono::NaiveDate;
use common::{Backend, Running, TestLocation};
use partnerhub::domain::describe::Language;
use partnerhub::domain::events::ScreeningAnswer;
use partnerhub::domain::vocabulary::{
    AgeGroup, AgreementSection, Answer, BoardPhase, BoardTemplate, Goal, Level, PartnershipForm,
    Phase, ReadinessItem, Room, ScreeningDecision, Sector, Zone,
};
use partnerhub::domain::Command;
use partnerhub::projection::projector::replay_stream;
use partnerhub::projection::report::workspace_report;
use partnerhub::projection::AsOf;
use proptest::prelude::*;
use uuid::Uuid;

/// A small universe of ids, so generated commands often hit existing entities.
fn id(kind: &str, index: u8) -> Uuid {
    Uuid::new_v5(
        &Uuid::NAMESPACE_OID,
        format!("{kind}{}", index % 3).as_bytes(),
    )
}

const ACTORS: [&str; 3] = ["anna", "mads", "sofie"];
const LEVELS: [Option<Level>; 4] = [
    None,
    Some(Level::Network),
    Some(Level::Collaboration),
    Some(Level::Partnership),
];

fn command(kind: u8, a: u8, b: u8, c: u8) -> Command {
    match kind % 16 {
        0 => Command::AddStaffMember {
            staff_id: id("staff", a),
            name: format!("Colleague {a}"),
            team: ["Musik", "Digital"][usize::from(b % 2)].into(),
            competences: vec![],
        },
        1 => Command::RegisterOrganisation {
            organisation_id: id("organisation", a),
            name: format!("Partner {a}"),
            sector: [Sector::Public, Sector::Private, Sector::CivilSociety][usize::from(b % 3)],
            kind: String::new(),
            tags: vec![],
            topics: vec!["music".into()],
            website: None,
            age_groups: vec![AgeGroup::ALL[usize::from(c) % AgeGroup::ALL.len()]],
            rooms: vec![Room::ALL[usize::from(b) % 4]],
            level: LEVELS[usize::from(c % 4)],
            reason: "met".into(),
        },
        2 => Command::ChangeRelationLevel {
            organisation_id: id("organisation", a),
            to: LEVELS[usize::from(b % 4)],
            reason: format!("reason {c}"),
            occurred_on: None,
        },
        3 => Command::AssignContactHolder {
            organisation_id: id("organisation", a),
            staff_id: id("staff", b),
            topics: vec!["music".into()],
        },
        4 => Command::RecordStaffDeparture {
            staff_id: id("staff", a),
            reason: String::new(),
        },
        5 => Command::ProposePartnership {
            partnership_id: id("partnership", a),
            title: format!("Partnership {a}"),
            partner_ids: vec![id("organisation", b)],
            purpose: String::new(),
            form: PartnershipForm::Frame,
            goals: vec![Goal::ALL[usize::from(c) % 4]],
            rooms: vec![Room::ALL[usize::from(b) % 4]],
            age_groups: vec![],
            owner_id: None,
        },
        6 => Command::MovePartnershipPhase {
            partnership_id: id("partnership", a),
            to: Phase::ALL[usize::from(b) % 12],
            note: String::new(),
        },
        7 => Command::ScreenPartnership {
            partnership_id: id("partnership", a),
            answers: (1..=14)
                .map(|question| ScreeningAnswer {
                    question,
                    answer: Answer::ALL[usize::from(question + b) % 4],
                    note: String::new(),
                })
                .collect(),
            decision: ScreeningDecision::ALL[usize::from(c) % 3],
            decision_note: String::new(),
        },
        8 => Command::AmendAgreement {
            partnership_id: id("partnership", a),
            expected_version: u32::from(b % 3),
            sections: [(
                AgreementSection::ALL[usize::from(c) % 8],
                Some(format!("text {c}")),
            )]
            .into_iter()
            .collect(),
            reason: String::new(),
        },
        9 => Command::TickReadinessItem {
            partnership_id: id("partnership", a),
            item: ReadinessItem::ALL[usize::from(b) % 6],
            note: String::new(),
        },
        10 => Command::EndPartnership {
            partnership_id: id("partnership", a),
            reason: "done".into(),
            ended_on: None,
        },
        11 => Command::CreateBoard {
            board_id: id("board", a),
            title: "Mapping".into(),
            template: BoardTemplate::NetworkCircle,
            vote_budget: Some(2),
        },
        12 => Command::AddNote {
            board_id: id("board", a),
            note_id: id("note", b),
            text: format!("note {b}"),
            zone: Zone {
                level: LEVELS[usize::from(c % 4)],
                ..Zone::default()
            },
            x: i32::from(c),
            y: 0,
            colour: None,
        },
        13 => Command::AdvanceBoardPhase {
            board_id: id("board", a),
            to: BoardPhase::ALL[usize::from(b) % 6],
            anonymous: None,
            vote_budget: None,
            // Sometimes a vote opened with a cap of one dot per note.
            note_cap: (c % 2 == 1).then_some(1),
        },
        14 => Command::CastVote {
            board_id: id("board", a),
            note_id: id("note", b),
        },
        _ => Command::EvaluatePartnership {
            partnership_id: id("partnership", a),
            evaluation_id: Uuid::new_v5(&Uuid::NAMESPACE_OID, &[a, b, c]),
            evaluated_on: NaiveDate::from_ymd_opt(2025, 1, 1 + u32::from(c % 28)).unwrap(),
            criteria: vec![partnerhub::domain::events::CriterionScore {
                criterion: "reach".into(),
                target: String::new(),
                score: 1 + b % 5,
                note: String::new(),
            }],
            narrative: "went well".into(),
            decision: partnerhub::domain::vocabulary::EvaluationDecision::Continue,
            next_evaluation_due: None,
        },
    }
}

fn check(backend: Backend, steps: Vec<(u8, u8, u8, u8, u8)>) {
    if backend.skipped() {
        println!("skipped: PARTNERHUB_TEST_POSTGRES=skip");
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let data = TestLocation::on(backend).await;
        let running = Running::open_at(&data.location()).await;
        let workspace = Uuid::new_v4();
        running
            .run(
                workspace,
                "anna",
                Command::CreateWorkspace {
                    name: "Roskilde".into(),
                    description: String::new(),
                },
            )
            .await;
        let mut accepted = 0;
        let halfway = steps.len() / 2;
        let mut checkpoint_at = None;
        for (step, (kind, a, b, c, actor)) in steps.into_iter().enumerate() {
            if step == halfway {
                checkpoint_at = partnerhub::projection::checkpoint::write(
                    running.store.as_ref(),
                    &running.projections,
                )
                .await
                .unwrap();
            }
            let actor = ACTORS[usize::from(actor) % 3];
            let head_before = running.store.head_position();
            match running
                .workspaces
                .execute(workspace, &command(kind, a, b, c), actor, Uuid::new_v4())
                .await
            {
                Ok(_) => accepted += 1,
                Err(partnerhub::service::CommandError::Domain(_)) => {
                    assert_eq!(
                        running.store.head_position(),
                        head_before,
                        "a refused command wrote"
                    );
                }
                Err(other) => panic!("store failure: {other}"),
            }
        }
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let live = running.report_json(workspace, today).await;
        let store = running.store.as_ref();
        let rebuilt = partnerhub::projection::rebuild(store, &mut |_| {})
            .await
            .unwrap();
        let rebuilt_report = rebuilt
            .read(workspace, |view| {
                serde_json::to_value(workspace_report(view, view, today, Language::English)).unwrap()
            })
            .unwrap();
        assert_eq!(
            live, rebuilt_report,
            "live views differ from a rebuild ({accepted} commands accepted)"
        );
        let replayed = replay_stream(
            store,
            workspace,
            None,
            AsOf::Position(store.head_position()),
        )
        .await
        .unwrap();
        let replayed_report =
            serde_json::to_value(workspace_report(&replayed, &replayed, today, Language::English)).unwrap();
        assert_eq!(
            live, replayed_report,
            "live views differ from a stream replay"
        );
        // A start from the checkpoint taken halfway, catching up the rest: the same views
        // as the rebuild, timeline (with what it hides from whom) and metrics included.
        let (started, how) = partnerhub::projection::checkpoint::start(store, &mut |_| {})
            .await
            .unwrap();
        assert!(
            matches!(how, partnerhub::projection::checkpoint::Start::FromCheckpoint(at) if Some(at) == checkpoint_at),
            "{how:?}"
        );
        // Each timeline whole: the timeline index's entries and those the views hold.
        let parts = move |projections: std::sync::Arc<partnerhub::projection::Projections>| async move {
            let (state, metrics_history) = projections
                .read(workspace, |view| (view.state.clone(), view.metrics_history.clone()))
                .unwrap();
            let timeline = partnerhub::projection::timeline_index::live_about(
                store,
                &projections,
                workspace,
                workspace,
            )
            .await
            .unwrap()
            .unwrap();
            (state, timeline, metrics_history)
        };
        assert_eq!(
            parts(started.clone()).await,
            parts(rebuilt.clone()).await,
            "a start from a checkpoint differs from a rebuild"
        );
        running.close().await;
    });
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn projections_equal_a_fresh_rebuild_after_any_command_sequence_on_sled(
        steps in proptest::collection::vec((0u8..16, 0u8..6, 0u8..12, 0u8..12, 0u8..3), 1..60)
    ) {
        check(Backend::Sled, steps);
    }

    #[test]
    fn projections_equal_a_fresh_rebuild_after_any_command_sequence_on_postgres(
        steps in proptest::collection::vec((0u8..16, 0u8..6, 0u8..12, 0u8..12, 0u8..3), 1..60)
    ) {
        check(Backend::Postgres, steps);
    }
}
