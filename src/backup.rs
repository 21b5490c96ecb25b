//! Online backup and restore: a consistent copy of a running server's log and personal-data
//! keys, and its restoration into an empty data directory.
//!
//! A running server holds its data directory locked, so a backup is taken *through* the
//! server (`GET /api/backup`, for server administrators; `partnerhub backup` on the command
//! line). It is consistent without stopping anything, because the log is append-only: the
//! backup fixes the head position when it starts and copies the log up to there, whatever is
//! appended meanwhile. The file is JSON Lines:
//!
//! 1. a header `{"backup": {"format", "position", "head_hash", "created_at"}}`;
//! 2. the events at positions 1 to `position`, one per line, in the canonical form of an
//!    export ([`crate::store::transfer`]), so the lines are byte for byte those of an export;
//! 3. one `{"person_key": {"person_id", "key"}}` line per contact person whose sealed data is
//!    in those events and who is not erased: without the keys a restored store could not show
//!    any personal data. The keys are read *after* the position is fixed, so a person erased
//!    before the backup started (or while it ran) is left out, and a person whose erasure is
//!    in the copied log is left out even if a crash kept their key; such a person stays
//!    unreadable in the restored store;
//! 4. one `{"board_key": {"board_id", "key"}}` line per workshop board created and not closed
//!    in those events whose key exists ([`crate::sealing`]), so that a restored board still
//!    knows each participant's anonymous notes and dots (and their dot budgets hold). A
//!    closed board's key is gone and never in a backup;
//! 5. a trailer `{"backup_end": {"events", "keys"}}` (`keys` counts both kinds), so a cut-off
//!    copy is refused.
//!
//! [`restore_backup`] checks the whole file first (header, hash chain, head hash, counts,
//! trailer), then writes the events as `import` does and puts the keys back. The file holds
//! personal data and its keys: keep it as safe as the data directory.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::events::PersonalField;
use crate::domain::vocabulary::BoardPhase;
use crate::privacy::KeyStore;
use crate::store::transfer::{self, TransferError};
use crate::store::{EventHash, EventStore, Position, RecordedEvent, StoreError};

/// The format named in a backup's header.
pub const FORMAT: &str = "partnerhub-backup-1";

/// The first line of a backup.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupHeader {
    /// Always [`FORMAT`].
    pub format: String,
    /// The backup holds the log up to and including this position.
    pub position: Position,
    /// The hash of the event at `position` (the genesis hash for an empty log).
    pub head_hash: EventHash,
    /// When the backup was started.
    pub created_at: DateTime<Utc>,
}

/// What a backup or a restore holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupSummary {
    /// Events (the position the backup was taken at).
    pub events: Position,
    /// Personal-data keys.
    pub keys: usize,
    /// The hash of the last event.
    pub head_hash: EventHash,
}

#[derive(Serialize, Deserialize)]
struct PersonKey {
    person_id: Uuid,
    key: String,
}

#[derive(Serialize, Deserialize)]
struct BoardKey {
    board_id: Uuid,
    key: String,
}

#[derive(Serialize, Deserialize)]
struct BackupEnd {
    events: Position,
    keys: usize,
}

/// A line of a backup other than an event.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Marker {
    Backup(BackupHeader),
    PersonKey(PersonKey),
    BoardKey(BoardKey),
    BackupEnd(BackupEnd),
}

/// Why a backup or a restore failed.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The receiver of the backup went away (the client disconnected).
    #[error("the backup's receiver went away")]
    ReceiverGone,
    /// The file is not a complete, intact backup; nothing was written.
    #[error("not an intact backup: {0}")]
    Invalid(String),
    /// Reading, checking or writing the log failed.
    #[error(transparent)]
    Transfer(#[from] TransferError),
    /// The store or the key store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn line_of(marker: &Marker) -> Result<Vec<u8>, StoreError> {
    let mut line = serde_json::to_vec(marker).map_err(|error| {
        StoreError::Backend(format!("a backup line cannot be encoded: {error}"))
    })?;
    line.push(b'\n');
    Ok(line)
}

/// Writes a backup of `store` and `keys` as of now, in chunks handed to `sender` (each a run
/// of whole lines). The server streams them to the client as they come.
///
/// # Errors
/// [`BackupError::ReceiverGone`] when `sender`'s receiver is dropped; store failures.
pub async fn stream_backup(
    store: &dyn EventStore,
    keys: &KeyStore,
    sender: &tokio::sync::mpsc::Sender<Vec<u8>>,
) -> Result<BackupSummary, BackupError> {
    let position = store.head_position();
    let head_hash = match position {
        0 => EventHash::GENESIS,
        _ => store
            .read_all(position, 1)
            .await?
            .first()
            .map(|event| event.hash)
            .ok_or(StoreError::Corrupt {
                position,
                reason: "the head event cannot be read".into(),
            })?,
    };
    let header = Marker::Backup(BackupHeader {
        format: FORMAT.to_owned(),
        position,
        head_hash,
        created_at: Utc::now(),
    });
    let send = |chunk: Vec<u8>| async move {
        sender
            .send(chunk)
            .await
            .map_err(|_| BackupError::ReceiverGone)
    };
    send(line_of(&header)?).await?;
    let mut sealed = HashSet::new();
    let mut erased = HashSet::new();
    let mut open_boards = HashSet::new();
    let mut written: Position = 0;
    while written < position {
        let page = store
            .read_all(written + 1, (position - written).min(1024) as usize)
            .await?;
        if page.is_empty() {
            return Err(StoreError::Corrupt {
                position: written + 1,
                reason: "the log ends before the backup's position".into(),
            }
            .into());
        }
        let mut chunk = Vec::with_capacity(page.len() * 512);
        for event in &page {
            let bytes = event
                .to_canonical_bytes()
                .map_err(|error| StoreError::Corrupt {
                    position: event.position,
                    reason: error.to_string(),
                })?;
            chunk.extend_from_slice(&bytes);
            chunk.push(b'\n');
            crate::privacy::for_each_personal(&event.payload, &mut |field, _| {
                if let PersonalField::Sealed(data) = field {
                    sealed.insert(data.key);
                }
            });
            let board_id = || {
                event
                    .payload
                    .get("board_id")
                    .and_then(|id| serde_json::from_value::<Uuid>(id.clone()).ok())
            };
            match event.event_type.as_str() {
                "BoardCreated" => open_boards.extend(board_id()),
                "BoardPhaseChanged"
                    if event
                        .payload
                        .get("to")
                        .and_then(|to| serde_json::from_value::<BoardPhase>(to.clone()).ok())
                        == Some(BoardPhase::Closed) =>
                {
                    if let Some(board_id) = board_id() {
                        open_boards.remove(&board_id);
                    }
                }
                _ => {}
            }
            if event.event_type == "ContactPersonErased" {
                if let Some(person_id) = event
                    .payload
                    .get("person_id")
                    .and_then(|id| serde_json::from_value::<Uuid>(id.clone()).ok())
                {
                    erased.insert(person_id);
                }
            }
            written = event.position;
        }
        send(chunk).await?;
    }
    // Keys are read now, after the position was fixed: an erasure that happened meanwhile
    // has destroyed its key already, and one in the copied log is left out regardless.
    let mut persons: Vec<Uuid> = sealed.difference(&erased).copied().collect();
    persons.sort_unstable();
    let mut chunk = Vec::new();
    let mut key_count = 0;
    let found = keys.keys_for_backup(&persons).await?;
    for person_id in persons {
        if let Some(key) = found.get(&person_id) {
            chunk.extend(line_of(&Marker::PersonKey(PersonKey {
                person_id,
                key: hex::encode(key),
            }))?);
            key_count += 1;
        }
    }
    let mut boards: Vec<Uuid> = open_boards.into_iter().collect();
    boards.sort_unstable();
    let found = keys.board_keys(&boards).await?;
    for board_id in boards {
        if let Some(key) = found.get(&board_id) {
            chunk.extend(line_of(&Marker::BoardKey(BoardKey {
                board_id,
                key: hex::encode(key),
            }))?);
            key_count += 1;
        }
    }
    chunk.extend(line_of(&Marker::BackupEnd(BackupEnd {
        events: position,
        keys: key_count,
    }))?);
    send(chunk).await?;
    Ok(BackupSummary {
        events: position,
        keys: key_count,
        head_hash,
    })
}

/// What the check of a backup file found: its header, its keys, and its events copied to a
/// file in export form.
struct CheckedBackup {
    header: BackupHeader,
    keys: Vec<(Uuid, [u8; 32])>,
}

/// Reads a backup file, checks its header, markers and trailer, and copies its event lines
/// to `events_out` (an export file).
fn split_backup(path: &Path, events_out: &Path) -> Result<CheckedBackup, BackupError> {
    let io = |source: std::io::Error| TransferError::File {
        path: path.to_path_buf(),
        source,
    };
    let reader = BufReader::new(std::fs::File::open(path).map_err(io)?);
    let mut out = std::io::BufWriter::new(std::fs::File::create(events_out).map_err(|source| {
        TransferError::File {
            path: events_out.to_path_buf(),
            source,
        }
    })?);
    let mut header = None;
    let mut keys = Vec::new();
    let mut events: Position = 0;
    let mut end = None;
    for (index, line) in reader.split(b'\n').enumerate() {
        let line_number = index + 1;
        let line = line.map_err(io)?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if end.is_some() {
            return Err(BackupError::Invalid(format!(
                "line {line_number}: something follows the end of the backup"
            )));
        }
        if header.is_none() {
            match serde_json::from_slice::<Marker>(&line) {
                Ok(Marker::Backup(found)) if found.format == FORMAT => header = Some(found),
                Ok(Marker::Backup(found)) => {
                    return Err(BackupError::Invalid(format!(
                        "it is of format `{}`, this partnerhub reads `{FORMAT}`",
                        found.format
                    )))
                }
                _ => {
                    return Err(BackupError::Invalid(
                        "the first line is not a backup header (is it an export? use `import`)"
                            .into(),
                    ))
                }
            }
            continue;
        }
        if let Ok(marker) = serde_json::from_slice::<Marker>(&line) {
            match marker {
                Marker::PersonKey(PersonKey {
                    person_id: subject_id,
                    key,
                })
                | Marker::BoardKey(BoardKey {
                    board_id: subject_id,
                    key,
                }) => {
                    let key = hex::decode(&key)
                        .ok()
                        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
                        .ok_or_else(|| {
                            BackupError::Invalid(format!("line {line_number}: a malformed key"))
                        })?;
                    keys.push((subject_id, key));
                }
                Marker::BackupEnd(found) => end = Some(found),
                Marker::Backup(_) => {
                    return Err(BackupError::Invalid(format!(
                        "line {line_number}: a second header"
                    )))
                }
            }
            continue;
        }
        if !keys.is_empty() {
            return Err(BackupError::Invalid(format!(
                "line {line_number}: an event after the keys"
            )));
        }
        // Events are checked against the chain by the import; here only counted and copied.
        RecordedEvent::from_bytes(&line).map_err(|error| {
            BackupError::Invalid(format!("line {line_number}: not an event: {error}"))
        })?;
        events += 1;
        out.write_all(&line)
            .and_then(|()| out.write_all(b"\n"))
            .map_err(io)?;
    }
    out.flush().map_err(io)?;
    let header = header.ok_or_else(|| BackupError::Invalid("the file is empty".into()))?;
    let end =
        end.ok_or_else(|| BackupError::Invalid("it has no end line: the copy was cut off".into()))?;
    if end.events != header.position || events != header.position || end.keys != keys.len() {
        return Err(BackupError::Invalid(format!(
            "it should hold {} events and {} keys but holds {events} and {}",
            header.position,
            end.keys,
            keys.len()
        )));
    }
    Ok(CheckedBackup { header, keys })
}

/// Checks a whole backup file (markers, counts, the hash chain up to the header's head hash),
/// copying its events to `events_file` in export form.
async fn check(
    path: &Path,
    events_file: &Path,
) -> Result<(CheckedBackup, transfer::VerifyReport), BackupError> {
    let owned_path = path.to_path_buf();
    let owned_events = events_file.to_path_buf();
    let checked = tokio::task::spawn_blocking(move || split_backup(&owned_path, &owned_events))
        .await
        .map_err(|error| StoreError::Backend(format!("the backup check stopped: {error}")))??;
    let owned_events = events_file.to_path_buf();
    let report =
        tokio::task::spawn_blocking(move || transfer::check_export(&owned_events, &mut |_| {}))
            .await
            .map_err(|error| StoreError::Backend(format!("the backup check stopped: {error}")))??;
    if report.events != checked.header.position || report.head_hash != checked.header.head_hash {
        return Err(BackupError::Invalid(format!(
            "its events end at {} with hash {}, its header says {} with hash {}",
            report.events, report.head_hash, checked.header.position, checked.header.head_hash
        )));
    }
    Ok((checked, report))
}

/// Checks a backup file without writing anything (but a temporary copy of its events in
/// `scratch`, removed again): what `partnerhub backup` does before it keeps a download.
///
/// # Errors
/// [`BackupError::Invalid`] and [`TransferError`]s naming what is wrong.
pub async fn check_backup(path: &Path, scratch: &Path) -> Result<BackupSummary, BackupError> {
    let events_file = scratch.join(format!(".backup-check-{}.jsonl", Uuid::new_v4()));
    let result = check(path, &events_file).await;
    let _ = std::fs::remove_file(&events_file);
    let (checked, report) = result?;
    Ok(BackupSummary {
        events: report.events,
        keys: checked.keys.len(),
        head_hash: report.head_hash,
    })
}

/// Restores a backup file into an empty `store` and `keys`: checks the whole file first (as
/// [`check_backup`]), then writes the events as `import` does and puts the keys back.
/// `scratch` is a directory for a temporary copy of the events.
///
/// # Errors
/// [`BackupError::Invalid`] and [`TransferError`]s for a damaged or incomplete file (nothing
/// written), [`TransferError::StoreNotEmpty`], store and key store failures.
pub async fn restore_backup(
    path: &Path,
    store: &dyn EventStore,
    keys: &KeyStore,
    scratch: &Path,
) -> Result<BackupSummary, BackupError> {
    let existing = store.head_position();
    if existing > 0 {
        return Err(TransferError::StoreNotEmpty { events: existing }.into());
    }
    let existing_keys = keys.count().await?;
    if existing_keys > 0 {
        return Err(StoreError::Incompatible(format!(
            "the key store already holds {existing_keys} keys; \
             a backup is restored only into an empty data directory"
        ))
        .into());
    }
    let events_file = scratch.join(format!(".restore-{}.jsonl", Uuid::new_v4()));
    let result = async {
        let (checked, report) = check(path, &events_file).await?;
        transfer::import_log(store, &events_file, &mut |_, _| {}).await?;
        keys.fill_empty(checked.keys.clone()).await?;
        Ok(BackupSummary {
            events: report.events,
            keys: checked.keys.len(),
            head_hash: report.head_hash,
        })
    }
    .await;
    let _ = std::fs::remove_file(&events_file);
    result
}
