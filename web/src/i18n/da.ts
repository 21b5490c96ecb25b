// The Danish catalogue: the app's default language, and the one that DEFINES the message
// keys (en.ts must give a text for every key, or the type-check fails). Domain words follow
// the table in DOMAIN.md (netværkscirklen; netværk, samarbejde, partnerskab; offentlig,
// privat, civilsamfund; ...). `{name}` marks a parameter.
export const da = {
  'app.name': 'partnerhub',
  'app.language': 'Sprog',
  'app.skip': 'Spring til indholdet',

  'connection.online': 'Forbundet',
  'connection.reconnecting': 'Genopretter forbindelse …',
  'connection.offline': 'Offline',
  'connection.queued': '{count} ændring(er) venter på forbindelsen',

  'login.title': 'Log ind',
  'login.intro': 'Log ind for at arbejde med bibliotekets netværk og partnerskaber.',
  'login.name': 'Brugernavn',
  'login.password': 'Adgangskode',
  'login.submit': 'Log ind',
  'login.busy': 'Logger ind …',
  'logout': 'Log ud',
  'session.signedInAs': 'Logget ind som {name}',

  'join.title': 'Invitation til en workshop',
  'join.text': 'Du er inviteret til en workshoptavle. Tavlen i browseren kommer i en senere version; indtil da virker invitationen med API’et.',
  'join.missing': 'Linket mangler sin invitation. Bed om et nyt link.',

  'workspaces.title': 'Vælg et arbejdsområde',
  'workspaces.none': 'Du er ikke medlem af noget arbejdsområde endnu.',
  'workspaces.role': 'Rolle: {role}',
  'workspaces.loading': 'Henter arbejdsområder …',
  'workspaces.change': 'Skift arbejdsområde',

  'role.owner': 'ejer',
  'role.editor': 'redaktør',
  'role.viewer': 'læser',
  'role.auditor': 'revisor',
  'role.guest': 'gæst',

  'map.title': 'Netværkskort',
  'map.loading': 'Henter netværket …',
  'map.showMap': 'Kort',
  'map.showTable': 'Tabel',
  'map.viewChoice': 'Visning',
  'map.canvasLabel': 'Netværkskort over biblioteket, teams, medarbejdere og organisationer. Tabelvisningen viser det samme som tekst.',
  'map.layoutRunning': 'Placerer knuder …',
  'map.nothingSelected': 'Klik på en knude på kortet for at se detaljer.',
  'map.details': 'Detaljer',
  'map.closeDetails': 'Luk detaljer',

  'legend.title': 'Signaturforklaring',
  'legend.sectors': 'Sektor',
  'legend.levels': 'Netværkscirklen',
  'legend.others': 'Andre knuder',

  'kind.library': 'Bibliotek',
  'kind.team': 'Team',
  'kind.staff': 'Medarbejder',
  'kind.organisation': 'Organisation',

  'edge.relation': 'Relation',
  'edge.knows': 'Kender',
  'edge.member_of': 'Medlem af',

  'sector.public': 'Offentlig',
  'sector.private': 'Privat',
  'sector.civil_society': 'Civilsamfund',

  'level.network': 'Netværk',
  'level.collaboration': 'Samarbejde',
  'level.partnership': 'Partnerskab',
  'level.none': 'Ingen relation endnu',

  'room.inspiration': 'Inspirationsrum',
  'room.learning': 'Læringsrum',
  'room.meeting': 'Møderum',
  'room.performative': 'Performativt rum',

  'field.name': 'Navn',
  'field.kind': 'Type',
  'field.sector': 'Sektor',
  'field.level': 'Niveau',
  'field.rooms': 'Rum',
  'field.tags': 'Mærker',
  'field.team': 'Team',
  'field.competences': 'Kompetencer',
  'field.from': 'Fra',
  'field.to': 'Til',
  'field.topics': 'Emner',
  'field.risks': 'Risici',

  'table.nodes': 'Knuder ({count})',
  'table.edges': 'Forbindelser ({count})',

  'addOrganisation.title': 'Tilføj organisation',
  'addOrganisation.submit': 'Tilføj',
  'addOrganisation.sent': '{name} er tilføjet.',
  'addOrganisation.queued': '{name} tilføjes, når forbindelsen er tilbage.',
  'addOrganisation.readOnly': 'Din rolle kan se kortet, men ikke ændre det.',

  'command.rejected': 'Ændringen blev afvist: {reason}',

  'error.unauthenticated': 'Forkert brugernavn eller adgangskode, eller din session er udløbet. Log ind igen.',
  'error.forbidden': 'Din rolle må ikke gøre dette.',
  'error.workspace_not_found': 'Arbejdsområdet findes ikke, eller du er ikke medlem af det.',
  'error.not_found': 'Det findes ikke.',
  'error.unknown_entity': 'Det, ændringen handler om, findes ikke (længere).',
  'error.already_exists': 'Det findes allerede.',
  'error.version_conflict': 'En kollega har ændret det samme imens. Se den nye udgave, og prøv igen.',
  'error.invalid_field': 'Et felt er ikke udfyldt rigtigt.',
  'error.invalid_body': 'Oplysningerne er ufuldstændige eller har forkert form.',
  'error.invalid_input': 'Oplysningerne er ufuldstændige eller har forkert form.',
  'error.malformed_json': 'Oplysningerne kunne ikke læses.',
  'error.nothing_changed': 'Der er intet at ændre.',
  'error.rate_limited': 'For mange ændringer på kort tid. Vent et øjeblik, og prøv igen.',
  'error.too_many_attempts': 'For mange forsøg på at logge ind. Vent et minut, og prøv igen.',
  'error.payload_too_large': 'Det er for stort til at blive sendt.',
  'error.shutting_down': 'Serveren genstarter. Prøv igen om lidt.',
  'error.internal_error': 'Der skete en fejl på serveren.',
  'error.network': 'Serveren kan ikke nås. Tjek forbindelsen, og prøv igen.',
  'error.unknown': 'Noget gik galt.',
  'error.emptyName': 'Skriv et navn.',
} as const;

/** A message key: defined by the Danish catalogue. */
export type MessageKey = keyof typeof da;
/** A full catalogue: a text for every key. */
export type Catalogue = { readonly [K in MessageKey]: string };
