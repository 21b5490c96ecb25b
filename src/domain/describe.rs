//! The timeline's words: [`describe`] records what one event's sentence needs (which of its
//! sentences, and the names as they were just before it), and [`Sentence::render`] says it
//! in Danish or English when someone reads it ("anna@roskilde flyttede Roskilde Festival fra
//! samarbejde til partnerskab: festivalpladsen er aftalt" / "anna@roskilde moved Roskilde
//! Festival from collaboration to partnership: festival area agreed"). Each area's words
//! (see [`Area`]) do both for its own events and name its event types ([`event_name`]).
//!
//! The words live in the domain beside each area's events, not in the timeline projection
//! that records them: they read only the state as it was just before the event, so a new
//! event brings its sentence in the same area as its rules and its fold.
//!
//! A recorded [`Sentence`] is language-neutral and small: a variant number and its words
//! (names as they were, vocabulary values by their keys, reasons as written) in one boxed
//! string, no template text. It is rendered at read time, in the reader's [`Language`].

use std::fmt::Write;

use chrono::Datelike;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::area::Area;
use super::events::DomainEvent;
use super::state::WorkspaceState;
use super::vocabulary::{
    AgreementSection, AssetCategory, Audience, BoardPhase, BoardTemplate, EvaluationDecision, Goal,
    Level, Phase, ReadinessItem, Room, ScreeningDecision, Sector, SeeksSource,
};
use super::{assets, boards, network, partnerships, workspace};

/// The language a reader reads the server's sentences in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Language {
    /// Dansk (the default).
    #[default]
    Danish,
    /// English.
    English,
}

impl Language {
    /// Every language, the default first.
    pub const ALL: [Language; 2] = [Language::Danish, Language::English];

    /// Its code in a query (`lang=`): `da` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Language::Danish => "da",
            Language::English => "en",
        }
    }

    /// `da` or `en` (absent: Danish).
    ///
    /// # Errors
    /// A sentence naming the languages there are.
    pub fn parse(text: Option<&str>) -> Result<Self, String> {
        let Some(text) = text else {
            return Ok(Language::default());
        };
        Language::ALL
            .into_iter()
            .find(|language| language.code() == text)
            .ok_or_else(|| format!("`{text}` is not a language of the app; use da or en"))
    }
}

/// One event's sentence as recorded: which of its event's sentences (`variant`) and the words
/// it needs, each ended by [`WORD_END`]. Rendered by [`Sentence::render`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sentence {
    variant: u8,
    words: Box<str>,
}

/// The variant of [`other_area`]'s sentence.
const OTHER_AREA: u8 = u8::MAX;
/// Ends each word of a [`Sentence`].
const WORD_END: char = '\u{1f}';
/// Separates the items of a list word.
const ITEM_END: char = '\u{1d}';
/// Opens a word that names something no longer (or not) in the state: its kind, a space, its id.
const UNKNOWN: char = '\u{1e}';

impl Sentence {
    /// A sentence of `variant` with no words yet.
    pub(crate) fn build(variant: u8) -> SentenceBuilder {
        SentenceBuilder {
            variant,
            words: String::new(),
        }
    }

    /// The variant and the words as one string (what a checkpoint keeps).
    pub fn parts(&self) -> (u8, &str) {
        (self.variant, &self.words)
    }

    /// The sentence of `parts` (what a checkpoint kept).
    pub fn from_parts(variant: u8, words: String) -> Self {
        Sentence {
            variant,
            words: words.into_boxed_str(),
        }
    }

    /// The sentence of an event of type `event_type` done by `actor`, in `language`.
    pub fn render(&self, event_type: &str, actor: &str, language: Language) -> String {
        let said = if self.variant == OTHER_AREA {
            None
        } else {
            self.say(event_type, actor, language)
        };
        said.unwrap_or_else(|| match language {
            Language::English => format!("{actor} recorded {event_type}"),
            Language::Danish => format!("{actor} registrerede {event_type}"),
        })
    }

    fn say(&self, event_type: &str, actor: &str, language: Language) -> Option<String> {
        let words = Words {
            words: self.words.split_terminator(WORD_END).collect(),
            language,
        };
        workspace::say(event_type, self.variant, &words, actor)
            .or_else(|| network::say(event_type, self.variant, &words, actor))
            .or_else(|| partnerships::say(event_type, self.variant, &words, actor))
            .or_else(|| assets::say(event_type, self.variant, &words, actor))
            .or_else(|| boards::say(event_type, self.variant, &words, actor))
    }
}

/// Collects a [`Sentence`]'s words.
pub(crate) struct SentenceBuilder {
    variant: u8,
    words: String,
}

impl SentenceBuilder {
    /// A word as written (a title, a reason, a description); empty when absent.
    pub(crate) fn text(mut self, text: &str) -> Self {
        push_unmarked(&mut self.words, text);
        self.words.push(WORD_END);
        self
    }

    /// A name as the state had it, or the kind and id of what it no longer has.
    pub(crate) fn name(mut self, name: Name<'_>) -> Self {
        match name {
            Name::Known(text) => return self.text(text),
            Name::Unknown(kind, id) => {
                let _ = write!(self.words, "{UNKNOWN}{kind} {id}{WORD_END}");
            }
        }
        self
    }

    /// A list of words.
    pub(crate) fn list<'a>(mut self, items: impl IntoIterator<Item = &'a str>) -> Self {
        for (index, item) in items.into_iter().enumerate() {
            if index > 0 {
                self.words.push(ITEM_END);
            }
            push_unmarked(&mut self.words, item);
        }
        self.words.push(WORD_END);
        self
    }

    /// A list of names, each as [`SentenceBuilder::name`] writes one.
    pub(crate) fn names<'a>(mut self, names: impl IntoIterator<Item = Name<'a>>) -> Self {
        for (index, name) in names.into_iter().enumerate() {
            if index > 0 {
                self.words.push(ITEM_END);
            }
            match name {
                Name::Known(text) => push_unmarked(&mut self.words, text),
                Name::Unknown(kind, id) => {
                    let _ = write!(self.words, "{UNKNOWN}{kind} {id}");
                }
            }
        }
        self.words.push(WORD_END);
        self
    }

    /// A value of the vocabulary, by its key.
    pub(crate) fn vocabulary<T: Vocabulary>(self, value: T) -> Self {
        self.text(value.into())
    }

    /// A list of values of the vocabulary, by their keys.
    pub(crate) fn vocabulary_list<T: Vocabulary>(
        self,
        values: impl IntoIterator<Item = T>,
    ) -> Self {
        self.list(values.into_iter().map(Into::into))
    }

    /// Anything written the same in both languages (numbers, dates).
    pub(crate) fn shown(mut self, value: impl std::fmt::Display) -> Self {
        let _ = write!(self.words, "{value}{WORD_END}");
        self
    }

    /// The sentence.
    pub(crate) fn done(self) -> Sentence {
        Sentence {
            variant: self.variant,
            words: self.words.into_boxed_str(),
        }
    }
}

fn is_mark(c: char) -> bool {
    c == WORD_END || c == ITEM_END || c == UNKNOWN
}

/// Appends `text` to `words` with each of the sentence's marks in it written as a space, so
/// that a word cannot end or split another. Text without marks (nearly all of it) is copied
/// whole: the fold builds a sentence for every event, on the path of the event's ack. The
/// marks are ASCII, so they are looked for byte by byte (no byte of another character is
/// one), not a character at a time.
fn push_unmarked(words: &mut String, text: &str) {
    if text.bytes().any(|byte| is_mark(char::from(byte))) {
        words.extend(text.chars().map(|c| if is_mark(c) { ' ' } else { c }));
    } else {
        words.push_str(text);
    }
}

/// A recorded sentence's words, read in one language.
pub(crate) struct Words<'a> {
    words: Vec<&'a str>,
    /// The language being read.
    pub(crate) language: Language,
}

impl<'a> Words<'a> {
    /// Word `index` as written (empty if absent).
    pub(crate) fn text(&self, index: usize) -> &'a str {
        self.words.get(index).copied().unwrap_or_default()
    }

    /// Word `index` as a name: as written, or the kind and id of what the state no longer had.
    pub(crate) fn name(&self, index: usize) -> String {
        let word = self.text(index);
        match word.strip_prefix(UNKNOWN) {
            Some(unknown) => self.unknown(unknown),
            None => word.to_owned(),
        }
    }

    /// Word `index` as a title: in quotes, or the kind and id of what the state no longer had.
    pub(crate) fn title(&self, index: usize) -> String {
        let word = self.text(index);
        match word.strip_prefix(UNKNOWN) {
            Some(unknown) => self.unknown(unknown),
            None => format!("\"{word}\""),
        }
    }

    fn unknown(&self, unknown: &str) -> String {
        let (kind, id) = unknown.split_once(' ').unwrap_or((unknown, ""));
        let kind = match (kind, self.language) {
            (_, Language::English) => kind,
            ("organisation", Language::Danish) => "organisationen",
            ("partnership", Language::Danish) => "partnerskabet",
            ("staff member", Language::Danish) => "medarbejderen",
            ("board", Language::Danish) => "tavlen",
            (other, Language::Danish) => other,
        };
        format!("{kind} {id}")
    }

    /// Word `index` as a day, said the reader's way: "2. maj 2024" in Danish, "2 May 2024"
    /// in English. A sentence records the day as `YYYY-MM-DD` (the same in both languages);
    /// a word that is no such day is said as written.
    pub(crate) fn date(&self, index: usize) -> String {
        const DANISH_MONTHS: [&str; 12] = [
            "januar",
            "februar",
            "marts",
            "april",
            "maj",
            "juni",
            "juli",
            "august",
            "september",
            "oktober",
            "november",
            "december",
        ];
        let word = self.text(index);
        let Ok(day) = chrono::NaiveDate::parse_from_str(word, "%Y-%m-%d") else {
            return word.to_owned();
        };
        match self.language {
            Language::English => day.format("%-d %B %Y").to_string(),
            Language::Danish => {
                let month = DANISH_MONTHS
                    .get(day.month0() as usize)
                    .copied()
                    .unwrap_or_default();
                format!("{}. {month} {}", day.day(), day.year())
            }
        }
    }

    /// Word `index` as a list of names, joined with "and" / "og".
    pub(crate) fn names_and(&self, index: usize) -> String {
        let items: Vec<String> = self
            .items(index)
            .map(|item| match item.strip_prefix(UNKNOWN) {
                Some(unknown) => self.unknown(unknown),
                None => item.to_owned(),
            })
            .collect();
        let and = match self.language {
            Language::English => " and ",
            Language::Danish => " og ",
        };
        items.join(and)
    }

    /// Word `index` as a list joined with commas.
    pub(crate) fn list(&self, index: usize) -> String {
        self.items(index).collect::<Vec<_>>().join(", ")
    }

    /// Word `index`'s items.
    pub(crate) fn items(&self, index: usize) -> impl Iterator<Item = &'a str> {
        let word = self.text(index);
        word.split(ITEM_END).filter(|item| !item.is_empty())
    }

    /// Word `index` as a value of the vocabulary, in the reader's language.
    pub(crate) fn vocabulary<T: Vocabulary>(&self, index: usize) -> &'a str {
        let key = self.text(index);
        match serde_json::from_value::<T>(serde_json::Value::String(key.to_owned())) {
            Ok(value) => match self.language {
                Language::English => value.english(),
                Language::Danish => value.danish(),
            },
            Err(_) => key,
        }
    }

    /// Word `index` read as a list of vocabulary values, joined with commas.
    pub(crate) fn vocabulary_list<T: Vocabulary>(&self, index: usize) -> String {
        self.items(index)
            .map(|key| {
                match serde_json::from_value::<T>(serde_json::Value::String(key.to_owned())) {
                    Ok(value) => match self.language {
                        Language::English => value.english(),
                        Language::Danish => value.danish(),
                    },
                    Err(_) => key,
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// "{sentence}: {word index}" when the word (a reason, a note) is there.
    pub(crate) fn with_reason(&self, mut sentence: String, index: usize) -> String {
        let reason = self.text(index);
        if !reason.is_empty() {
            sentence.push_str(": ");
            sentence.push_str(reason);
        }
        sentence
    }

    /// What `english` or `danish` says, by the reader's language (only that one is made).
    pub(crate) fn pick<T>(&self, english: impl FnOnce() -> T, danish: impl FnOnce() -> T) -> T {
        match self.language {
            Language::English => english(),
            Language::Danish => danish(),
        }
    }
}

/// A value of the vocabulary in both languages: English as [`label`](Goal::label) gives it,
/// Danish in the app's words (`web/src/i18n/*-da.ts`); its key (as serialized) by `into()`.
pub(crate) trait Vocabulary:
    Serialize + serde::de::DeserializeOwned + Copy + Into<&'static str>
{
    /// In English.
    fn english(self) -> &'static str;
    /// På dansk.
    fn danish(self) -> &'static str;
}

macro_rules! danish_words {
    ($type:ident { $($variant:ident => $danish:expr),+ $(,)? }) => {
        impl Vocabulary for $type {
            fn english(self) -> &'static str {
                self.label()
            }
            fn danish(self) -> &'static str {
                match self {
                    $($type::$variant => $danish),+
                }
            }
        }
    };
}

danish_words!(Goal {
    Experience => "erkendelse/erfaring",
    Empowerment => "empowerment",
    Engagement => "engagement",
    Innovation => "innovation",
});
danish_words!(Room {
    Inspiration => "inspirationsrum",
    Learning => "læringsrum",
    Meeting => "møderum",
    Performative => "performativt rum",
});
danish_words!(Sector {
    Public => "offentlig",
    Private => "privat",
    CivilSociety => "civilsamfund",
});
danish_words!(Level {
    Network => "netværk",
    Collaboration => "samarbejde",
    Partnership => "partnerskab",
});
danish_words!(Phase {
    Idea => "1 idé",
    Exploration => "2 udforskning",
    Screening => "3 screening",
    Decision => "4 beslutning",
    GoalsAndRoles => "5 mål og roller",
    Agreement => "6 aftale",
    Planning => "7 planlægning",
    Launch => "8 opstart",
    Running => "9 i gang",
    Evaluation => "10 evaluering",
    Adjustment => "11 justering og forankring",
    Ended => "12 afsluttet",
});
danish_words!(ScreeningDecision {
    Go => "ja, vi går videre",
    Postpone => "vent, og screen igen senere",
    NoGo => "nej tak",
});
danish_words!(AgreementSection {
    Purpose => "formål",
    Expectations => "forventninger",
    Roles => "rollefordeling",
    Results => "resultater",
    Resources => "ressourcer fra hver part",
    Duration => "varighed og opfølgningsdatoer",
    Communication => "kommunikation",
    Exit => "sådan afsluttes partnerskabet",
});
danish_words!(EvaluationDecision {
    Continue => "fortsæt som aftalt",
    Adjust => "fortsæt med justeringer",
    End => "afslut partnerskabet",
});
danish_words!(ReadinessItem {
    StrategyLink => "knyttet til strategien",
    PartnerChosenWithCare => "partneren valgt med omhu",
    AgreementInPlace => "aftalen på plads",
    RolesClear => "rollerne klare",
    CommunicationPlanned => "kommunikationen planlagt",
    EvaluationPlanned => "evalueringen planlagt",
});
danish_words!(AssetCategory {
    ContactSurface => "bred kontaktflade og brugergrupper",
    Trust => "høj tillid",
    Facilities => "rammer for debat, udstillinger og arrangementer",
    InformationResources => "informationsressourcer",
    OpeningHoursAndVisitors => "lange åbningstider og mange besøgende",
    Competences => "kompetencer",
    PhysicalResources => "fysiske ressourcer",
    EconomicResources => "økonomiske ressourcer",
    DigitalResources => "digitale ressourcer",
});
danish_words!(SeeksSource {
    Typed => "skrevet i appen",
    Screening => "screeningen",
    MappingWorkshop => "kortlægningsworkshoppen",
});
danish_words!(BoardTemplate {
    RoomsByGoals => "biblioteksmodellen (4 rum × 4 mål)",
    NetworkCircle => "netværkscirklen",
    AgeGroups => "aldersgrupper",
    Free => "fri",
});
danish_words!(BoardPhase {
    Writing => "skriv privat",
    Reveal => "vis alle sedler",
    Grouping => "gruppér",
    Voting => "afstemning",
    Discussion => "drøftelse",
    Closed => "lukket",
});
danish_words!(Audience {
    Internal => "intern",
    External => "ekstern",
});

/// One event type's name in both languages: the type, Danish, English.
pub(crate) type EventName = (&'static str, &'static str, &'static str);

/// What one event's sentence needs, with names as they were just before it.
pub fn describe(before: &WorkspaceState, event: &DomainEvent) -> Sentence {
    match event.area() {
        Area::Workspace => workspace::describe(event),
        Area::Network => network::describe(before, event),
        Area::Partnerships => partnerships::describe(before, event),
        Area::Assets => assets::describe(before, event),
        Area::Boards => boards::describe(before, event),
    }
}

/// An event type in words of `language` (the type's own name if it has none).
pub fn event_name(event_type: &str, language: Language) -> &str {
    [
        workspace::EVENT_NAMES,
        network::EVENT_NAMES,
        partnerships::EVENT_NAMES,
        assets::EVENT_NAMES,
        boards::EVENT_NAMES,
    ]
    .iter()
    .flat_map(|names| names.iter())
    .find(|(name, _, _)| *name == event_type)
    .map_or(event_type, |(_, danish, english)| match language {
        Language::Danish => danish,
        Language::English => english,
    })
}

/// How someone whose name is hidden from the reader is named.
pub fn hidden_actor(language: Language) -> &'static str {
    match language {
        Language::English => "a participant",
        Language::Danish => "en deltager",
    }
}

/// The sentence for an event of another area: [`describe`] routes by [`DomainEvent::area`],
/// so an area only records this if its words and [`DomainEvent::area`] disagree about an
/// event (it renders as "{actor} recorded {type}").
pub(crate) fn other_area() -> Sentence {
    Sentence::build(OTHER_AREA).done()
}

/// One event's sentence, recorded and said at once (for the areas' tests).
#[cfg(test)]
pub(crate) fn said(
    before: &WorkspaceState,
    event: &DomainEvent,
    actor: &str,
    language: Language,
) -> String {
    describe(before, event).render(event.event_type(), actor, language)
}

/// A name in a sentence as the state had it just before the event.
pub(crate) enum Name<'state> {
    /// As the state has it.
    Known(&'state str),
    /// Not (or no longer) in the state: its kind and id.
    Unknown(&'static str, &'state Uuid),
}

pub(crate) fn organisation_name<'state>(
    state: &'state WorkspaceState,
    id: &'state Uuid,
) -> Name<'state> {
    state
        .organisations
        .get(id)
        .map_or(Name::Unknown("organisation", id), |organisation| {
            Name::Known(&organisation.name)
        })
}

pub(crate) fn partnership_title<'state>(
    state: &'state WorkspaceState,
    id: &'state Uuid,
) -> Name<'state> {
    state
        .partnerships
        .get(id)
        .map_or(Name::Unknown("partnership", id), |partnership| {
            Name::Known(&partnership.title)
        })
}

pub(crate) fn staff_name<'state>(state: &'state WorkspaceState, id: &'state Uuid) -> Name<'state> {
    state
        .staff
        .get(id)
        .map_or(Name::Unknown("staff member", id), |member| {
            Name::Known(&member.name)
        })
}

pub(crate) fn board_title<'state>(state: &'state WorkspaceState, id: &'state Uuid) -> Name<'state> {
    state
        .boards
        .get(id)
        .map_or(Name::Unknown("board", id), |board| {
            Name::Known(&board.title)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_type_has_a_name_and_a_sentence_in_both_languages() {
        let words = Sentence::default();
        for name in <DomainEvent as strum::VariantNames>::VARIANTS {
            assert_ne!(event_name(name, Language::Danish), *name, "{name}");
            assert_ne!(event_name(name, Language::English), *name, "{name}");
            for language in [Language::Danish, Language::English] {
                let said = words.render(name, "anna", language);
                assert!(said.starts_with("anna "), "{name}: {said}");
                assert!(!said.contains(name), "{name} has no sentence: {said}");
            }
        }
    }

    #[test]
    fn real_events_read_in_danish_and_in_english() {
        use crate::domain::testing::*;
        use crate::domain::vocabulary::Level;
        let state = given(&basics());
        let moved = DomainEvent::RelationLevelChanged {
            organisation_id: FESTIVAL,
            from: Some(Level::Collaboration),
            to: Some(Level::Partnership),
            reason: "festival area agreed".into(),
            occurred_on: Some(date(2024, 5, 2)),
        };
        assert_eq!(
            said(&state, &moved, ANNA, Language::English),
            "anna@roskilde moved Roskilde Festival from collaboration to partnership (on 2 May 2024): festival area agreed"
        );
        assert_eq!(
            said(&state, &moved, ANNA, Language::Danish),
            "anna@roskilde flyttede Roskilde Festival fra samarbejde til partnerskab (den 2. maj 2024): festival area agreed"
        );
        let focus = DomainEvent::FocusAreaDefined {
            focus_area_id: Uuid::from_u128(0xf0f0),
            name: "Unge og musik".into(),
            goal: Goal::Engagement,
            room: Room::Performative,
            description: String::new(),
        };
        assert_eq!(
            said(&state, &focus, BO, Language::Danish),
            "bo@roskilde fastlagde fokusområdet \"Unge og musik\" (engagement, performativt rum)"
        );
        assert_eq!(
            said(&state, &focus, BO, Language::English),
            "bo@roskilde defined the focus area \"Unge og musik\" (engagement, performative room)"
        );
        // A name the state no longer has is its kind and id, in the reader's language.
        let gone = Uuid::from_u128(0xdead);
        let updated = DomainEvent::OrganisationUpdated {
            organisation_id: gone,
            name: None,
            sector: None,
            kind: None,
            tags: None,
            topics: None,
            website: None,
            age_groups: None,
            rooms: None,
        };
        assert_eq!(
            said(&state, &updated, BO, Language::Danish),
            format!("bo@roskilde ændrede organisationen {gone}")
        );
        assert_eq!(
            said(&state, &updated, BO, Language::English),
            format!("bo@roskilde updated organisation {gone}")
        );
    }

    #[test]
    fn a_vocabulary_value_is_recorded_by_its_serialized_key() {
        fn keys_agree<T: Vocabulary + std::fmt::Debug>(values: &[T]) {
            for value in values {
                let key: &'static str = (*value).into();
                assert_eq!(
                    serde_json::to_value(value).unwrap(),
                    serde_json::Value::String(key.to_owned()),
                    "{value:?}"
                );
            }
        }
        keys_agree(Goal::ALL);
        keys_agree(Room::ALL);
        keys_agree(Sector::ALL);
        keys_agree(Level::ALL);
        keys_agree(Phase::ALL);
        keys_agree(ScreeningDecision::ALL);
        keys_agree(AgreementSection::ALL);
        keys_agree(EvaluationDecision::ALL);
        keys_agree(ReadinessItem::ALL);
        keys_agree(AssetCategory::ALL);
        keys_agree(SeeksSource::ALL);
        keys_agree(BoardTemplate::ALL);
        keys_agree(BoardPhase::ALL);
        keys_agree(Audience::ALL);
    }

    #[test]
    fn a_language_is_da_or_en() {
        assert_eq!(Language::parse(None), Ok(Language::Danish));
        assert_eq!(Language::parse(Some("en")), Ok(Language::English));
        assert!(Language::parse(Some("sv"))
            .unwrap_err()
            .contains("da or en"));
    }

    #[test]
    fn words_keep_their_marks_out_of_what_was_written() {
        let sentence = Sentence::build(0)
            .text("a\u{1f}b")
            .name(Name::Unknown("organisation", &Uuid::nil()))
            .done();
        let words = Words {
            words: sentence.words.split_terminator(WORD_END).collect(),
            language: Language::Danish,
        };
        assert_eq!(words.text(0), "a b");
        assert_eq!(words.title(1), format!("organisationen {}", Uuid::nil()));
        let listed = Sentence::build(0)
            .list(["a\u{1d}b", "c"])
            .names([Name::Known("d\u{1e}e"), Name::Known("f")])
            .text("plain")
            .done();
        assert_eq!(
            listed.parts(),
            (0, "a b\u{1d}c\u{1f}d e\u{1d}f\u{1f}plain\u{1f}")
        );
    }
}
