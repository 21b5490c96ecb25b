//! `partnerhub replay`: every workspace's views as JSON, as of a moment of the log, the
//! timeline's sentences in Danish or English (`--lang`).

use std::process::ExitCode;

use partnerhub::domain::describe::Language;
use partnerhub::node::StoreLocation;
use partnerhub::projection::report::{report_as_of, Reading};
use partnerhub::projection::AsOf;

use super::{find_workspace, open_store, start};

/// Prints the report of every workspace (or of `workspace`) as of `as_of` (default: the
/// head of the log), with what changed since `since` if given, the timeline in `lang` (`da`,
/// the default, or `en`). A moment or a language that does not parse exits with 2.
pub(crate) async fn replay(
    data: &StoreLocation,
    as_of: Option<String>,
    since: Option<String>,
    workspace: Option<String>,
    lang: Option<String>,
) -> anyhow::Result<ExitCode> {
    let language = match Language::parse(lang.as_deref()) {
        Ok(language) => language,
        Err(message) => {
            eprintln!("error: --lang {message}");
            return Ok(ExitCode::from(2));
        }
    };
    let moment = match as_of.as_deref().map(AsOf::parse).transpose() {
        Ok(moment) => moment,
        Err(message) => {
            eprintln!("error: --as-of {message}");
            return Ok(ExitCode::from(2));
        }
    };
    let earlier = match since.as_deref().map(AsOf::parse).transpose() {
        Ok(earlier) => earlier,
        Err(message) => {
            eprintln!("error: --since {message}");
            return Ok(ExitCode::from(2));
        }
    };
    let (backing, store) = open_store(data).await?;
    let head = store.head_position();
    let state = start(&backing).await?;
    let moment = moment.unwrap_or(AsOf::Position(head));
    let selected: Vec<uuid::Uuid> = match &workspace {
        Some(wanted) => match find_workspace(&state, wanted) {
            Ok(id) => vec![id],
            Err(error) => {
                store.shutdown().await;
                return Err(error);
            }
        },
        None => state
            .projections
            .workspace_names()
            .into_iter()
            .map(|(id, _)| id)
            .collect(),
    };
    let mut reports = Vec::new();
    for workspace_id in selected {
        let report = report_as_of(
            &state.projections,
            store.as_ref(),
            state.workspaces.keys(),
            workspace_id,
            moment,
            earlier,
            // The server's administrator reads the log itself: boards as recorded.
            Reading {
                reader: None,
                language,
            },
        )
        .await?;
        reports.extend(report);
    }
    store.shutdown().await;
    let output = serde_json::json!({
        "as_of": moment,
        "head_position": head,
        "workspaces": reports,
    });
    println!("{}", serde_json::to_string_pretty(&output)?);
    Ok(ExitCode::SUCCESS)
}
