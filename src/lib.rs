//! # partnerhub
//!
//! An event-sourced collaboration server for strategic partnership work in public libraries.
//!
//! ## Layout
//!
//! - [`domain`]: the method as code, pure (no I/O, no clock): commands, events, the
//!   workspace state they fold into and the rules. Split by area (workspace, network,
//!   partnerships, assets, workshop boards): each area owns its commands' rules, its events'
//!   fold and the entities it builds, its words for the timeline and its given/when/then
//!   tests; the top-level [`domain::decide()`], [`domain::WorkspaceState::apply`] and
//!   [`domain::describe()`] only route by [`domain::Area`].
//! - [`store`]: the event log, the one source of truth. An [`store::EventStore`] trait with
//!   optimistic concurrency per stream, idempotent command ids, group commit (durable before
//!   acknowledged), a hash chain that makes the log tamper-evident, and subscriptions that
//!   catch up from disk and then follow live. [`store::SledEventStore`] is the embedded
//!   backend; [`store::envelope`] is how every typed event becomes the log's type name and
//!   payload and back.
//! - [`node`]: where a server process keeps its state: the embedded store in a data
//!   directory, or a PostgreSQL schema shared by several nodes (log, keys of personal data and of boards,
//!   login sessions; presence relayed between the nodes by [`hub::presence`]).
//! - [`service`]: [`service::Workspaces::execute`], the one way anything changes a workspace
//!   (decide against current state, append, wait for the views).
//! - [`accounts`]: accounts, workspace roles, API tokens, guest invites and sessions, as
//!   events of the log's system stream.
//! - [`privacy`]: personal data sealed with a key per person, and erasure by destroying it.
//! - [`demo`]: the demo workspaces, as data run through the same commands as real use.
//! - [`backup`]: online backup of a running server and restore into an empty data directory.
//! - [`server`]: the HTTP server that carries the API ([`api`]: the route table, handlers by
//!   what they are about, the OpenAPI document) and the websocket hub ([`hub`]: one reader
//!   and one writer task per connection, subscriptions, presence relayed between nodes).
//! - [`web`]: the browser app (`web/`), built into `web/dist/` and embedded in the binary.
//! - [`app_state`]: what the API and the hub share, so that neither depends on the other: the
//!   application state ([`app_state::AppState`], its [`app_state::Limits`]), the one error
//!   shape both answer with ([`app_state::ApiError`]) and the rate limits both apply.
//! - [`projection`]: the views rebuilt from the log; [`projection::report::report_as_of`] is
//!   the one "as of" assembly, for the API and for `partnerhub replay`;
//!   [`projection::checkpoint`] keeps them in the store so that a server starts from them.
//! - [`visibility`]: the one place that decides what a reader may see of a workshop board
//!   (private writing, anonymity, hidden tallies), asked by every read path.
//! - [`sealing`]: the log itself keeps no more: anonymous authors and voters are recorded under
//!   names sealed with a per-board key ([`privacy::KeyStore`]), destroyed when the board closes.
//! - `sync` (private): the one way a `std::sync` lock is taken, surviving a panic elsewhere.
//!
//! Beside the library: the `partnerhub` binary (`src/main.rs` parses the command line,
//! `src/cli/` holds one module per subcommand), and the benchmarks, a crate and binary of
//! their own (`bench/`, `partnerhub-bench`) so that the server carries none of their code
//! nor the stores they compare it with.
//!
//! ## How a change flows
//!
//! A command is validated against current state and becomes events; the events are appended
//! to the log (durable before the caller hears back); projections and the live hub consume
//! the log in order. Nothing writes state except through the log.

pub mod accounts;
pub mod api;
pub mod app_state;
mod background;
pub mod backup;
pub mod demo;
pub mod domain;
pub mod hub;
pub mod node;
pub mod privacy;
pub mod projection;
pub mod sealing;
pub mod server;
pub mod service;
pub mod store;
mod sync;
pub mod visibility;
pub mod web;
