//! Importing organisations from a spreadsheet: the CSV a spreadsheet program exports read
//! into rows of the `ImportOrganisations` command, and the preview of what that command would
//! do with each row (`POST /api/workspaces/{id}/organisation-import/preview`), which writes
//! nothing. The app shows the preview and, when the person confirms, sends the command the
//! preview carries through its one `send` (so the import is one command: all or nothing).
//!
//! The CSV: UTF-8 (a byte order mark is skipped), a header row, fields separated by `;` or
//! `,` (whichever the header row holds more of; Danish spreadsheet programs write `;`),
//! quoted fields as RFC 4180 has them. Columns are known by English or Danish names (see
//! [`COLUMNS`]) and values by their English or Danish words; lists (tags, topics, age
//! groups, rooms) are separated by `;`, `,` or `|` within their cell. Unknown columns are
//! named in the preview and left out.
//!
//! What a row becomes is decided by the network area's rules
//! ([`crate::domain::import::plan`]), the same the command is decided by.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use super::routes::{reader, view};
use super::{ApiJson, ApiPath, Caller};
use crate::accounts::Permission;
use crate::app_state::{ApiError, AppState, ErrorBody};
use crate::domain::import::{plan, ImportProblem, ImportedOrganisation, RowPlan, IMPORT_ROW_LIMIT};
use crate::domain::vocabulary::{snake, AgeGroup, Level, Room, Sector};
use crate::domain::Command;

/// A column of the import, and the header names it is known by (compared in lower case,
/// with spaces and hyphens as `_`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Name,
    Sector,
    Kind,
    Tags,
    Topics,
    Website,
    AgeGroups,
    Rooms,
    Level,
    Reason,
}

/// Every column with its English and Danish header names.
const COLUMNS: &[(Column, &[&str])] = &[
    (
        Column::Name,
        &["name", "navn", "organisation", "organization", "label"],
    ),
    (Column::Sector, &["sector", "sektor"]),
    (Column::Kind, &["kind", "type", "art"]),
    (Column::Tags, &["tags", "mærker", "nøgleord"]),
    (Column::Topics, &["topics", "emner", "emne"]),
    (Column::Website, &["website", "hjemmeside", "web", "url"]),
    (
        Column::AgeGroups,
        &["age_groups", "aldersgrupper", "målgrupper"],
    ),
    (Column::Rooms, &["rooms", "rum"]),
    (Column::Level, &["level", "niveau", "netværkscirkel"]),
    (Column::Reason, &["reason", "begrundelse"]),
];

impl Column {
    fn of_header(header: &str) -> Option<Column> {
        let key = header.trim().to_lowercase().replace([' ', '-'], "_");
        COLUMNS
            .iter()
            .find(|(_, names)| names.contains(&key.as_str()))
            .map(|(column, _)| *column)
    }

    /// Its name in the import's documentation and in problems.
    fn name(self) -> &'static str {
        COLUMNS
            .iter()
            .find(|(column, _)| *column == self)
            .map_or("", |(_, names)| names[0])
    }
}

/// The Danish words of the vocabulary a spreadsheet may use, beside the English ones.
const DANISH_WORDS: &[(&str, &str)] = &[
    ("offentlig", "public"),
    ("privat", "private"),
    ("civilsamfund", "civil_society"),
    ("civilsamfundet", "civil_society"),
    ("netværk", "network"),
    ("samarbejde", "collaboration"),
    ("partnerskab", "partnership"),
    ("inspirationsrum", "inspiration"),
    ("læringsrum", "learning"),
    ("møderum", "meeting"),
    ("performativt rum", "performative"),
    ("performativt", "performative"),
    ("småbørn", "toddlers"),
    ("børn", "children"),
    ("teenagere", "teenagers"),
    ("unge voksne", "young_adults"),
    ("unge", "young_adults"),
    ("voksne", "adults"),
    ("seniorer", "seniors"),
];

/// The vocabulary value a cell names: its English word (`civil_society`, `civil society`),
/// the guide's label (`learning room`) or its Danish word, ignoring case.
fn vocabulary_word<T: Copy + Serialize>(
    all: &[T],
    label: fn(T) -> &'static str,
    cell: &str,
) -> Option<T> {
    let word = cell.trim().to_lowercase();
    let english = DANISH_WORDS
        .iter()
        .find(|(danish, _)| *danish == word)
        .map_or(word.replace(' ', "_"), |(_, english)| (*english).to_owned());
    all.iter()
        .copied()
        .find(|value| snake(value) == english || label(*value).to_lowercase() == word)
}

/// Why a row of the file is not a row of the import.
struct RowProblem {
    code: &'static str,
    message: String,
    details: Value,
}

impl RowProblem {
    fn body(self) -> ErrorBody {
        ErrorBody {
            code: self.code.to_owned(),
            message: self.message,
            details: self.details,
        }
    }
}

/// A CSV file as a header and records, each with the line it starts on.
#[derive(Debug, PartialEq)]
struct CsvTable {
    separator: char,
    header: Vec<String>,
    records: Vec<(usize, Vec<String>)>,
}

/// The separator the header row holds more of, outside quotes: `;` or `,`.
fn sniff_separator(text: &str) -> char {
    let (mut semicolons, mut commas, mut quoted) = (0, 0, false);
    for character in text.chars() {
        match character {
            '"' => quoted = !quoted,
            ';' if !quoted => semicolons += 1,
            ',' if !quoted => commas += 1,
            '\n' if !quoted => break,
            _ => {}
        }
    }
    if semicolons > commas {
        ';'
    } else {
        ','
    }
}

/// Reads `text` as CSV.
///
/// # Errors
/// A sentence saying why the text is not CSV (an empty file, a quote never closed).
fn read_csv(text: &str) -> Result<CsvTable, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let separator = sniff_separator(text);
    let mut records: Vec<(usize, Vec<String>)> = Vec::new();
    let (mut record, mut field) = (Vec::new(), String::new());
    let (mut quoted, mut line, mut record_line, mut field_started) = (false, 1, 1, false);
    let mut characters = text.chars().peekable();
    while let Some(character) = characters.next() {
        if character == '\n' {
            line += 1;
        }
        match (quoted, character) {
            (true, '"') if characters.peek() == Some(&'"') => {
                characters.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, other) => field.push(other),
            (false, '"') if !field_started => {
                quoted = true;
                field_started = true;
            }
            (false, separator_character) if separator_character == separator => {
                record.push(std::mem::take(&mut field));
                field_started = false;
            }
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                field_started = false;
                records.push((record_line, std::mem::take(&mut record)));
                record_line = line;
            }
            (false, other) => {
                field.push(other);
                field_started = true;
            }
        }
    }
    if quoted {
        return Err(format!(
            "a quoted field that starts on line {record_line} is never closed"
        ));
    }
    if field_started || !record.is_empty() {
        record.push(field);
        records.push((record_line, record));
    }
    records.retain(|(_, record)| record.iter().any(|field| !field.trim().is_empty()));
    if records.is_empty() {
        return Err("the file is empty: it needs a header row and a row per organisation".into());
    }
    let (_, header) = records.remove(0);
    Ok(CsvTable {
        separator,
        header,
        records,
    })
}

/// The entries of a list cell.
fn list_cell(cell: &str) -> Vec<String> {
    cell.split([';', ',', '|'])
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The vocabulary values of a list cell, or the first word that names none.
fn vocabulary_list<T: Copy + Serialize>(
    all: &[T],
    label: fn(T) -> &'static str,
    column: Column,
    cell: &str,
) -> Result<Vec<T>, RowProblem> {
    list_cell(cell)
        .iter()
        .map(|word| vocabulary_word(all, label, word).ok_or_else(|| unknown(column, word, all)))
        .collect()
}

fn unknown<T: Serialize>(column: Column, value: &str, all: &[T]) -> RowProblem {
    let known: Vec<String> = all.iter().map(snake).collect();
    RowProblem {
        code: "unknown_value",
        message: format!(
            "the {} column says \"{}\", which is none of {}",
            column.name(),
            value.trim(),
            known.join(", ")
        ),
        details: json!({"column": column.name(), "value": value.trim()}),
    }
}

/// One record as a row of the import, its columns placed by `columns`.
fn row_of(
    columns: &[Option<Column>],
    record: &[String],
) -> Result<ImportedOrganisation, RowProblem> {
    let cell = |wanted: Column| -> &str {
        columns
            .iter()
            .position(|column| *column == Some(wanted))
            .and_then(|index| record.get(index))
            .map_or("", |value| value.trim())
    };
    let name = cell(Column::Name);
    if name.is_empty() {
        return Err(RowProblem {
            code: "name_missing",
            message: "the row has no name".into(),
            details: Value::Null,
        });
    }
    let sector = match cell(Column::Sector) {
        "" => {
            return Err(RowProblem {
                code: "sector_missing",
                message: format!("{name} has no sector (public, private or civil society)"),
                details: json!({"name": name}),
            })
        }
        word => vocabulary_word(Sector::ALL, Sector::label, word)
            .ok_or_else(|| unknown(Column::Sector, word, Sector::ALL))?,
    };
    let level = match cell(Column::Level) {
        "" => None,
        word => Some(
            vocabulary_word(Level::ALL, Level::label, word)
                .ok_or_else(|| unknown(Column::Level, word, Level::ALL))?,
        ),
    };
    let website = Some(cell(Column::Website))
        .filter(|url| !url.is_empty())
        .map(str::to_owned);
    Ok(ImportedOrganisation {
        organisation_id: Uuid::new_v4(),
        name: name.to_owned(),
        sector,
        kind: cell(Column::Kind).to_owned(),
        tags: list_cell(cell(Column::Tags)),
        topics: list_cell(cell(Column::Topics)),
        website,
        age_groups: vocabulary_list(
            AgeGroup::ALL,
            AgeGroup::label,
            Column::AgeGroups,
            cell(Column::AgeGroups),
        )?,
        rooms: vocabulary_list(Room::ALL, Room::label, Column::Rooms, cell(Column::Rooms))?,
        level,
        reason: cell(Column::Reason).to_owned(),
    })
}

/// The file to preview.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportPreviewRequest {
    /// The CSV text: a header row, then a row per organisation (see the module's doc).
    #[schemars(schema_with = "csv_schema")]
    pub csv: String,
}

/// The schema of the file to preview: its header row names a name column and a sector
/// column (their header names from [`COLUMNS`], in any case, either first), which the
/// preview requires (`csv_columns_missing` otherwise), so that a client (or a fuzzer)
/// generating files makes ones the preview reads.
fn csv_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
    let names_of = |wanted: Column| {
        COLUMNS
            .iter()
            .filter(|(column, _)| *column == wanted)
            .flat_map(|(_, names)| names.iter().copied())
            .map(any_case_pattern)
            .collect::<Vec<_>>()
            .join("|")
    };
    let (name, sector) = (names_of(Column::Name), names_of(Column::Sector));
    let between = r"[ \t]*[,;](?:[^\n]*[,;])?[ \t]*";
    let pattern = format!(
        r"^\ufeff?(?:[^\n]*[,;])?[ \t]*(?:(?:{name}){between}(?:{sector})|(?:{sector}){between}(?:{name}))[ \t]*(?:[,;]|\r?\n)"
    );
    serde_json::from_value(json!({"type": "string", "pattern": pattern}))
        .unwrap_or(schemars::schema::Schema::Bool(true))
}

/// A regular expression (ECMA-262, which has no case-insensitive flag inside a pattern)
/// matching `word` in any case, as the preview reads header names: "sektor" gives
/// `[sS][eE][kK][tT][oO][rR]`.
fn any_case_pattern(word: &str) -> String {
    word.chars()
        .map(|c| {
            let (lower, upper): (String, String) =
                (c.to_lowercase().collect(), c.to_uppercase().collect());
            if lower == upper && c.is_alphanumeric() {
                lower
            } else if lower == upper {
                format!("\\{c}")
            } else {
                format!("[{lower}{upper}]")
            }
        })
        .collect()
}

/// What an import would do with a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RowOutcome {
    /// A new organisation.
    Created,
    /// Merged into the organisation of that name.
    Merged,
    /// The organisation of that name has everything the row says already.
    Unchanged,
    /// Not imported: see `problem`.
    Rejected,
}

/// One row of the file in the preview.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct PreviewRow {
    /// The line of the file it starts on (the header is line 1).
    pub line: usize,
    /// Its name, as the file has it.
    pub name: String,
    /// What the import would do with it.
    pub outcome: RowOutcome,
    /// The organisation it creates or is merged into.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<Uuid>,
    /// Why it is rejected: a code (`name_missing`, `sector_missing`, `unknown_value`,
    /// `duplicate_name`, `level_move_needs_reason`, or a rule's code such as
    /// `invalid_field`), a sentence, and details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<ErrorBody>,
}

/// How many rows have each outcome.
#[derive(Debug, Default, Serialize, schemars::JsonSchema)]
pub struct OutcomeCounts {
    /// New organisations.
    pub created: usize,
    /// Merged into organisations of the same name.
    pub merged: usize,
    /// Already there as the file says.
    pub unchanged: usize,
    /// Not imported.
    pub rejected: usize,
}

/// What importing a file would do, row by row; nothing is written.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ImportPreview {
    /// The field separator found: `;` or `,`.
    pub separator: String,
    /// The columns read, by their import name (`name`, `sector`, `kind`, `tags`, `topics`,
    /// `website`, `age_groups`, `rooms`, `level`, `reason`).
    pub columns: Vec<String>,
    /// Header names that are no column of the import, left out.
    pub ignored_columns: Vec<String>,
    /// Every row of the file, in order.
    pub rows: Vec<PreviewRow>,
    /// The rows per outcome.
    pub counts: OutcomeCounts,
    /// The `ImportOrganisations` command with the rows that would be created or merged, to
    /// send as it is when the person confirms; absent when no row would change anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<Command>,
}

/// The preview of importing `csv` into the workspace whose state is `state`.
fn preview(state: &crate::domain::WorkspaceState, csv: &str) -> Result<ImportPreview, ApiError> {
    let table = read_csv(csv).map_err(|reason| {
        ApiError::bad_request(
            "csv_unreadable",
            format!("the file cannot be read as CSV: {reason}"),
        )
        .with_details(json!({"reason": reason}))
    })?;
    let columns: Vec<Option<Column>> = table
        .header
        .iter()
        .map(|name| Column::of_header(name))
        .collect();
    let missing: Vec<&str> = [Column::Name, Column::Sector]
        .into_iter()
        .filter(|wanted| !columns.contains(&Some(*wanted)))
        .map(Column::name)
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::bad_request(
            "csv_columns_missing",
            format!(
                "the header row has no {} column (it names: {})",
                missing.join(" and no "),
                table.header.join(", ")
            ),
        )
        .with_details(json!({"missing": missing})));
    }
    if table.records.len() > IMPORT_ROW_LIMIT {
        return Err(ApiError::bad_request(
            "invalid_input",
            format!(
                "the file has {} rows; an import takes at most {IMPORT_ROW_LIMIT}",
                table.records.len()
            ),
        ));
    }
    let parsed: Vec<(usize, String, Result<ImportedOrganisation, RowProblem>)> = table
        .records
        .iter()
        .map(|(line, record)| {
            let name = columns
                .iter()
                .position(|column| *column == Some(Column::Name))
                .and_then(|index| record.get(index))
                .map_or(String::new(), |name| name.trim().to_owned());
            (*line, name, row_of(&columns, record))
        })
        .collect();
    let candidates: Vec<ImportedOrganisation> = parsed
        .iter()
        .filter_map(|(_, _, row)| row.as_ref().ok().cloned())
        .collect();
    let mut plans = plan(state, &candidates).into_iter();
    let mut lines_of_candidates = Vec::new();
    let mut rows = Vec::new();
    let mut counts = OutcomeCounts::default();
    let mut accepted = Vec::new();
    for (line, name, row) in parsed {
        let (outcome, organisation_id, problem) = match row {
            Err(problem) => (RowOutcome::Rejected, None, Some(problem.body())),
            Ok(row) => {
                lines_of_candidates.push(line);
                match plans.next() {
                    Some(RowPlan::Created { .. }) => {
                        let id = row.organisation_id;
                        accepted.push(row);
                        (RowOutcome::Created, Some(id), None)
                    }
                    Some(RowPlan::Merged {
                        organisation_id, ..
                    }) => {
                        accepted.push(ImportedOrganisation {
                            organisation_id,
                            ..row
                        });
                        (RowOutcome::Merged, Some(organisation_id), None)
                    }
                    Some(RowPlan::Unchanged { organisation_id }) => {
                        (RowOutcome::Unchanged, Some(organisation_id), None)
                    }
                    Some(RowPlan::Rejected(problem)) => {
                        let details = match &problem {
                            ImportProblem::DuplicateName { first_row, .. } => {
                                json!({"first_line": lines_of_candidates.get(first_row - 1)})
                            }
                            ImportProblem::LevelMoveNeedsReason { from, to, .. } => {
                                json!({"from": from, "to": to})
                            }
                            ImportProblem::Refused(error) => {
                                ApiError::from(error.clone()).body.details
                            }
                        };
                        let body = ErrorBody {
                            code: problem.code().to_owned(),
                            message: problem.to_string(),
                            details,
                        };
                        (RowOutcome::Rejected, None, Some(body))
                    }
                    // `plan` answers one plan per row it is given.
                    None => (RowOutcome::Rejected, None, None),
                }
            }
        };
        match outcome {
            RowOutcome::Created => counts.created += 1,
            RowOutcome::Merged => counts.merged += 1,
            RowOutcome::Unchanged => counts.unchanged += 1,
            RowOutcome::Rejected => counts.rejected += 1,
        }
        rows.push(PreviewRow {
            line,
            name,
            outcome,
            organisation_id,
            problem,
        });
    }
    let known: Vec<Column> = columns.iter().flatten().copied().collect();
    Ok(ImportPreview {
        separator: table.separator.to_string(),
        columns: known
            .iter()
            .map(|column| column.name().to_owned())
            .collect(),
        ignored_columns: table
            .header
            .iter()
            .zip(&columns)
            .filter(|(_, column)| column.is_none())
            .map(|(name, _)| name.trim().to_owned())
            .collect(),
        rows,
        counts,
        command: (!accepted.is_empty()).then_some(Command::ImportOrganisations { rows: accepted }),
    })
}

/// `POST /api/workspaces/{id}/organisation-import/preview`.
pub(super) async fn preview_organisation_import(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
    ApiJson(request): ApiJson<ImportPreviewRequest>,
) -> Result<ApiJson<ImportPreview>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::RunCommands)?;
    let answer = view(&state, workspace_id, |view| {
        preview(&view.state, &request.csv)
    })??;
    Ok(ApiJson(answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_separator_is_the_one_the_header_row_holds_more_of() {
        assert_eq!(sniff_separator("navn;sektor;emner\nA, B;offentlig;x"), ';');
        assert_eq!(sniff_separator("name,sector\n\"a;b;c\",public"), ',');
        assert_eq!(sniff_separator("\"navn;x\",sektor,emner"), ',');
    }

    #[test]
    fn quoted_fields_keep_separators_quotes_and_line_breaks() {
        let table =
            read_csv("\u{feff}navn;emner\r\n\"Æblerød \"\"Ø\"\"\";\"a;\nb\"\r\nÅrhus;c\r\n")
                .unwrap();
        assert_eq!(table.separator, ';');
        assert_eq!(table.header, ["navn", "emner"]);
        assert_eq!(
            table.records,
            vec![
                (2, vec!["Æblerød \"Ø\"".to_owned(), "a;\nb".to_owned()]),
                (4, vec!["Århus".to_owned(), "c".to_owned()]),
            ]
        );
    }

    #[test]
    fn a_quote_never_closed_is_said_in_words() {
        assert_eq!(
            read_csv("name,sector\n\"Roskilde,public\n").unwrap_err(),
            "a quoted field that starts on line 2 is never closed"
        );
        assert!(read_csv("\n\n")
            .unwrap_err()
            .starts_with("the file is empty"));
    }

    #[test]
    fn danish_and_english_words_name_the_vocabulary() {
        assert_eq!(
            vocabulary_word(Sector::ALL, Sector::label, "Civilsamfund"),
            Some(Sector::CivilSociety)
        );
        assert_eq!(
            vocabulary_word(Sector::ALL, Sector::label, "civil society"),
            Some(Sector::CivilSociety)
        );
        assert_eq!(
            vocabulary_word(Level::ALL, Level::label, "Netværk"),
            Some(Level::Network)
        );
        assert_eq!(
            vocabulary_word(Room::ALL, Room::label, "learning room"),
            Some(Room::Learning)
        );
        assert_eq!(
            vocabulary_word(AgeGroup::ALL, AgeGroup::label, "småbørn"),
            Some(AgeGroup::Toddlers)
        );
        assert_eq!(
            vocabulary_word(Sector::ALL, Sector::label, "kommunal"),
            None
        );
    }

    #[test]
    fn headers_are_known_in_danish_and_english() {
        assert_eq!(Column::of_header(" Navn "), Some(Column::Name));
        assert_eq!(Column::of_header("Age groups"), Some(Column::AgeGroups));
        assert_eq!(Column::of_header("Aldersgrupper"), Some(Column::AgeGroups));
        assert_eq!(Column::of_header("Kontaktperson"), None);
    }

    /// The schema's pattern takes the header rows the preview reads, in any case, and
    /// refuses one without a sector column.
    #[test]
    fn the_files_schema_reads_header_names_in_any_case() {
        let schema =
            serde_json::to_value(csv_schema(&mut schemars::gen::SchemaGenerator::default()))
                .expect("a schema is JSON");
        let pattern = regex::Regex::new(schema["pattern"].as_str().expect("a pattern"))
            .expect("the pattern compiles");
        for file in [
            "name;sector\n",
            "Navn;Sektor\r\n",
            "SECTOR,Organisation,Tags\nBib,Kultur,x\n",
            "\u{feff}Mærker;NAVN ; sektor\n",
        ] {
            assert!(pattern.is_match(file), "{file:?} should match");
            let header = file
                .trim_start_matches('\u{feff}')
                .lines()
                .next()
                .unwrap_or("");
            let columns: Vec<_> = header
                .split([';', ','])
                .filter_map(Column::of_header)
                .collect();
            assert!(
                columns.contains(&Column::Name) && columns.contains(&Column::Sector),
                "{file:?}: the preview reads {columns:?}"
            );
        }
        assert!(!pattern.is_match("Navn;Type\nBib;Kultur\n"));
    }
}
