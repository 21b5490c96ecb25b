//! The words the generated history is made of: places, kinds of organisation, partnership
//! topics and workshop notes, in Danish as a library would write them.

use partnerhub::domain::vocabulary::Sector;

pub(super) const PLACES: [&str; 12] = [
    "Roskilde", "Aarhus", "Køge", "Vejle", "Odense", "Holbæk", "Greve", "Lejre", "Solrød",
    "Ringsted", "Viborg", "Horsens",
];
pub(super) const KINDS: [(&str, Sector); 12] = [
    ("Museum", Sector::Public),
    ("Festival", Sector::CivilSociety),
    ("Ungdomsskole", Sector::Public),
    ("Gymnasium", Sector::Public),
    ("Folkeuniversitet", Sector::CivilSociety),
    ("Frivilligcenter", Sector::CivilSociety),
    ("Kulturhus", Sector::Public),
    ("Spejderne", Sector::CivilSociety),
    ("Sprogcafé", Sector::CivilSociety),
    ("Erhvervsforening", Sector::Private),
    ("Boghandel", Sector::Private),
    ("Bryghus", Sector::Private),
];
pub(super) const TOPICS: [&str; 14] = [
    "læsefremme",
    "digital dannelse",
    "klima",
    "demokrati",
    "lektiehjælp",
    "sprog",
    "iværksætteri",
    "seniorliv",
    "musik",
    "teater",
    "lokalhistorie",
    "sundhed",
    "familieliv",
    "maker",
];
pub(super) const NOTE_IDEAS: [&str; 10] = [
    "Lektiecafé med Red Barnet Ungdom hver tirsdag",
    "Fortællefestival for familier i sommerferien",
    "Digital hjælp for seniorer med ældresagen",
    "Klimaværksted med gymnasiets naturfagslærere",
    "Sprogcafé for nye borgere i samarbejde med jobcentret",
    "Koncertrække i læsesalen med musikskolen",
    "Makerspace for teenagere med den lokale fablab",
    "Lokalhistoriske byvandringer med museet",
    "Iværksættermorgener med erhvervsforeningen",
    "Højtlæsning for vuggestuer med dagplejen",
];
