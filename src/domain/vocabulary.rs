//! The words of the guide as types: goals and rooms of the library model, sectors, the
//! network circle, age groups, the twelve phases of a partnership, the fourteen screening
//! questions, agreement sections, the readiness checklist, asset categories and workshop
//! board templates and phases.
//!
//! Every enum serializes in `snake_case` English; [`label`](Goal::label) methods give the
//! words staff use, with the Danish term where the guide has one.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$variant_meta:meta])* $variant:ident => $label:expr),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema, strum::IntoStaticStr)]
        #[serde(rename_all = "snake_case")]
        // The key as serde writes it, without building it (a test holds the two equal):
        // the timeline records values by their keys for every event.
        #[strum(serialize_all = "snake_case")]
        pub enum $name {
            $($(#[$variant_meta])* $variant),+
        }

        impl $name {
            /// Every value, in the guide's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The words staff use for it.
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str(self.label())
            }
        }
    };
}

vocabulary! {
    /// The four goals of the library model (biblioteksmodellen).
    Goal {
        /// Erkendelse/erfaring.
        Experience => "experience (erkendelse)",
        /// Empowerment.
        Empowerment => "empowerment",
        /// Engagement.
        Engagement => "engagement",
        /// Innovation.
        Innovation => "innovation",
    }
}

vocabulary! {
    /// The four overlapping rooms of the library model.
    Room {
        /// Inspirationsrum: to experience (opleve).
        Inspiration => "inspiration room",
        /// Læringsrum: to discover (opdage).
        Learning => "learning room",
        /// Møderum: to participate (deltage).
        Meeting => "meeting room",
        /// Performativt rum: to create (skabe).
        Performative => "performative room",
    }
}

vocabulary! {
    /// The sector a party comes from.
    Sector {
        /// Offentlig.
        Public => "public",
        /// Privat.
        Private => "private",
        /// Civilsamfund.
        CivilSociety => "civil society",
    }
}

vocabulary! {
    /// The formalisation level of a relation on the network circle (netværkscirklen).
    Level {
        /// Netværk: we know each other.
        Network => "network",
        /// Samarbejde: an activity together.
        Collaboration => "collaboration",
        /// Partnerskab: repeated or developed activity in a larger organisational frame.
        Partnership => "partnership",
    }
}

vocabulary! {
    /// The user age groups a mapping couples relations with.
    AgeGroup {
        /// 0 to 5 years.
        Toddlers => "toddlers (0-5)",
        /// 6 to 12 years.
        Children => "children (6-12)",
        /// 13 to 17 years.
        Teenagers => "teenagers (13-17)",
        /// 18 to 29 years.
        YoungAdults => "young adults (18-29)",
        /// 30 to 64 years.
        Adults => "adults (30-64)",
        /// 65 years and older.
        Seniors => "seniors (65+)",
    }
}

vocabulary! {
    /// The twelve phases of a partnership, from idea to ending. See `docs/method.md`.
    Phase {
        /// 1. Someone has an idea for a partnership.
        Idea => "1 idea",
        /// 2. Exploring the partner and who at the library knows them.
        Exploration => "2 exploration",
        /// 3. Screening with the fourteen "How to Say No" questions.
        Screening => "3 screening",
        /// 4. The recorded decision to go ahead, wait or say no.
        Decision => "4 decision",
        /// 5. Goals and roles: the right persons at the right level (KQED's lesson).
        GoalsAndRoles => "5 goals and roles",
        /// 6. Writing the agreement (klare aftaler).
        Agreement => "6 agreement",
        /// 7. Planning resources, communication and evaluation.
        Planning => "7 planning",
        /// 8. Launch.
        Launch => "8 launch",
        /// 9. Running: activities happen.
        Running => "9 running",
        /// 10. Evaluation against the success criteria (løbende evaluering).
        Evaluation => "10 evaluation",
        /// 11. Adjustment and anchoring after an evaluation.
        Adjustment => "11 adjustment",
        /// 12. Ended, with a reason.
        Ended => "12 ended",
    }
}

impl Phase {
    /// The phase's number, 1 to 12.
    pub fn number(self) -> usize {
        Phase::ALL
            .iter()
            .position(|phase| *phase == self)
            .unwrap_or(0)
            + 1
    }

    /// Whether a partnership may move from `self` to `to` with `MovePartnershipPhase`:
    /// one step forward; back to any earlier phase (work is revisited); and the running loop
    /// (adjustment back to running, evaluation again from running). Ending has its own
    /// command, and an ended partnership moves nowhere.
    pub fn may_move_to(self, to: Phase) -> bool {
        if self == Phase::Ended || to == Phase::Ended || to == self {
            return false;
        }
        let (from_number, to_number) = (self.number(), to.number());
        to_number == from_number + 1 || to_number < from_number
    }
}

/// The fourteen screening questions of "How to Say No" (California Academy of Sciences).
pub const SCREENING_QUESTIONS: [&str; 14] = [
    "Does it support our mission and vision?",
    "Is there internal motivation and enthusiasm?",
    "Does it support the goals of our individual departments?",
    "Does it strengthen our overall partnership portfolio?",
    "Is there potential for growth and replication; is it scalable?",
    "Will results be measurable and lasting?",
    "Will it grow our audience and contact surface?",
    "Will it meet the audience's needs?",
    "Does it open for exceptional partnerships?",
    "Will it let us lead and distinguish ourselves?",
    "Will we learn from it?",
    "Does it develop staff competences?",
    "Do we have (or can we get) the capacity and resources?",
    "Can it be financed?",
];

/// The same fourteen questions in Danish, as the guide "Byg partnerskaber!" translates them
/// (there for the Academy, here for the library), in the order of [`SCREENING_QUESTIONS`].
pub const SCREENING_QUESTIONS_DA: [&str; 14] = [
    "Understøtter det bibliotekets mission og vision?",
    "Er der motivation og begejstring for det internt?",
    "Understøtter det også de mål, som bibliotekets enkelte afdelinger har opstillet?",
    "Bidrager det til, at biblioteket samlet har en stærk partnerskabsportefølje?",
    "Er der potentiale for vækst og mulighed for at gentage det? Kan det skaleres?",
    "Vil resultaterne være målbare og langtidsholdbare?",
    "Vil det øge vores publikum og kontaktflade?",
    "Vil det tilgodese publikums behov?",
    "Giver det mulighed for exceptionelle partnerskaber?",
    "Giver det biblioteket mulighed for at være i front og udmærke sig?",
    "Vil vi lære noget af det?",
    "Bidrager det til kompetenceudvikling af personalet?",
    "Har vi kapaciteten og ressourcerne til at udføre arbejdet, eller kan vi skaffe dem?",
    "Er det muligt at finansiere?",
];

vocabulary! {
    /// An answer to a screening question.
    Answer {
        /// Clearly yes (2 points).
        Yes => "yes",
        /// Partly (1 point).
        Partly => "partly",
        /// No (0 points).
        No => "no",
        /// Not known yet (0 points; worth finding out).
        Unknown => "unknown",
    }
}

impl Answer {
    /// Points towards the screening's summary score (at most 28).
    pub fn points(self) -> u32 {
        match self {
            Answer::Yes => 2,
            Answer::Partly => 1,
            Answer::No | Answer::Unknown => 0,
        }
    }
}

vocabulary! {
    /// What a screening decided.
    ScreeningDecision {
        /// Go ahead.
        Go => "go",
        /// Wait and screen again later.
        Postpone => "postpone",
        /// Say no, kindly.
        NoGo => "no go",
    }
}

vocabulary! {
    /// The sections of a clear agreement (klare aftaler).
    AgreementSection {
        /// Formål.
        Purpose => "purpose",
        /// Forventninger.
        Expectations => "expectations",
        /// Rollefordeling.
        Roles => "roles",
        /// Resultater.
        Results => "results",
        /// Ressourcer from each party.
        Resources => "resources",
        /// Varighed and review dates.
        Duration => "duration and review dates",
        /// Kommunikation.
        Communication => "communication",
        /// How to end (exit).
        Exit => "exit",
    }
}

/// The schema of a map keyed by agreement section (an amendment's new texts, the
/// agreement's texts and the version each last changed in): an object whose only properties
/// are the sections' names, each a `V`. The names are [`AgreementSection::ALL`] as serde
/// writes them, so the list is written once, in the vocabulary above; they are listed as
/// properties because OpenAPI 3.0 has no `propertyNames`.
pub fn by_agreement_section<V: schemars::JsonSchema>(
    generator: &mut schemars::gen::SchemaGenerator,
) -> schemars::schema::Schema {
    agreement_sections_of(generator.subschema_for::<V>())
}

/// The schema of an object with at most one field per agreement section, each `value`.
pub fn agreement_sections_of(value: schemars::schema::Schema) -> schemars::schema::Schema {
    use schemars::schema::{InstanceType, ObjectValidation, Schema, SchemaObject};
    let properties = AgreementSection::ALL
        .iter()
        .filter_map(|section| match serde_json::to_value(section) {
            Ok(serde_json::Value::String(name)) => Some((name, value.clone())),
            _ => None,
        })
        .collect();
    Schema::Object(SchemaObject {
        instance_type: Some(InstanceType::Object.into()),
        object: Some(Box::new(ObjectValidation {
            properties,
            additional_properties: Some(Box::new(Schema::Bool(false))),
            ..ObjectValidation::default()
        })),
        ..SchemaObject::default()
    })
}

vocabulary! {
    /// The decision an evaluation records.
    EvaluationDecision {
        /// Continue as agreed.
        Continue => "continue",
        /// Continue with adjustments.
        Adjust => "adjust",
        /// End the partnership.
        End => "end",
    }
}

vocabulary! {
    /// The readiness checklist the guide ends with.
    ReadinessItem {
        /// The partnership is linked to the library's strategy and goals.
        StrategyLink => "linked to strategy",
        /// The partner was chosen with care (screened).
        PartnerChosenWithCare => "partner chosen with care",
        /// There is a clear agreement.
        AgreementInPlace => "agreement in place",
        /// Roles are clear, with the right persons at the right level.
        RolesClear => "roles clear",
        /// Internal and external communication is planned.
        CommunicationPlanned => "communication planned",
        /// Evaluation is planned with measurable success criteria.
        EvaluationPlanned => "evaluation planned",
    }
}

vocabulary! {
    /// Categories of the assets list ("Vi kan – Vil du?").
    AssetCategory {
        /// Broad contact surface and user groups.
        ContactSurface => "contact surface and user groups",
        /// High trust.
        Trust => "trust",
        /// Facilities for debates, exhibitions and events.
        Facilities => "facilities",
        /// Information resources.
        InformationResources => "information resources",
        /// Long opening hours and high visitor counts.
        OpeningHoursAndVisitors => "opening hours and visitors",
        /// Specific staff competences.
        Competences => "competences",
        /// Physical resources.
        PhysicalResources => "physical resources",
        /// Economic resources.
        EconomicResources => "economic resources",
        /// Digital resources.
        DigitalResources => "digital resources",
    }
}

vocabulary! {
    /// Where the library learned what a partner seeks (what partners seek: contact with user
    /// groups, testing products, visibility in another context, a nationwide network).
    SeeksSource {
        /// Typed in the app (the map's node details or the suggestions).
        Typed => "typed in the app",
        /// Heard in a screening of a proposed partnership.
        Screening => "the screening",
        /// Found in a mapping workshop.
        MappingWorkshop => "the mapping workshop",
    }
}

impl Default for SeeksSource {
    /// A list without a stated source was typed in the app.
    fn default() -> Self {
        SeeksSource::Typed
    }
}

vocabulary! {
    /// The layout of a workshop board.
    BoardTemplate {
        /// The library model: rooms across, goals down.
        RoomsByGoals => "library model (rooms x goals)",
        /// The network circle's three levels.
        NetworkCircle => "network circle",
        /// User age groups.
        AgeGroups => "age groups",
        /// Free zones with labels.
        Free => "free",
    }
}

vocabulary! {
    /// The phases a facilitator moves a workshop board through, in order.
    BoardPhase {
        /// Everyone writes notes; others' notes are hidden.
        Writing => "write privately",
        /// All notes are shown.
        Reveal => "reveal",
        /// Notes are grouped.
        Grouping => "group",
        /// Dot votes; tallies hidden until the vote closes.
        Voting => "vote",
        /// Results are discussed.
        Discussion => "discuss",
        /// The board is closed.
        Closed => "closed",
    }
}

impl BoardPhase {
    /// The next phase, if any.
    pub fn next(self) -> Option<BoardPhase> {
        let index = BoardPhase::ALL.iter().position(|phase| *phase == self)?;
        BoardPhase::ALL.get(index + 1).copied()
    }
}

vocabulary! {
    /// Who a communication is for.
    Audience {
        /// Colleagues, management, politicians.
        Internal => "internal",
        /// Partners, users, press.
        External => "external",
    }
}

/// Whether a partnership is a fixed activity or an intentional frame.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum PartnershipForm {
    /// A fixed activity with set dates.
    Activity {
        /// First day.
        starts_on: NaiveDate,
        /// Last day.
        ends_on: NaiveDate,
    },
    /// An intentional frame for several open-ended activities.
    Frame,
}

/// Where a note sits on a board. Which fields apply depends on the board's template; they
/// become structured tags when the note is promoted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Zone {
    /// Room (library model template).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<Room>,
    /// Goal (library model template).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal: Option<Goal>,
    /// Level (network circle template).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// Age group (age groups template).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_group: Option<AgeGroup>,
    /// A free label (free template).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::domain::decide::optional_name_or_null_schema")]
    pub label: Option<String>,
}

impl Zone {
    /// The zone as tags: `room:learning`, `goal:innovation`, `level:network`, ...
    pub fn tags(&self) -> Vec<String> {
        let mut tags = Vec::new();
        if let Some(room) = self.room {
            tags.push(format!("room:{}", snake(&room)));
        }
        if let Some(goal) = self.goal {
            tags.push(format!("goal:{}", snake(&goal)));
        }
        if let Some(level) = self.level {
            tags.push(format!("level:{}", snake(&level)));
        }
        if let Some(age_group) = self.age_group {
            tags.push(format!("age_group:{}", snake(&age_group)));
        }
        if let Some(label) = &self.label {
            tags.push(format!("zone:{label}"));
        }
        tags
    }

    /// Which fields the template allows, as an error message for the first that it does not.
    pub fn check_against(&self, template: BoardTemplate) -> Result<(), String> {
        let allowed: &[&str] = match template {
            BoardTemplate::RoomsByGoals => &["room", "goal"],
            BoardTemplate::NetworkCircle => &["level"],
            BoardTemplate::AgeGroups => &["age_group"],
            BoardTemplate::Free => &["label"],
        };
        let used = [
            ("room", self.room.is_some()),
            ("goal", self.goal.is_some()),
            ("level", self.level.is_some()),
            ("age_group", self.age_group.is_some()),
            ("label", self.label.is_some()),
        ];
        for (field, present) in used {
            if present && !allowed.contains(&field) {
                return Err(format!(
                    "a {} board has no `{field}` zones; it takes {}",
                    template.label(),
                    allowed.join(" and ")
                ));
            }
        }
        Ok(())
    }
}

/// The serialized (snake case) name of a vocabulary value.
pub fn snake<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        _ => String::new(),
    }
}

impl Room {
    /// The Danish words for it as they stand in a sentence ("passer til møderummet"), for
    /// texts the server writes in both languages.
    pub fn danish(self) -> &'static str {
        match self {
            Room::Inspiration => "inspirationsrummet",
            Room::Learning => "læringsrummet",
            Room::Meeting => "møderummet",
            Room::Performative => "det performative rum",
        }
    }
}

impl Goal {
    /// The Danish word for it, for texts the server writes in both languages.
    pub fn danish(self) -> &'static str {
        match self {
            Goal::Experience => "erkendelse/erfaring",
            Goal::Empowerment => "empowerment",
            Goal::Engagement => "engagement",
            Goal::Innovation => "innovation",
        }
    }
}

impl AgeGroup {
    /// The Danish words for it, for texts the server writes in both languages.
    pub fn danish(self) -> &'static str {
        match self {
            AgeGroup::Toddlers => "småbørn (0-5)",
            AgeGroup::Children => "børn (6-12)",
            AgeGroup::Teenagers => "teenagere (13-17)",
            AgeGroup::YoungAdults => "unge voksne (18-29)",
            AgeGroup::Adults => "voksne (30-64)",
            AgeGroup::Seniors => "seniorer (65+)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_move_one_step_forward_or_back_but_never_out_of_ended() {
        assert!(Phase::Idea.may_move_to(Phase::Exploration));
        assert!(!Phase::Idea.may_move_to(Phase::Screening));
        assert!(Phase::Adjustment.may_move_to(Phase::Running));
        assert!(Phase::Running.may_move_to(Phase::Evaluation));
        assert!(
            !Phase::Running.may_move_to(Phase::Ended),
            "ending has its own command"
        );
        assert!(!Phase::Ended.may_move_to(Phase::Idea));
        assert!(!Phase::Agreement.may_move_to(Phase::Agreement));
        assert_eq!(Phase::ALL.len(), 12);
        assert_eq!(Phase::Ended.number(), 12);
    }

    #[test]
    fn zones_become_tags_and_must_fit_the_template() {
        let zone = Zone {
            room: Some(Room::Learning),
            goal: Some(Goal::Empowerment),
            ..Zone::default()
        };
        assert_eq!(zone.tags(), vec!["room:learning", "goal:empowerment"]);
        assert!(zone.check_against(BoardTemplate::RoomsByGoals).is_ok());
        let error = zone.check_against(BoardTemplate::AgeGroups).unwrap_err();
        assert!(error.contains("no `room` zones"), "{error}");
    }

    #[test]
    fn screening_points_sum_to_at_most_28() {
        assert_eq!(SCREENING_QUESTIONS.len() as u32 * Answer::Yes.points(), 28);
        assert_eq!(Answer::Unknown.points(), 0);
    }

    #[test]
    fn board_phases_run_in_order_and_end_closed() {
        assert_eq!(BoardPhase::Writing.next(), Some(BoardPhase::Reveal));
        assert_eq!(BoardPhase::Discussion.next(), Some(BoardPhase::Closed));
        assert_eq!(BoardPhase::Closed.next(), None);
    }
}
