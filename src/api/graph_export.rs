//! The network map as files for scripts and other tools: GEXF (Gephi, Kumu), GraphML (yEd,
//! Gephi) and CSV of nodes and of relations (a spreadsheet), at
//! `GET /api/workspaces/{id}/network.gexf`, `network.graphml`, `network/nodes.csv` and
//! `network/relations.csv`.
//!
//! Every file is written from the same [`NetworkView`] the map route answers (with the same
//! filters and the same role check), through one list of each node's and edge's fields
//! ([`node_fields`], [`edge_fields`]): the fields and column names are those of the browser
//! app's exports (`web/src/map/export.ts`), which writes the map as filtered and laid out on
//! screen and adds what only the screen knows (colours, sizes, places). Text is UTF-8; the CSV
//! files start with a byte order mark so that spreadsheet programs read the Danish letters.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use uuid::Uuid;

use super::routes::{reader, view};
use super::{ApiPath, ApiQuery, Caller};
use crate::accounts::Permission;
use crate::app_state::{ApiError, AppState};
use crate::domain::vocabulary::snake;
use crate::projection::network::{
    network_view, NetworkEdge, NetworkFilter, NetworkNode, NetworkView,
};

/// The media type of a GEXF file.
pub const GEXF_MEDIA_TYPE: &str = "application/gexf+xml; charset=utf-8";
/// The media type of a GraphML file.
pub const GRAPHML_MEDIA_TYPE: &str = "application/graphml+xml; charset=utf-8";
/// The media type of a CSV file.
pub const CSV_MEDIA_TYPE: &str = "text/csv; charset=utf-8";

/// The names of a node's fields, in the order of every export (after its id and label).
pub const NODE_FIELDS: [&str; 7] = [
    "kind",
    "sector",
    "level",
    "rooms",
    "age_groups",
    "tags",
    "team",
];
/// The names of an edge's fields, in the order of every export.
pub const EDGE_FIELDS: [&str; 3] = ["kind", "level", "topics"];

/// A list field as one text, as the app writes it.
fn list<T: serde::Serialize>(values: &[T]) -> String {
    values.iter().map(snake).collect::<Vec<_>>().join("; ")
}

/// A node's fields as text, in the order of [`NODE_FIELDS`] (empty when not set).
pub fn node_fields(node: &NetworkNode) -> [String; 7] {
    [
        snake(&node.kind),
        node.sector.as_ref().map(snake).unwrap_or_default(),
        node.level.as_ref().map(snake).unwrap_or_default(),
        list(&node.rooms),
        list(&node.age_groups),
        node.tags.join("; "),
        node.team.clone().unwrap_or_default(),
    ]
}

/// An edge's fields as text, in the order of [`EDGE_FIELDS`] (empty when not set).
pub fn edge_fields(edge: &NetworkEdge) -> [String; 3] {
    [
        snake(&edge.kind),
        edge.level.as_ref().map(snake).unwrap_or_default(),
        edge.topics.join("; "),
    ]
}

/// An edge's id, as the app keys it: kind, source and target (the view has no edge ids).
fn edge_id(edge: &NetworkEdge) -> String {
    format!("{}:{}:{}", snake(&edge.kind), edge.source, edge.target)
}

/// The view's edges whose both ends are nodes of the view, once each (as the app draws them).
fn drawable_edges(view: &NetworkView) -> Vec<&NetworkEdge> {
    let nodes: std::collections::HashSet<Uuid> = view.nodes.iter().map(|node| node.id).collect();
    let mut seen = std::collections::HashSet::new();
    view.edges
        .iter()
        .filter(|edge| {
            nodes.contains(&edge.source)
                && nodes.contains(&edge.target)
                && seen.insert(edge_id(edge))
        })
        .collect()
}

/// Text for an XML attribute or element: the five special characters escaped, and the
/// characters XML 1.0 does not allow at all left out.
fn xml_text(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for character in value.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' | '\r' => escaped.push(character),
            control if control < ' ' || control == '\u{FFFE}' || control == '\u{FFFF}' => {}
            other => escaped.push(other),
        }
    }
    escaped
}

/// The view as GEXF 1.2: nodes with their label and fields as attributes, directed edges
/// labelled with their kind.
pub fn gexf(view: &NetworkView) -> String {
    let mut lines = vec![
        r#"<?xml version="1.0" encoding="UTF-8"?>"#.to_owned(),
        r#"<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">"#.to_owned(),
        "  <meta><creator>partnerhub</creator></meta>".to_owned(),
        r#"  <graph defaultedgetype="directed" mode="static">"#.to_owned(),
        r#"    <attributes class="node">"#.to_owned(),
    ];
    for field in NODE_FIELDS {
        lines.push(format!(
            r#"      <attribute id="{field}" title="{field}" type="string"/>"#
        ));
    }
    lines.push("    </attributes>".to_owned());
    lines.push(r#"    <attributes class="edge">"#.to_owned());
    for field in EDGE_FIELDS {
        lines.push(format!(
            r#"      <attribute id="{field}" title="{field}" type="string"/>"#
        ));
    }
    lines.push("    </attributes>".to_owned());
    lines.push("    <nodes>".to_owned());
    for node in &view.nodes {
        lines.push(format!(
            r#"      <node id="{}" label="{}">"#,
            node.id,
            xml_text(&node.label)
        ));
        lines.push(gexf_values(&NODE_FIELDS, &node_fields(node)));
        lines.push("      </node>".to_owned());
    }
    lines.push("    </nodes>".to_owned());
    lines.push("    <edges>".to_owned());
    for edge in drawable_edges(view) {
        lines.push(format!(
            r#"      <edge id="{}" source="{}" target="{}" label="{}">"#,
            xml_text(&edge_id(edge)),
            edge.source,
            edge.target,
            snake(&edge.kind)
        ));
        lines.push(gexf_values(&EDGE_FIELDS, &edge_fields(edge)));
        lines.push("      </edge>".to_owned());
    }
    lines.push("    </edges>".to_owned());
    lines.push("  </graph>".to_owned());
    lines.push("</gexf>".to_owned());
    lines.push(String::new());
    lines.join("\n")
}

/// The set fields as GEXF `attvalues`.
fn gexf_values(names: &[&str], values: &[String]) -> String {
    let set: Vec<String> = names
        .iter()
        .zip(values)
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| format!(r#"<attvalue for="{name}" value="{}"/>"#, xml_text(value)))
        .collect();
    format!("        <attvalues>{}</attvalues>", set.concat())
}

/// The view as GraphML, with a declared key for every field (yEd and Gephi read it).
pub fn graphml(view: &NetworkView) -> String {
    let mut lines = vec![
        r#"<?xml version="1.0" encoding="UTF-8"?>"#.to_owned(),
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns">"#.to_owned(),
        r#"  <key id="n_label" for="node" attr.name="label" attr.type="string"/>"#.to_owned(),
    ];
    for field in NODE_FIELDS {
        lines.push(format!(
            r#"  <key id="n_{field}" for="node" attr.name="{field}" attr.type="string"/>"#
        ));
    }
    for field in EDGE_FIELDS {
        lines.push(format!(
            r#"  <key id="e_{field}" for="edge" attr.name="{field}" attr.type="string"/>"#
        ));
    }
    lines.push(r#"  <graph id="network" edgedefault="directed">"#.to_owned());
    for node in &view.nodes {
        lines.push(format!(r#"    <node id="{}">"#, node.id));
        lines.push(format!(
            r#"      <data key="n_label">{}</data>"#,
            xml_text(&node.label)
        ));
        for (field, value) in NODE_FIELDS.iter().zip(node_fields(node)) {
            if !value.is_empty() {
                lines.push(format!(
                    r#"      <data key="n_{field}">{}</data>"#,
                    xml_text(&value)
                ));
            }
        }
        lines.push("    </node>".to_owned());
    }
    for edge in drawable_edges(view) {
        lines.push(format!(
            r#"    <edge id="{}" source="{}" target="{}">"#,
            xml_text(&edge_id(edge)),
            edge.source,
            edge.target
        ));
        for (field, value) in EDGE_FIELDS.iter().zip(edge_fields(edge)) {
            if !value.is_empty() {
                lines.push(format!(
                    r#"      <data key="e_{field}">{}</data>"#,
                    xml_text(&value)
                ));
            }
        }
        lines.push("    </edge>".to_owned());
    }
    lines.push("  </graph>".to_owned());
    lines.push("</graphml>".to_owned());
    lines.push(String::new());
    lines.join("\n")
}

/// One CSV field: quoted when it holds a separator (`,` or `;`), a quote or a line break.
fn csv_field(value: &str) -> String {
    if value.contains([',', ';', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

/// Rows as CSV: comma separated, CRLF line ends, a byte order mark first.
pub fn csv(rows: Vec<Vec<String>>) -> String {
    let mut text = String::from('\u{feff}');
    for row in rows {
        let fields: Vec<String> = row.iter().map(|field| csv_field(field)).collect();
        text.push_str(&fields.join(","));
        text.push_str("\r\n");
    }
    text
}

/// The nodes as CSV: `id`, `label`, then [`NODE_FIELDS`].
pub fn nodes_csv(view: &NetworkView) -> String {
    let header = ["id", "label"]
        .into_iter()
        .chain(NODE_FIELDS)
        .map(str::to_owned)
        .collect();
    let rows = view.nodes.iter().map(|node| {
        [node.id.to_string(), node.label.clone()]
            .into_iter()
            .chain(node_fields(node))
            .collect()
    });
    csv(std::iter::once(header).chain(rows).collect())
}

/// The edges as CSV: each end's id and label, the edge's kind, level and topics.
pub fn relations_csv(view: &NetworkView) -> String {
    let labels: std::collections::HashMap<Uuid, &str> = view
        .nodes
        .iter()
        .map(|node| (node.id, node.label.as_str()))
        .collect();
    let label = |id: &Uuid| labels.get(id).copied().unwrap_or_default().to_owned();
    let header = [
        "source",
        "source_label",
        "kind",
        "target",
        "target_label",
        "level",
        "topics",
    ]
    .map(str::to_owned)
    .to_vec();
    let rows = drawable_edges(view).into_iter().map(|edge| {
        let [kind, level, topics] = edge_fields(edge);
        vec![
            edge.source.to_string(),
            label(&edge.source),
            kind,
            edge.target.to_string(),
            label(&edge.target),
            level,
            topics,
        ]
    });
    csv(std::iter::once(header).chain(rows).collect())
}

/// A file answer: its media type, and a file name for a browser's download.
pub(crate) fn file(media_type: &'static str, name: &str, content: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, media_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        content,
    )
        .into_response()
}

/// One of the network's files, chosen per route (`routes/mod.rs` gives each route its own
/// as an [`Extension`]), so that one handler serves them all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NetworkFile {
    /// `network.gexf`.
    Gexf,
    /// `network.graphml`.
    Graphml,
    /// `network/nodes.csv`.
    NodesCsv,
    /// `network/relations.csv`.
    RelationsCsv,
}

impl NetworkFile {
    /// The file's media type, its name for a download, and its text written from `view`.
    fn write(self, view: &NetworkView) -> (&'static str, &'static str, String) {
        match self {
            NetworkFile::Gexf => (GEXF_MEDIA_TYPE, "network.gexf", gexf(view)),
            NetworkFile::Graphml => (GRAPHML_MEDIA_TYPE, "network.graphml", graphml(view)),
            NetworkFile::NodesCsv => (CSV_MEDIA_TYPE, "nodes.csv", nodes_csv(view)),
            NetworkFile::RelationsCsv => (CSV_MEDIA_TYPE, "relations.csv", relations_csv(view)),
        }
    }
}

/// `GET /api/workspaces/{id}/network.gexf`, `network.graphml`, `network/nodes.csv` and
/// `network/relations.csv`: the map route's view, with its filters and role check, as the
/// route's file.
pub(super) async fn network_file(
    State(state): State<AppState>,
    Extension(kind): Extension<NetworkFile>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
    ApiQuery(filter): ApiQuery<NetworkFilter>,
) -> Result<Response, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadViews)?;
    let network = view(&state, workspace_id, |view| {
        network_view(&view.state, &filter)
    })?;
    let (media_type, name, content) = kind.write(&network);
    Ok(file(media_type, name, content))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_escapes_the_special_characters_and_drops_what_xml_forbids() {
        assert_eq!(
            xml_text("Æblerød & <Co> \"x\" 'y'\u{1}"),
            "Æblerød &amp; &lt;Co&gt; &quot;x&quot; &apos;y&apos;"
        );
    }

    #[test]
    fn csv_fields_are_quoted_when_they_hold_a_separator_or_a_quote() {
        assert_eq!(csv_field("Børnehuset"), "Børnehuset");
        assert_eq!(csv_field("a; b"), "\"a; b\"");
        assert_eq!(csv_field("say \"hej\""), "\"say \"\"hej\"\"\"");
    }
}
