// The shapes of the workspace views the app reads over HTTP: the types generated from
// protocol/openapi.json (src/protocol/api.ts), named as the app names them.
import type { Command } from '../protocol/command';
import type * as Api from '../protocol/api';
import type { ErrorBody } from '../protocol/error';

export type Role = Api.Role;

/** One of the caller's workspaces (`GET /api/workspaces`, `GET /api/me`). */
export type WorkspaceEntry = Api.WorkspaceListing;

/** A workspace's summary (`GET /api/workspaces/{id}`). */
export type WorkspaceSummary = Api.WorkspaceSummary;

export type {
  DuplicateContact,
  EdgeKind,
  NetworkEdge,
  NetworkNode,
  NodeKind,
  StaffReference,
} from '../protocol/api';

/** A key-person risk; the map falls back to the server's `message` when a field is missing. */
export type KeyPersonRisk = Pick<Api.KeyPersonRisk, 'organisation_id' | 'message'> & Partial<Api.KeyPersonRisk>;

/** What the map reads of the network view (`GET .../network`, the live store's view). */
export type NetworkView = Pick<Api.NetworkView, 'nodes' | 'edges'> & {
  readonly key_person_risks: readonly KeyPersonRisk[];
  /** Absent in views from servers before duplicate contacts were reported. */
  readonly duplicate_contacts?: Api.NetworkView['duplicate_contacts'] | undefined;
};

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
