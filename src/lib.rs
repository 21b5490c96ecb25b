//! # partnerhub
//!
//! An event-sourced collaboration server for strategic partnership work in public libraries.
//!
//! ## Layout
//!
//! - [`store`]: the event log, the one source of truth. An [`store::EventStore`] trait with
//!   optimistic concurrency per stream, idempotent command ids, group commit (durable before
//!   acknowledged), a hash chain that makes the log tamper-evident, and subscriptions that
//!   catch up from disk and then follow live. [`store::SledEventStore`] is the embedded
//!   backend.
//! - [`node`]: where a server process keeps its state: the embedded store in a data
//!   directory, or a PostgreSQL schema shared by several nodes (log, personal-data keys,
//!   login sessions; presence relayed between the nodes by [`hub::presence`]).
//! - [`backup`]: online backup of a running server and restore into an empty data directory.
//! - [`bench`]: benchmarks that measure the log beside raw baselines in the same run.
//! - [`server`]: the HTTP server that carries the API ([`api`]) and the websocket hub ([`hub`]).
//! - [`web`]: the browser app (`web/`), built into `web/dist/` and embedded in the binary.
//!
//! ## How a change flows
//!
//! A command is validated against current state and becomes events; the events are appended
//! to the log (durable before the caller hears back); projections and the live hub consume
//! the log in order. Nothing writes state except through the log.

pub mod accounts;
pub mod api;
pub mod backup;
pub mod bench;
pub mod demo;
pub mod domain;
pub mod hub;
pub mod node;
pub mod privacy;
pub mod projection;
pub mod server;
pub mod service;
pub mod store;
pub mod web;
