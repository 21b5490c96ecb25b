//! `partnerhub backup`: an online backup of a running server, checked before it is kept.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

/// Logs in to `server` as `user` (password from standard input), downloads its backup to
/// `out` with the extension `partial`, and keeps it as `out` only once it checks out whole.
pub(crate) async fn backup(server: &str, user: &str, out: &Path) -> anyhow::Result<ExitCode> {
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .context("cannot read the password from standard input")?;
    let password = password.trim_end_matches(['\n', '\r']);
    let server = server.trim_end_matches('/');
    let http = reqwest::Client::new();
    let login = http
        .post(format!("{server}/api/login"))
        .json(&serde_json::json!({"name": user, "password": password}))
        .send()
        .await
        .with_context(|| format!("cannot reach {server}"))?;
    let status = login.status();
    let answer: serde_json::Value = login.json().await.context("the login answer is not JSON")?;
    let Some(token) = answer["token"].as_str().filter(|_| status.is_success()) else {
        eprintln!(
            "backup failed: login refused ({status}): {}",
            answer["message"]
        );
        return Ok(ExitCode::FAILURE);
    };
    let mut response = http
        .get(format!("{server}/api/backup"))
        .bearer_auth(token)
        .send()
        .await
        .with_context(|| format!("cannot reach {server}"))?;
    if !response.status().is_success() {
        let status = response.status();
        let answer: serde_json::Value = response.json().await.unwrap_or_default();
        eprintln!("backup failed ({status}): {}", answer["message"]);
        return Ok(ExitCode::FAILURE);
    }
    let partial = out.with_extension("partial");
    let mut file = tokio::fs::File::create(&partial)
        .await
        .with_context(|| format!("cannot create {}", partial.display()))?;
    while let Some(chunk) = response.chunk().await.context("the backup was cut off")? {
        tokio::io::AsyncWriteExt::write_all(&mut file, &chunk).await?;
    }
    file.sync_all().await?;
    drop(file);
    let scratch = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match partnerhub::backup::check_backup(&partial, &scratch).await {
        Ok(summary) => {
            std::fs::rename(&partial, out)
                .with_context(|| format!("cannot move the backup to {}", out.display()))?;
            println!(
                "backed up {} events and {} keys (of personal data and of running workshop boards) to {}; head hash {}",
                summary.events,
                summary.keys,
                out.display(),
                summary.head_hash
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!(
                "backup failed: what arrived is not an intact backup (kept as {}): {error}",
                partial.display()
            );
            Ok(ExitCode::FAILURE)
        }
    }
}
