// The shapes of the workspace views the app reads over HTTP. (The OpenAPI document does not
// describe response bodies yet; when it does, these come from it like src/protocol/.)
import type { AgeGroup, Command, Goal, Level, Room, Sector } from '../protocol/command';
import type { ErrorBody } from '../protocol/error';

export type Role = 'owner' | 'editor' | 'viewer' | 'auditor' | 'guest';

export interface WorkspaceEntry {
  readonly workspace_id: string;
  /** Its readable address, accepted wherever the id is (e.g. `roskilde-bibliotekerne`). */
  readonly slug?: string | null;
  readonly name: string;
  readonly role: Role;
}

export interface WorkspaceSummary {
  readonly workspace_id: string;
  readonly slug?: string | null;
  readonly name: string;
  readonly role: Role;
  /** The log position of the workspace's last event the server's views include. */
  readonly position?: number;
}

export type NodeKind = 'library' | 'team' | 'staff' | 'organisation';
export type EdgeKind = 'relation' | 'knows' | 'member_of';

export interface NetworkNode {
  readonly kind: NodeKind;
  readonly id: string;
  readonly label: string;
  readonly sector?: Sector;
  readonly level?: Level;
  readonly rooms?: readonly Room[];
  readonly age_groups?: readonly AgeGroup[];
  readonly goals?: readonly Goal[];
  readonly tags?: readonly string[];
  readonly team?: string;
  readonly competences?: readonly string[];
  /** Where someone placed the node (`NodePlaced`), in map units; absent: the map lays it out. */
  readonly place?: { readonly x: number; readonly y: number };
}

export interface NetworkEdge {
  readonly kind: EdgeKind;
  readonly source: string;
  readonly target: string;
  readonly level?: Level;
  readonly topics?: readonly string[];
}

/** A relation beyond network that only one colleague holds (the server's words in `message`). */
export interface KeyPersonRisk {
  readonly organisation_id: string;
  readonly organisation_name?: string;
  readonly level?: Level;
  readonly staff_id?: string;
  readonly staff_name?: string;
  readonly message: string;
}

export interface StaffReference {
  readonly staff_id: string;
  readonly name: string;
  readonly team: string;
}

/** Two colleagues courting the same partner (the server's words in `message`). */
export interface DuplicateContact {
  readonly organisation_id: string;
  readonly organisation_name: string;
  readonly holders: readonly StaffReference[];
  readonly shared_topics: readonly string[];
  readonly different_teams: boolean;
  readonly message: string;
}

export interface NetworkView {
  readonly nodes: readonly NetworkNode[];
  readonly edges: readonly NetworkEdge[];
  readonly key_person_risks: readonly KeyPersonRisk[];
  /** Absent in views from servers before duplicate contacts were reported. */
  readonly duplicate_contacts?: readonly DuplicateContact[];
}

/** What importing a row of a spreadsheet would do (`POST .../organisation-import/preview`). */
export type ImportRowOutcome = 'created' | 'merged' | 'unchanged' | 'rejected';

export interface ImportPreviewRow {
  /** The line of the file the row starts on (the header is line 1). */
  readonly line: number;
  readonly name: string;
  readonly outcome: ImportRowOutcome;
  readonly organisation_id?: string;
  /** Why it is rejected. */
  readonly problem?: ErrorBody;
}

/** The preview of an import; nothing is written until `command` is sent. */
export interface ImportPreview {
  readonly separator: string;
  readonly columns: readonly string[];
  readonly ignored_columns: readonly string[];
  readonly rows: readonly ImportPreviewRow[];
  readonly counts: Readonly<Record<ImportRowOutcome, number>>;
  /** `ImportOrganisations` with the rows to create or merge; absent when there are none. */
  readonly command?: Extract<Command, { type: 'ImportOrganisations' }>;
}
