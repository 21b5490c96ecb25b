//! The OpenAPI 3.0 document of the HTTP API, generated from the code: the operation table
//! below names every route of [`super::routes::router`], and every request and response
//! schema is derived from the Rust types with `schemars`. It is served at
//! `/api/openapi.json` and checked into `protocol/openapi.json`; a test fails when the two
//! differ (regenerate with `PARTNERHUB_WRITE_PROTOCOL=1 cargo test --test protocol`).

use schemars::gen::{SchemaGenerator, SchemaSettings};
use schemars::JsonSchema;
use serde_json::{json, Map, Value};

use super::organisation_import::{ImportPreview, ImportPreviewRequest};
use super::routes::{
    AcceptInviteAsMeRequest, AcceptInviteRequest, AsOfQuery, BoardListing, CommandRequest,
    CreateWorkspaceRequest, CreatedBoardInvite, CreatedMemberInvite, CreatedShareLink,
    CreatedWorkspace, GrantRequest, Health, InviteRequest, IssuedToken, JoinRequest, LogEntry,
    LoginRequest, LoginSession, Me, MemberInviteRequest, MemberListing, Method,
    PasswordChangeRequest, PortfolioAnswer, Readiness, ShareLinkListing, ShareLinkRequest,
    TokenRequest, WorkspaceListing, WorkspaceSummary,
};
use super::ApiJson;
use crate::accounts::service::ACCOUNT_NAME_PATTERN;
use crate::accounts::service::{
    AcceptedInvite, GuestCredential, MemberInviteListing, TokenListing,
};
use crate::api::routes::Verification;
use crate::app_state::ErrorBody;
use crate::domain::describe::Language;
use crate::domain::state::{Asset, Organisation, Partnership};
use crate::projection::agreement::AgreementDiff;
use crate::projection::board::BoardView;
use crate::projection::compare::Comparison;
use crate::projection::competences::CompetencesView;
use crate::projection::network::{ContactHolderView, NetworkView};
use crate::projection::public_assets::PublicAssets;
use crate::projection::report::WorkspaceReport;
use crate::projection::suggestions::SuggestionsView;
use crate::projection::timeline::TimelineLine;
use crate::service::CommandOutcome;

/// The shape of a successful response's body.
#[derive(Clone, Copy)]
enum Body {
    /// Any JSON object: only this document itself (`GET /api/openapi.json`).
    Object,
    /// The named component schema.
    Named(&'static str),
    /// A JSON array of the named component schema.
    ListOf(&'static str),
    /// A JSON object of the named component schema by id (how the state keeps its
    /// organisations, partnerships and assets).
    MapOf(&'static str),
    /// The workspace "as of" a moment: its `WorkspaceReport`, with each board as the reader
    /// may see it (`BoardView`), the timeline in words and, with `since`, `changes_since`.
    AsOf,
    /// A backup: JSON Lines (`application/x-ndjson`), see `crate::backup`.
    Backup,
    /// A page of the raw log: `events` (each a `LogEntry`) and `next_from`, the version to
    /// ask for next (`null` on the last page).
    LogPage,
    /// A board view with `display_names` (how each actor it shows is named for people) and
    /// `my_role` (the reader's role).
    Board,
    /// A file of the network map for other tools (`crate::api::graph_export`): its media
    /// type and what it holds.
    File(&'static str, &'static str),
}

impl Body {
    fn schema(self) -> Value {
        let named = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
        match self {
            Body::Object => json!({"type": "object"}),
            Body::Named(name) => named(name),
            Body::ListOf(name) => json!({"type": "array", "items": named(name)}),
            Body::MapOf(name) => json!({"type": "object", "additionalProperties": named(name)}),
            Body::AsOf => json!({
                "allOf": [
                    named("WorkspaceReport"),
                    {
                        "type": "object",
                        "required": ["boards", "timeline"],
                        "properties": {
                            "boards": {
                                "type": "object",
                                "description": "every workshop board, as the reader may see it at that moment",
                                "additionalProperties": named("BoardView"),
                            },
                            "timeline": {
                                "type": "array",
                                "description": "every event of the workspace up to the moment, in words, as the reader may see it (the entries of GET .../timeline)",
                                "items": named("TimelineLine"),
                            },
                            "changes_since": named("Comparison"),
                        },
                    },
                ],
            }),
            Body::File(_, description) => json!({"type": "string", "description": description}),
            Body::Backup => {
                json!({"type": "string", "description": "JSON Lines: a header, the events in export form, the keys of personal data and of running workshop boards, an end line"})
            }
            Body::Board => json!({
                "allOf": [
                    named("BoardView"),
                    {
                        "type": "object",
                        "required": ["display_names", "my_role"],
                        "properties": {
                            "display_names": {
                                "type": "object",
                                "description": "the display name of each actor the view shows (facilitator, note authors): an account's name, a token's label, a guest's chosen name",
                                "additionalProperties": {"type": "string"},
                            },
                            "my_role": {
                                "type": "string",
                                "enum": ["owner", "editor", "viewer", "auditor", "guest"],
                                "description": "the reader's role in the workspace: viewers and auditors only look (the app shows them no controls)",
                            },
                        },
                    },
                ],
            }),
            Body::LogPage => json!({
                "type": "object",
                "required": ["events", "next_from"],
                "properties": {
                    "events": {"type": "array", "items": named("LogEntry")},
                    "next_from": {"type": "integer", "minimum": 1, "nullable": true},
                },
            }),
        }
    }
}

/// One operation: method, path, summary, who may call it, request body and response schema.
struct Operation {
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    access: &'static str,
    request: Option<&'static str>,
    response: Body,
    success: u16,
    query: &'static [(&'static str, &'static str)],
}

const fn op(
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    access: &'static str,
) -> Operation {
    Operation {
        method,
        path,
        summary,
        access,
        request: None,
        response: Body::Object,
        success: 200,
        query: &[],
    }
}

/// The filters of the network map (`crate::projection::network::NetworkFilter`).
const NETWORK_FILTERS: &[(&str, &str)] = &[
    ("sector", "public, private, civil_society"),
    ("level", "network, collaboration, partnership"),
    ("room", "inspiration, learning, meeting, performative"),
    ("age_group", "toddlers ... seniors"),
    ("owner", "staff id holding the contact"),
    (
        "goal",
        "experience, empowerment, engagement, innovation: partners of an active partnership serving it",
    ),
];

const VIEWS: &str = "owner, editor, viewer, auditor";
const HISTORY: &str = "owner, editor, auditor";

fn operations() -> Vec<Operation> {
    vec![
        Operation { response: Body::Named("Health"), ..op("get", "/healthz", "Liveness: the process answers", "anyone") },
        Operation { response: Body::Named("Readiness"), ..op("get", "/readyz", "Readiness: the store answers and the views have caught up (503 otherwise)", "anyone") },
        op("get", "/api/openapi.json", "This document", "anyone"),
        Operation { request: Some("LoginRequest"), response: Body::Named("LoginSession"), ..op("post", "/api/login", "Log in with an account; returns a session token for `Authorization: Bearer`", "anyone (failed attempts per name are limited: 429)") },
        Operation { request: Some("JoinRequest"), response: Body::Named("GuestCredential"), success: 201, ..op("post", "/api/join", "Join a workshop through an invite: a guest credential of your own (actor `guest:<id>`, your display name shown to others); the invite itself acts as nobody. A revoked or expired invite is answered 410 (`invite_revoked`, `invite_expired`), an unknown one 404 (`invite_unknown`)", "anyone with an invite that is neither revoked nor expired") },
        Operation { success: 204, ..op("post", "/api/logout", "Log out: ends the caller's login session on the server", "password logins (an API token is revoked by an owner instead)") },
        Operation { request: Some("AcceptInviteRequest"), response: Body::Named("AcceptedInvite"), success: 201, ..op("post", "/api/invites/accept", "Accept a member invite with a new account: creates it, makes it a member with the invite's role and returns its login session. An invite works once; a used, revoked or expired one is answered 410 (`invite_used`, `invite_revoked`, `invite_expired`), an unknown one 404 (`invite_unknown`); a taken name 409", "anyone with a member invite") },
        Operation { response: Body::Named("Me"), ..op("get", "/api/me", "Who the token belongs to (actor and display name), and their workspaces", "any token") },
        Operation { request: Some("PasswordChangeRequest"), response: Body::Named("LoginSession"), ..op("post", "/api/me/password", "Change your password: every login session of the account ends, on every node, and the answer carries a new one (as POST /api/login does); a wrong current password is 403 `wrong_password`", "password logins") },
        Operation { request: Some("AcceptInviteAsMeRequest"), response: Body::Named("AcceptedInvite"), ..op("post", "/api/me/accept-invite", "Accept a member invite with the account you are logged in with (410/404 as for POST /api/invites/accept; 409 when you are a member already)", "password logins") },
        Operation { response: Body::Named("Method"), ..op("get", "/api/method", "The method's texts that data refers to by number, in Danish and English: the fourteen screening questions", "anyone") },
        Operation { response: Body::Backup, ..op("get", "/api/backup", "An online backup of the whole server: the log up to now and the keys of personal data not erased", "server administrators' password logins (not API tokens)") },
        Operation { response: Body::ListOf("WorkspaceListing"), ..op("get", "/api/workspaces", "The caller's workspaces with their id, slug (a readable address, unique, accepted wherever the id is), name and role", "any token") },
        Operation { request: Some("CreateWorkspaceRequest"), response: Body::Named("CreatedWorkspace"), success: 201, ..op("post", "/api/workspaces", "Create a workspace; the caller becomes its owner. An id that exists is refused (409 `already_exists`) unless the caller created it (a retry: `deduplicated: true`)", "accounts (not API tokens)") },
        Operation { response: Body::Named("WorkspaceSummary"), ..op("get", "/api/workspaces/{workspace_id}", "Summary of a workspace (id, slug, name, counts, your role)", "members and guests") },
        Operation { request: Some("CommandRequest"), response: Body::Named("CommandOutcome"), ..op("post", "/api/workspaces/{workspace_id}/commands", "Run a command (see the Command schema: every command of the method); 409 on a version conflict or a command id another actor or workspace used (`command_id_taken`), 422 on a rule violation", "owner, editor; guests: note commands on their board") },
        Operation { query: NETWORK_FILTERS, response: Body::Named("NetworkView"), ..op("get", "/api/workspaces/{workspace_id}/network", "The network map: nodes, edges, key-person risks, duplicate contacts, metrics", VIEWS) },
        Operation { query: NETWORK_FILTERS, response: Body::File("application/gexf+xml", "GEXF 1.2 (UTF-8): every node of the map with its label and the attributes kind, sector, level, rooms, age_groups, tags, team; every edge (id `kind:source:target`, directed) with kind, level, topics; only the attributes that are set"), ..op("get", "/api/workspaces/{workspace_id}/network.gexf", "The network map as GEXF, for Gephi and Kumu: the same nodes, edges and fields as the map (and the app's export), with the same filters", VIEWS) },
        Operation { query: NETWORK_FILTERS, response: Body::File("application/graphml+xml", "GraphML (UTF-8) with a declared key per field: node label, kind, sector, level, rooms, age_groups, tags, team; edge kind, level, topics"), ..op("get", "/api/workspaces/{workspace_id}/network.graphml", "The network map as GraphML, for yEd and Gephi, with the same filters as the map", VIEWS) },
        Operation { query: NETWORK_FILTERS, response: Body::File("text/csv", "CSV (UTF-8 with a byte order mark, comma separated, CRLF): id, label, kind, sector, level, rooms, age_groups, tags, team; lists separated by `; `"), ..op("get", "/api/workspaces/{workspace_id}/network/nodes.csv", "The map's nodes as CSV, for a spreadsheet, with the same filters as the map", VIEWS) },
        Operation { query: NETWORK_FILTERS, response: Body::File("text/csv", "CSV (UTF-8 with a byte order mark, comma separated, CRLF): source, source_label, kind, target, target_label, level, topics"), ..op("get", "/api/workspaces/{workspace_id}/network/relations.csv", "The map's edges (relations, contacts, team memberships) as CSV, with the same filters as the map", VIEWS) },
        Operation { response: Body::ListOf("ContactHolderView"), ..op("get", "/api/workspaces/{workspace_id}/organisations/{organisation_id}/contacts", "Who else knows this partner", VIEWS) },
        Operation { query: &[("today", "YYYY-MM-DD the overdue evaluations are measured against (default today)")], response: Body::Named("PortfolioAnswer"), ..op("get", "/api/workspaces/{workspace_id}/portfolio", "The portfolio: rooms x goals (each partnership with its partners' sectors and its age groups, to cross the grid by), sectors, age groups, gaps, overdue evaluations, resources, level counts and network metrics over time", VIEWS) },
        Operation { response: Body::Named("SuggestionsView"), ..op("get", "/api/workspaces/{workspace_id}/suggestions", "Suggestions, each explained in Danish and English: for each empty room x goal cell and each thin age group (served by fewer than two active partnerships), organisations of the network that fit and who at the library knows them; for each organisation that seeks something, the assets that match", VIEWS) },
        Operation { response: Body::Named("CompetencesView"), ..op("get", "/api/workspaces/{workspace_id}/competences", "Competences the library has and lacks", VIEWS) },
        Operation { response: Body::MapOf("Organisation"), ..op("get", "/api/workspaces/{workspace_id}/organisations", "The network database: every organisation by id, its contact persons' personal data revealed (or marked erased)", VIEWS) },
        Operation { request: Some("ImportPreviewRequest"), response: Body::Named("ImportPreview"), ..op("post", "/api/workspaces/{workspace_id}/organisation-import/preview", "Preview importing organisations from a spreadsheet's CSV (UTF-8, a header row, `;` or `,` separated; columns name, sector, kind, tags, topics, website, age_groups, rooms, level, reason, in English or Danish): per row created, merged (an organisation of that name exists), unchanged or rejected with the reason. Writes nothing; the answer's `command` (ImportOrganisations, all or nothing) is sent to confirm. An unreadable file is 400 `csv_unreadable`, one without a name or sector column 400 `csv_columns_missing`", "owner, editor") },
        Operation { response: Body::Named("Organisation"), ..op("get", "/api/workspaces/{workspace_id}/organisations/{organisation_id}", "One organisation", VIEWS) },
        Operation { response: Body::MapOf("Partnership"), ..op("get", "/api/workspaces/{workspace_id}/partnerships", "Every partnership's file, by id", VIEWS) },
        Operation { response: Body::Named("Partnership"), ..op("get", "/api/workspaces/{workspace_id}/partnerships/{partnership_id}", "One partnership's file", VIEWS) },
        Operation { query: &[("from_version", "the earlier version (0: the empty agreement before the first text)"), ("to_version", "the later version")], response: Body::Named("AgreementDiff"), ..op("get", "/api/workspaces/{workspace_id}/partnerships/{partnership_id}/agreement/diff", "Two versions of the partnership's agreement side by side: each section that differs, its text in both, and the words kept, removed and added; 404 `no_such_version` for a version the agreement does not have", VIEWS) },
        Operation { response: Body::MapOf("Asset"), ..op("get", "/api/workspaces/{workspace_id}/assets", "The assets list (Vi kan – Vil du?), by id", VIEWS) },
        Operation { response: Body::ListOf("ShareLinkListing"), ..op("get", "/api/workspaces/{workspace_id}/assets/share-links", "The share links of the public assets page, newest first: label, who made it, when, whether closed; never their secret", "owner") },
        Operation { request: Some("ShareLinkRequest"), response: Body::Named("CreatedShareLink"), success: 201, ..op("post", "/api/workspaces/{workspace_id}/assets/share-links", "Make a share link to the public assets page: returns its text (shown once; only its hash is logged, in `AssetsShareLinkCreated`) and the page's address `/vi-kan#<token>`", "owner") },
        Operation { success: 204, ..op("delete", "/api/workspaces/{workspace_id}/assets/share-links/{link_id}", "Close a share link: its page answers 410 `share_link_revoked` from now on (logged as `AssetsShareLinkRevoked`)", "owner") },
        Operation { response: Body::Named("PublicAssets"), ..op("get", "/api/public/assets/{token}", "The public assets page (Vi kan – Vil du?) a share link opens: the library's name and its assets with the contact's name and team, nothing else. A closed link is answered 410 `share_link_revoked`, an unknown one 404 `share_link_unknown`; more than 10 requests a second for one link (or for unknown links together) 429", "anyone with a share link, no login") },
        Operation { response: Body::ListOf("BoardListing"), ..op("get", "/api/workspaces/{workspace_id}/boards", "Workshop boards", VIEWS) },
        Operation { response: Body::Board, ..op("get", "/api/workspaces/{workspace_id}/boards/{board_id}", "A board as the caller may see it, the same for every role: others' notes in private writing counted, not shown; authors of anonymous phases and open tallies hidden", "members; guests: their board") },
        Operation { request: Some("InviteRequest"), response: Body::Named("CreatedBoardInvite"), success: 201, ..op("post", "/api/workspaces/{workspace_id}/boards/{board_id}/invites", "Invite workshop guests to one board: returns an invite token and link; each person joins with it through POST /api/join", "owner, editor") },
        Operation { query: &[("entity", "an entity id (default: the whole workspace)"), ("lang", "da (default) or en: the language of the sentences (`summary`)")], response: Body::ListOf("TimelineLine"), ..op("get", "/api/workspaces/{workspace_id}/timeline", "Every event about an entity, in words of the caller's language (400 `invalid_query` for another); of workshop boards what the caller may see (no names of anonymous authors or voters, no text of others' private notes, no others' dots while a vote is open)", HISTORY) },
        Operation { query: &[("at", "a log position or an RFC 3339 time (required)"), ("since", "an earlier moment: adds `changes_since`"), ("lang", "da (default) or en: the language of the timeline's sentences")], response: Body::AsOf, ..op("get", "/api/workspaces/{workspace_id}/as-of", "The workspace's views as of a moment, and what changed since another; its boards and timeline as the caller may see them at that moment", HISTORY) },
        Operation { response: Body::Named("Verification"), ..op("get", "/api/workspaces/{workspace_id}/verify", "Verify the log's hash chain now (the whole log: every workspace shares it): ok, events verified, the head hash, or where it breaks", "owner, auditor") },
        Operation { query: &[("entity", "an entity id (default: the whole workspace)"), ("lang", "da (default) or en: the header, the kinds of event and what happened")], response: Body::File("text/csv", "CSV (UTF-8 with a byte order mark, comma separated, CRLF): position, time, who (as the caller may see it), event (in words), event type, what happened, reason, hash"), ..op("get", "/api/workspaces/{workspace_id}/audit.csv", "The audit trail (revisionsspor) of the workspace or one entity as CSV, as the caller may see it; 400 `invalid_query` for another language", HISTORY) },
        Operation { query: &[("from", "first stream version (default 1)"), ("limit", "page size, 1 to 1000 (default 100)")], response: Body::LogPage, ..op("get", "/api/workspaces/{workspace_id}/log", "The raw event log of the workspace, paged, with hashes", "owner, auditor") },
        Operation { response: Body::ListOf("MemberListing"), ..op("get", "/api/workspaces/{workspace_id}/members", "Members and their roles", "owner") },
        Operation { request: Some("GrantRequest"), success: 204, ..op("put", "/api/workspaces/{workspace_id}/members/{account_name}", "Give an account a role", "owner") },
        Operation { success: 204, ..op("delete", "/api/workspaces/{workspace_id}/members/{account_name}", "Take an account's role away", "owner") },
        Operation { response: Body::ListOf("MemberInviteListing"), ..op("get", "/api/workspaces/{workspace_id}/member-invites", "Member invites, newest first: role, expiry, whether open, used (and by whom), revoked or expired; never their secret", "owner") },
        Operation { request: Some("MemberInviteRequest"), response: Body::Named("CreatedMemberInvite"), success: 201, ..op("post", "/api/workspaces/{workspace_id}/member-invites", "Invite a colleague to become a member with a role: returns the invite (shown once) and its link `/invite#<invite>`; single use, expires (default 72 hours), revocable", "owner") },
        Operation { success: 204, ..op("delete", "/api/workspaces/{workspace_id}/member-invites/{invite_id}", "Revoke a member invite that was not used (410 `invite_used` when it was)", "owner") },
        Operation { response: Body::ListOf("TokenListing"), ..op("get", "/api/workspaces/{workspace_id}/tokens", "API tokens and invites, with last use", "owner") },
        Operation { request: Some("TokenRequest"), response: Body::Named("IssuedToken"), success: 201, ..op("post", "/api/workspaces/{workspace_id}/tokens", "Issue an API token (its text is shown once)", "owner") },
        Operation { success: 204, ..op("delete", "/api/workspaces/{workspace_id}/tokens/{token_id}", "Revoke a token", "owner") },
    ]
}

fn schema_generator() -> SchemaGenerator {
    SchemaSettings::openapi3().into_generator()
}

fn register<T: JsonSchema>(
    generator: &mut SchemaGenerator,
    components: &mut Map<String, Value>,
    name: &str,
) {
    let schema = generator.subschema_for::<T>();
    let value = serde_json::to_value(schema).unwrap_or(Value::Null);
    // `subschema_for` adds a $ref for named types; keep the named definition under `name`.
    if value.get("$ref").is_none() {
        components.insert(name.to_owned(), value);
    }
}

/// The schema of a query parameter, as strict as the handler that reads it.
fn query_schema(name: &str, components: &Map<String, Value>) -> Value {
    let vocabulary = |component: &str| {
        if components.contains_key(component) {
            json!({"$ref": format!("#/components/schemas/{component}")})
        } else {
            json!({"type": "string"})
        }
    };
    match name {
        "from" => json!({"type": "integer", "minimum": 1, "maximum": u64::MAX}),
        // What `AsOf::parse` reads: a log position or an RFC 3339 time.
        "at" | "since" => json!({
            "anyOf": [
                {"type": "string", "pattern": "^[0-9]{1,19}$"},
                {"type": "string", "format": "date-time"},
            ],
        }),
        "lang" => json!({
            "type": "string",
            "enum": Language::ALL.map(Language::code),
            "default": Language::default().code(),
        }),
        // `AgreementDiffQuery` reads them as u32: a larger number is 400 `invalid_query`.
        "from_version" | "to_version" => {
            json!({"type": "integer", "minimum": 0, "maximum": u32::MAX})
        }
        "limit" => json!({"type": "integer", "minimum": 1, "maximum": 1000}),
        "entity" | "owner" => json!({"type": "string", "format": "uuid"}),
        "today" => json!({"type": "string", "format": "date"}),
        "sector" => vocabulary("Sector"),
        "level" => vocabulary("Level"),
        "room" => vocabulary("Room"),
        "age_group" => vocabulary("AgeGroup"),
        "goal" => vocabulary("Goal"),
        _ => json!({"type": "string"}),
    }
}

/// The OpenAPI document.
pub fn document() -> Value {
    let mut generator = schema_generator();
    let mut components = Map::new();
    register::<ErrorBody>(&mut generator, &mut components, "ErrorBody");
    register::<LoginRequest>(&mut generator, &mut components, "LoginRequest");
    register::<CreateWorkspaceRequest>(&mut generator, &mut components, "CreateWorkspaceRequest");
    register::<CommandRequest>(&mut generator, &mut components, "CommandRequest");
    register::<CommandOutcome>(&mut generator, &mut components, "CommandOutcome");
    register::<BoardView>(&mut generator, &mut components, "BoardView");
    register::<AgreementDiff>(&mut generator, &mut components, "AgreementDiff");
    register::<Verification>(&mut generator, &mut components, "Verification");
    register::<Method>(&mut generator, &mut components, "Method");
    register::<InviteRequest>(&mut generator, &mut components, "InviteRequest");
    register::<JoinRequest>(&mut generator, &mut components, "JoinRequest");
    register::<GuestCredential>(&mut generator, &mut components, "GuestCredential");
    register::<AsOfQuery>(&mut generator, &mut components, "AsOfQuery");
    register::<LogEntry>(&mut generator, &mut components, "LogEntry");
    register::<GrantRequest>(&mut generator, &mut components, "GrantRequest");
    register::<TokenRequest>(&mut generator, &mut components, "TokenRequest");
    register::<TokenListing>(&mut generator, &mut components, "TokenListing");
    register::<PasswordChangeRequest>(&mut generator, &mut components, "PasswordChangeRequest");
    register::<AcceptInviteRequest>(&mut generator, &mut components, "AcceptInviteRequest");
    register::<AcceptInviteAsMeRequest>(&mut generator, &mut components, "AcceptInviteAsMeRequest");
    register::<AcceptedInvite>(&mut generator, &mut components, "AcceptedInvite");
    register::<MemberInviteRequest>(&mut generator, &mut components, "MemberInviteRequest");
    register::<MemberInviteListing>(&mut generator, &mut components, "MemberInviteListing");
    register::<ImportPreviewRequest>(&mut generator, &mut components, "ImportPreviewRequest");
    register::<ImportPreview>(&mut generator, &mut components, "ImportPreview");
    register::<ShareLinkRequest>(&mut generator, &mut components, "ShareLinkRequest");
    register::<ShareLinkListing>(&mut generator, &mut components, "ShareLinkListing");
    register::<CreatedShareLink>(&mut generator, &mut components, "CreatedShareLink");
    register::<PublicAssets>(&mut generator, &mut components, "PublicAssets");
    register::<Health>(&mut generator, &mut components, "Health");
    register::<Readiness>(&mut generator, &mut components, "Readiness");
    register::<LoginSession>(&mut generator, &mut components, "LoginSession");
    register::<Me>(&mut generator, &mut components, "Me");
    register::<WorkspaceListing>(&mut generator, &mut components, "WorkspaceListing");
    register::<CreatedWorkspace>(&mut generator, &mut components, "CreatedWorkspace");
    register::<WorkspaceSummary>(&mut generator, &mut components, "WorkspaceSummary");
    register::<NetworkView>(&mut generator, &mut components, "NetworkView");
    register::<ContactHolderView>(&mut generator, &mut components, "ContactHolderView");
    register::<PortfolioAnswer>(&mut generator, &mut components, "PortfolioAnswer");
    register::<SuggestionsView>(&mut generator, &mut components, "SuggestionsView");
    register::<CompetencesView>(&mut generator, &mut components, "CompetencesView");
    register::<Organisation>(&mut generator, &mut components, "Organisation");
    register::<Partnership>(&mut generator, &mut components, "Partnership");
    register::<Asset>(&mut generator, &mut components, "Asset");
    register::<CreatedBoardInvite>(&mut generator, &mut components, "CreatedBoardInvite");
    register::<WorkspaceReport>(&mut generator, &mut components, "WorkspaceReport");
    register::<Comparison>(&mut generator, &mut components, "Comparison");
    register::<MemberListing>(&mut generator, &mut components, "MemberListing");
    register::<CreatedMemberInvite>(&mut generator, &mut components, "CreatedMemberInvite");
    register::<IssuedToken>(&mut generator, &mut components, "IssuedToken");
    register::<BoardListing>(&mut generator, &mut components, "BoardListing");
    register::<TimelineLine>(&mut generator, &mut components, "TimelineLine");
    for (name, schema) in generator.take_definitions() {
        components.insert(name, serde_json::to_value(schema).unwrap_or(Value::Null));
    }

    let error_response = |description: &str| json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}});
    let mut paths = Map::new();
    for operation in operations() {
        let mut parameters: Vec<Value> = operation
            .path
            .split('/')
            .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
            .map(|name| {
                let schema = if name == "account_name" {
                    json!({"type": "string", "pattern": ACCOUNT_NAME_PATTERN})
                } else if name == "workspace_id" {
                    json!({
                        "description": "the workspace's id, or its slug (from its name, e.g. `roskilde-bibliotekerne`; in `slug` of GET /api/workspaces)",
                        "anyOf": [
                            {"type": "string", "format": "uuid"},
                            {"type": "string", "pattern": "^[a-z0-9-]{1,72}$"},
                        ],
                    })
                } else {
                    json!({"type": "string", "format": "uuid"})
                };
                json!({"name": name, "in": "path", "required": true, "schema": schema})
            })
            .collect();
        for (name, description) in operation.query {
            parameters.push(json!({"name": name, "in": "query", "required": matches!(*name, "at" | "from_version" | "to_version"), "description": description, "schema": query_schema(name, &components)}));
        }
        let media_type = match operation.response {
            Body::Backup => "application/x-ndjson",
            Body::File(media_type, _) => media_type,
            _ => "application/json",
        };
        let success_body = json!({media_type: {"schema": operation.response.schema()}});
        let mut responses = Map::new();
        let success = if operation.success == 204 {
            json!({"description": "done"})
        } else {
            json!({"description": "success", "content": success_body})
        };
        responses.insert(operation.success.to_string(), success);
        for (status, description) in [
            (
                "400",
                "bad input: `malformed_json`, `invalid_body` (a wrong field or value), `invalid_field` (a text too long, empty, ...; `details.field` names it), `invalid_input`, `invite_hours_out_of_range` (an invite's hours out of 1 to 720), `invalid_path`, `invalid_query`, `invalid_account_name`, `weak_password`, `csv_unreadable`, `csv_columns_missing`",
            ),
            ("401", "`unauthenticated`: no or invalid token"),
            ("403", "`forbidden`: your role does not allow it (`wrong_password` for a wrong current password)"),
            (
                "404",
                "`workspace_not_found` (no such workspace, or not a member), `unknown_entity`, `not_found`, `invite_unknown`, `share_link_unknown`, `no_such_version`",
            ),
            (
                "405",
                "`method_not_allowed`: the path does not answer this method",
            ),
            (
                "409",
                "`version_conflict` (details carry expected and actual), `already_exists`, `workspace_already_created`, `command_id_taken` (a command id another actor or workspace used), `conflict`, `name_taken`",
            ),
            (
                "410",
                "an invite or share link that was used, revoked or has expired: `invite_used`, `invite_revoked`, `invite_expired`, `share_link_revoked`",
            ),
            ("413", "`payload_too_large`: body too large"),
            (
                "415",
                "`unsupported_media_type`: a body that is not `application/json`",
            ),
            (
                "422",
                "a rule of the method refuses it (e.g. `illegal_phase_jump`, `phase_requirement`, `screening_incomplete`, `board_locked`, `vote_budget_spent`)",
            ),
            ("429", "`rate_limited` or `too_many_attempts`: too many requests or failed logins"),
            (
                "503",
                "`busy` or `shutting_down`: the server is busy (too many password checks at once) or shutting down, or (`not_ready`) the views are catching up; try again shortly",
            ),
        ] {
            if status == "415" && operation.request.is_none() {
                continue;
            }
            responses.insert(status.to_owned(), error_response(description));
        }
        let mut entry = json!({
            "summary": operation.summary,
            "description": format!("Who may call it: {}.", operation.access),
            "parameters": parameters,
            "responses": responses,
        });
        if operation.access != "anyone" && !operation.access.starts_with("anyone") {
            entry["security"] = json!([{"bearer": []}]);
        }
        if let Some(name) = operation.request {
            entry["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}});
        }
        let item = paths
            .entry(operation.path.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(item) = item.as_object_mut() {
            item.insert(operation.method.to_owned(), entry);
        }
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "partnerhub",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Strategic partnership work for public libraries: commands and views of workspaces. The live websocket protocol is described in asyncapi.json beside this document.",
        },
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "a session token from POST /api/login, or an API token"}},
        },
    })
}

/// `GET /api/openapi.json`.
pub(super) async fn serve_document() -> ApiJson<Value> {
    ApiJson(document())
}
