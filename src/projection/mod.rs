//! Views rebuilt from the log: the network map, the portfolio, timelines, and the projector
//! that keeps them current and answers "as of" questions.
//!
//! - [`projector`]: consumes the log in order into per-workspace views, with a checkpoint,
//!   copy-on-write snapshots for time travel, and network metrics per point in time.
//! - [`checkpoint`]: the views kept in the store at a position of the log, checked against
//!   it, so that a server starts from them instead of folding the whole log.
//! - [`network`]: nodes and edges of the network circle, who knows whom, risks, metrics.
//! - [`portfolio`]: partnerships per room x goal, sector and age group, gaps, overdue
//!   evaluations, resources per party, level counts over time.
//! - [`suggestions`]: who in the network could fill the portfolio's gaps, and which assets
//!   match what partners seek.
//! - [`timeline`]: every event about one entity, in words.
//! - [`timeline_index`]: the timelines kept in the store, checked against the log, read on
//!   demand, so that the views hold only the entries after what it holds.
//! - [`diff`]: what changed between two moments.
//! - [`public_assets`]: the assets list as a potential partner with a share link sees it.
//! - [`diff`]: what changed between two moments; [`compare`]: that and how the gaps, the
//!   library model's grid and the figures changed (the audit's compare mode).
//! - [`audit_trail`]: the audit trail as rows (for CSV and print), in Danish or English.
//! - [`slugs`]: readable, unique addresses of workspaces, derived from their names.

pub mod agreement;
pub mod audit_trail;
pub mod board;
pub mod checkpoint;
pub mod compare;
pub mod competences;
pub mod diff;
pub mod network;
pub mod portfolio;
mod progress;
pub mod projector;
pub mod public_assets;
pub mod report;
pub mod slugs;
pub mod suggestions;
pub mod timeline;
pub mod timeline_index;

pub use self::projector::{rebuild, spawn_projector, AsOf, Projections, WorkspaceView};
