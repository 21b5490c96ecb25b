//! Readable addresses of workspaces: each workspace has a slug derived from its name
//! (`Roskilde Bibliotekerne` → `roskilde-bibliotekerne`, the Danish letters written as
//! Danes write them without them: æ → ae, ø → oe, å → aa), accepted wherever its id is.
//!
//! Slugs are unique: they are given in the order the workspaces were created in the log, a
//! later workspace whose name gives a slug already taken gets `-2`, `-3`, ... So every node
//! and every rebuild gives each workspace the same slug, and a workspace's slug never changes
//! (a workspace keeps the name it was created with).

use std::collections::HashMap;

use uuid::Uuid;

/// The longest slug, in characters (before a `-2` that makes it unique).
pub const SLUG_LIMIT: usize = 60;

/// Letters written without their accent or as two letters, the Danish ones first.
const TRANSLITERATIONS: &[(char, &str)] = &[
    ('æ', "ae"),
    ('ø', "oe"),
    ('å', "aa"),
    ('ä', "ae"),
    ('ö', "oe"),
    ('ü', "ue"),
    ('ß', "ss"),
    ('é', "e"),
    ('è', "e"),
    ('ê', "e"),
    ('ë', "e"),
    ('á', "a"),
    ('à', "a"),
    ('â', "a"),
    ('í', "i"),
    ('ì', "i"),
    ('ï', "i"),
    ('ó', "o"),
    ('ò', "o"),
    ('ô', "o"),
    ('ú', "u"),
    ('ù', "u"),
    ('ý', "y"),
    ('ñ', "n"),
    ('ç', "c"),
];

/// The slug a name gives: lower case ASCII letters and digits, words joined by `-`, at most
/// [`SLUG_LIMIT`] characters; `workspace` for a name with no letter or digit in it.
pub fn slug_of(name: &str) -> String {
    let mut slug = String::new();
    let mut gap = false;
    for character in name.chars().flat_map(char::to_lowercase) {
        let written = match TRANSLITERATIONS
            .iter()
            .find(|(letter, _)| *letter == character)
        {
            Some((_, written)) => (*written).to_owned(),
            None if character.is_ascii_alphanumeric() => character.to_string(),
            None => String::new(),
        };
        if written.is_empty() {
            gap = true;
            continue;
        }
        if gap && !slug.is_empty() {
            slug.push('-');
        }
        gap = false;
        slug.push_str(&written);
    }
    let mut slug: String = slug.chars().take(SLUG_LIMIT).collect();
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() || slug.parse::<Uuid>().is_ok() {
        // A slug must never read as an id.
        slug.insert_str(0, "workspace-");
        slug = slug.trim_end_matches('-').to_owned();
    }
    slug
}

/// Whether `text` has the form of a slug (it may still name no workspace).
pub fn is_slug_form(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= SLUG_LIMIT + 12
        && text.chars().all(|character| {
            character.is_ascii_lowercase() || character.is_ascii_digit() || character == '-'
        })
}

/// Every workspace's slug, both ways.
#[derive(Debug, Default)]
pub struct Slugs {
    by_slug: HashMap<String, Uuid>,
    of_workspace: HashMap<Uuid, String>,
}

impl Slugs {
    /// Gives `workspace_id` the slug of `name`, made unique; a workspace that has one keeps it.
    pub fn assign(&mut self, workspace_id: Uuid, name: &str) -> String {
        if let Some(slug) = self.of_workspace.get(&workspace_id) {
            return slug.clone();
        }
        let base = slug_of(name);
        let mut slug = base.clone();
        let mut number = 1;
        while self.by_slug.contains_key(&slug) {
            number += 1;
            slug = format!("{base}-{number}");
        }
        self.by_slug.insert(slug.clone(), workspace_id);
        self.of_workspace.insert(workspace_id, slug.clone());
        slug
    }

    /// The workspace a slug names.
    pub fn workspace(&self, slug: &str) -> Option<Uuid> {
        self.by_slug.get(slug).copied()
    }

    /// A workspace's slug.
    pub fn slug(&self, workspace_id: Uuid) -> Option<&str> {
        self.of_workspace.get(&workspace_id).map(String::as_str)
    }

    /// Every workspace's slug (what a checkpoint keeps).
    pub(crate) fn assigned(&self) -> Vec<(Uuid, String)> {
        self.of_workspace
            .iter()
            .map(|(workspace_id, slug)| (*workspace_id, slug.clone()))
            .collect()
    }

    /// The slugs `assigned` gave.
    pub(crate) fn from_assigned(assigned: Vec<(Uuid, String)>) -> Self {
        let mut slugs = Slugs::default();
        for (workspace_id, slug) in assigned {
            slugs.by_slug.insert(slug.clone(), workspace_id);
            slugs.of_workspace.insert(workspace_id, slug);
        }
        slugs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_gives_a_readable_slug_with_the_danish_letters_spelt_out() {
        assert_eq!(slug_of("Roskilde Bibliotekerne"), "roskilde-bibliotekerne");
        assert_eq!(
            slug_of("Ærø Bibliotek – Æblerød & Østervrå"),
            "aeroe-bibliotek-aebleroed-oestervraa"
        );
        assert_eq!(
            slug_of("  Aarhus Hovedbibliotek (Dokk1)!  "),
            "aarhus-hovedbibliotek-dokk1"
        );
        assert_eq!(slug_of("Café Møller"), "cafe-moeller");
        assert_eq!(slug_of("???"), "workspace");
        assert_eq!(slug_of(&"å".repeat(100)).len(), SLUG_LIMIT);
    }

    #[test]
    fn a_slug_never_reads_as_an_id() {
        let name = Uuid::nil().to_string();
        let slug = slug_of(&name);
        assert!(slug.parse::<Uuid>().is_err(), "{slug}");
        assert!(is_slug_form(&slug));
    }

    #[test]
    fn slugs_are_unique_in_the_order_the_workspaces_came() {
        let mut slugs = Slugs::default();
        let (first, second, third) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        assert_eq!(slugs.assign(first, "Roskilde"), "roskilde");
        assert_eq!(slugs.assign(second, "ROSKILDE"), "roskilde-2");
        assert_eq!(slugs.assign(third, "Roskilde!"), "roskilde-3");
        assert_eq!(
            slugs.assign(first, "Another name"),
            "roskilde",
            "a slug never changes"
        );
        assert_eq!(slugs.workspace("roskilde-2"), Some(second));
        assert_eq!(slugs.slug(third), Some("roskilde-3"));
        assert_eq!(slugs.workspace("aarhus"), None);
    }

    #[test]
    fn the_form_of_a_slug_is_lower_case_letters_digits_and_hyphens() {
        assert!(is_slug_form("roskilde-bibliotekerne-2"));
        assert!(!is_slug_form("Roskilde"));
        assert!(!is_slug_form("røskilde"));
        assert!(!is_slug_form(""));
    }
}
