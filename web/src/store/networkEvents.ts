// A colleague's change on the map without reloading it: the events the network view is built
// from (src/domain/network: organisations registered and updated, relations moved along the
// network circle or ended, contacts held and given up, colleagues added, moved between teams
// or gone, nodes placed) applied to the view the app holds, the way a sync client applies
// operations to its document. Pure, so a sequence of events is tested against the view the
// server makes of the same history (src/projection/network.rs `network_view`, unfiltered).
//
// The findings (key-person risks, duplicate contacts) are derived again from the changed view
// by the server's rules (src/projection/network.rs `network_view`), words included, so they
// never lag the map. What an event cannot decide from the view alone answers `null`, and the
// store loads the view again: partnerships (an organisation's goals come from the active
// partnerships it is in), a colleague in a team the map does not show yet (a team's node id
// is a name-based UUID the server derives), a place for a node the map does not show, the
// workspace itself.
import type { LiveEvent } from './live';
import type { DuplicateContact, KeyPersonRisk, NetworkEdge, NetworkNode, NetworkView, StaffReference } from './views';

/** An event as the websocket hands it over (`LiveEvent` without its envelope). */
export type NetworkEventInput = Pick<LiveEvent, 'event_type' | 'payload'>;

/** What applying an event did: the view after it (and, when it changed, the ids of the nodes
 * and the keys of the edges it touched), or `null` (load the view again). */
export type Applied = {
  readonly view: NetworkView;
  readonly changed: boolean;
  readonly touched?: { readonly nodes: readonly string[]; readonly edges: readonly string[] };
} | null;

/** What changed from one view (`since`) to a later one, as the events applied know it: the
 * nodes and edges they touched (by id and key; the others are the same objects in both), and
 * the later view's own by id and key. What the map's overlay looks at, instead of every node
 * and edge of the map. */
export interface ViewChanges {
  readonly since: NetworkView;
  readonly nodes: ReadonlySet<string>;
  readonly edges: ReadonlySet<string>;
  node(id: string): NetworkNode | undefined;
  edge(key: string): NetworkEdge | undefined;
}

/** The nodes and edges of `view` by id and by key (an edge's key: `kind:source:target`),
 * from its index (built if it has none). */
export function viewLookup(view: NetworkView): Pick<ViewChanges, 'node' | 'edge'> {
  let index = indexes.get(view.nodes);
  if (index?.edgeList !== view.edges) {
    index = buildIndex(view);
    indexes.set(view.nodes, index);
  }
  const { nodes, edges } = index;
  return { node: (id) => nodes.get(id), edge: (key) => edges.get(key) };
}

/** The events a reload alone can fold into the map (see the module's note). */
const RELOAD_EVENTS = new Set(['WorkspaceCreated', 'PartnershipProposed', 'PartnershipUpdated', 'PartnershipEnded']);

/** The events applied to the view; any other leaves it as it is. */
const NETWORK_EVENTS = new Set([
  'OrganisationRegistered',
  'OrganisationUpdated',
  'RelationLevelChanged',
  'ContactHolderAssigned',
  'ContactHolderRemoved',
  'StaffMemberAdded',
  'StaffMemberUpdated',
  'StaffMemberLeft',
  'NodePlaced',
]);

const NODE_ORDER: Readonly<Record<NetworkNode['kind'], number>> = { library: 0, team: 1, staff: 2, organisation: 3 };
const EDGE_ORDER: Readonly<Record<NetworkEdge['kind'], number>> = { relation: 0, knows: 1, member_of: 2 };

/** Applies one event to `view` (never changed in place). */
export function applyNetworkEvent(view: NetworkView, event: NetworkEventInput): Applied {
  if (RELOAD_EVENTS.has(event.event_type)) return null;
  if (!NETWORK_EVENTS.has(event.event_type)) return { view, changed: false };
  const draft = new Draft(view);
  const payload = event.payload;
  switch (event.event_type) {
    case 'OrganisationRegistered':
      draft.registerOrganisation(payload);
      break;
    case 'OrganisationUpdated':
      draft.updateOrganisation(payload);
      break;
    case 'RelationLevelChanged':
      draft.moveRelation(text(payload.organisation_id), level(payload.to));
      break;
    case 'ContactHolderAssigned':
      draft.holdContact(text(payload.organisation_id), text(payload.staff_id), strings(payload.topics));
      break;
    case 'ContactHolderRemoved':
      draft.dropEdge('knows', text(payload.staff_id), text(payload.organisation_id));
      break;
    case 'StaffMemberAdded':
      if (!draft.addStaff(text(payload.staff_id), text(payload.name), text(payload.team), strings(payload.competences))) return draft.abandon();
      break;
    case 'StaffMemberUpdated':
      if (!draft.updateStaff(text(payload.staff_id), text(payload.team), strings(payload.competences))) return draft.abandon();
      break;
    case 'StaffMemberLeft':
      draft.removeStaff(text(payload.staff_id));
      break;
    case 'NodePlaced':
      if (!draft.place(text(payload.node_id), Number(payload.x), Number(payload.y))) return draft.abandon();
      break;
    default:
      // Other areas' events: not in NETWORK_EVENTS, never here.
      return draft.abandon() ?? { view, changed: false };
  }
  return draft.finish();
}

/** Applies events in order; `null` as soon as one needs a reload. */
export function applyNetworkEvents(view: NetworkView, events: readonly NetworkEventInput[]): NetworkView | null {
  let current = view;
  for (const event of events) {
    const applied = applyNetworkEvent(current, event);
    if (applied === null) return null;
    current = applied.view;
  }
  return current;
}

type Level = NonNullable<NetworkNode['level']>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What an event looks up in a view: its nodes by id, its edges by key, and the keys of each
 * node's edges (either end), so that an event costs what it touches, not a pass over the map. */
interface ViewIndex {
  /** The edge list indexed (a view is known by its node list; both must match). */
  readonly edgeList: readonly NetworkEdge[];
  readonly nodes: Map<string, NetworkNode>;
  readonly edges: Map<string, NetworkEdge>;
  readonly ends: Map<string, Set<string>>;
}

/** The index of each view that has one, by its node list. An event's draft takes the index of
 * the view it applies to, changes it in place and hands it to the view it makes (a view applied
 * to again, which no longer has it, is indexed anew): no event copies the whole map. */
const indexes = new WeakMap<readonly NetworkNode[], ViewIndex>();

/** Builds the index the first event applied to `view` would build, so that a colleague's
 * first change after the view was loaded does not pay for it on its way to the screen: the
 * store calls it when the page is idle. */
export function indexView(view: NetworkView): void {
  if (indexes.get(view.nodes)?.edgeList !== view.edges) indexes.set(view.nodes, buildIndex(view));
}

function buildIndex(view: NetworkView): ViewIndex {
  const index: ViewIndex = { edgeList: view.edges, nodes: new Map(), edges: new Map(), ends: new Map() };
  for (const node of view.nodes) index.nodes.set(node.id, node);
  for (const edge of view.edges) {
    const key = keyOf(edge.kind, edge.source, edge.target);
    if (!index.edges.has(key)) addEnds(index.ends, key, edge);
    index.edges.set(key, edge);
  }
  return index;
}

function addEnds(ends: Map<string, Set<string>>, key: string, edge: NetworkEdge): void {
  for (const end of [edge.source, edge.target]) {
    const keys = ends.get(end);
    if (keys) keys.add(key);
    else ends.set(end, new Set([key]));
  }
}

function removeEnds(ends: Map<string, Set<string>>, key: string, edge: NetworkEdge): void {
  for (const end of [edge.source, edge.target]) {
    const keys = ends.get(end);
    keys?.delete(key);
    if (keys?.size === 0) ends.delete(end);
  }
}

/** More organisations touched than this: the findings are derived again from the whole view. */
const FEW_ORGANISATIONS = 64;

/**
 * The view's index, changed by the event in place; what each touched node and edge was before
 * is kept, so an event that needs a reload puts it back. At the end, the view's sorted lists
 * with the nodes and edges the event touched taken out and put back in their places (found by
 * binary search), and the findings of the organisations it touched derived again (every finding
 * of the others is the same object as before), so an event costs a copy of the lists, not a
 * pass over them, a sort of them or of every finding.
 */
class Draft {
  private readonly index: ViewIndex;
  private readonly nodes: Map<string, NetworkNode>;
  private readonly edges: Map<string, NetworkEdge>;
  private readonly ends: Map<string, Set<string>>;
  private changed = false;
  /** The nodes and edges the event touched, with what each was before it (undefined: absent). */
  private readonly nodesBefore = new Map<string, NetworkNode | undefined>();
  private readonly edgesBefore = new Map<string, NetworkEdge | undefined>();
  /** Organisations whose findings may have changed. */
  private readonly touchedOrganisations = new Set<string>();

  constructor(private readonly view: NetworkView) {
    const index = indexes.get(view.nodes);
    if (index?.edgeList === view.edges) indexes.delete(view.nodes);
    this.index = index?.edgeList === view.edges ? index : buildIndex(view);
    ({ nodes: this.nodes, edges: this.edges, ends: this.ends } = this.index);
  }

  private get libraryId(): string | undefined {
    return this.view.nodes.find((node) => node.kind === 'library')?.id;
  }

  /** The edges at `node` (either end), as they are now. */
  private edgesAt(node: string): [string, NetworkEdge][] {
    const found: [string, NetworkEdge][] = [];
    for (const key of this.ends.get(node) ?? []) {
      const edge = this.edges.get(key);
      if (edge) found.push([key, edge]);
    }
    return found;
  }

  registerOrganisation(payload: Record<string, unknown>): void {
    const id = text(payload.organisation_id);
    const before = this.nodes.get(id);
    // Registering replaces the organisation: no level and no contact holders yet.
    for (const [key, edge] of this.edgesAt(id)) if (edge.target === id && edge.kind !== 'member_of') this.deleteEdge(key);
    const node: Mutable<NetworkNode> = { kind: 'organisation', id, label: text(payload.name), sector: payload.sector as NetworkNode['sector'] };
    setList(node, 'rooms', payload.rooms);
    setList(node, 'age_groups', payload.age_groups);
    // Goals come from partnerships naming the organisation, and places from `NodePlaced`:
    // neither changes when it is registered again.
    if (before?.goals?.length) node.goals = before.goals;
    setList(node, 'tags', payload.tags);
    if (before?.place) node.place = before.place;
    this.setNode(node);
  }

  updateOrganisation(payload: Record<string, unknown>): void {
    const before = this.nodes.get(text(payload.organisation_id));
    if (before?.kind !== 'organisation') return;
    const node: Mutable<NetworkNode> = { ...before };
    if (typeof payload.name === 'string') node.label = payload.name;
    if (typeof payload.sector === 'string') node.sector = payload.sector as NetworkNode['sector'];
    if (Array.isArray(payload.tags)) setList(node, 'tags', payload.tags);
    if (Array.isArray(payload.age_groups)) setList(node, 'age_groups', payload.age_groups);
    if (Array.isArray(payload.rooms)) setList(node, 'rooms', payload.rooms);
    this.setNode(node);
  }

  moveRelation(organisationId: string, to: Level | undefined): void {
    const before = this.nodes.get(organisationId);
    const library = this.libraryId;
    if (before?.kind !== 'organisation' || library === undefined) return;
    const node: Mutable<NetworkNode> = { ...before };
    if (to) node.level = to;
    else delete node.level;
    this.setNode(node);
    const key = keyOf('relation', library, organisationId);
    if (to) this.setEdge({ kind: 'relation', source: library, target: organisationId, level: to });
    else this.deleteEdge(key);
  }

  holdContact(organisationId: string, staffId: string, topics: string[]): void {
    // Only colleagues who have not left hold contacts on the map (they are all nodes of it).
    if (this.nodes.get(organisationId)?.kind !== 'organisation' || this.nodes.get(staffId)?.kind !== 'staff') return;
    const edge: Mutable<NetworkEdge> = { kind: 'knows', source: staffId, target: organisationId };
    if (topics.length > 0) edge.topics = topics;
    this.setEdge(edge);
  }

  dropEdge(kind: NetworkEdge['kind'], source: string, target: string): void {
    this.deleteEdge(keyOf(kind, source, target));
  }

  /** False when the colleague's team has no node yet (its id is the server's to derive). */
  addStaff(staffId: string, name: string, team: string, competences: string[]): boolean {
    const node: Mutable<NetworkNode> = { kind: 'staff', id: staffId, label: name, team };
    if (competences.length > 0) node.competences = competences;
    const place = this.nodes.get(staffId)?.place;
    if (place) node.place = place;
    this.removeMembership(staffId);
    if (!this.joinTeam(staffId, team)) return false;
    this.setNode(node);
    this.pruneTeams();
    return true;
  }

  updateStaff(staffId: string, team: string, competences: string[]): boolean {
    const before = this.nodes.get(staffId);
    if (before?.kind !== 'staff') return true; // Left, or unknown: not on the map.
    const node: Mutable<NetworkNode> = { ...before, team };
    if (competences.length > 0) node.competences = competences;
    else delete node.competences;
    this.removeMembership(staffId);
    if (!this.joinTeam(staffId, team)) return false;
    this.setNode(node);
    this.pruneTeams();
    return true;
  }

  removeStaff(staffId: string): void {
    if (this.nodes.get(staffId)?.kind !== 'staff') return;
    this.touchNode(staffId);
    for (const [key, edge] of this.edgesAt(staffId)) if (edge.source === staffId) this.deleteEdge(key);
    this.deleteNode(staffId);
    this.pruneTeams();
  }

  /** False when the node is not on the map (its place must wait for a reload). */
  place(nodeId: string, x: number, y: number): boolean {
    const before = this.nodes.get(nodeId);
    if (!before) return false;
    if (before.place?.x === x && before.place.y === y) return true;
    this.setNode({ ...before, place: { x, y } });
    return true;
  }

  finish(): Applied {
    if (!this.changed) {
      this.abandon();
      return { view: this.view, changed: false };
    }
    const nodes = resorted(this.view.nodes, this.nodesBefore, this.nodes, (node) => node.id, nodeOrder);
    const edges = resorted(this.view.edges, this.edgesBefore, this.edges, (edge) => keyOf(edge.kind, edge.source, edge.target), edgeOrder);
    indexes.set(nodes, { ...this.index, edgeList: edges });
    const touched = { nodes: [...this.nodesBefore.keys()], edges: [...this.edgesBefore.keys()] };
    return { view: { ...this.view, nodes, edges, ...this.findings(nodes, edges) }, changed: true, touched };
  }

  /** The event is not applied (it needs a reload, or changed nothing): the index is put back
   * as it was, and stays the view's. */
  abandon(): null {
    for (const [key, before] of this.edgesBefore) {
      const now = this.edges.get(key);
      if (now !== undefined) removeEnds(this.ends, key, now);
      if (before === undefined) this.edges.delete(key);
      else {
        this.edges.set(key, before);
        addEnds(this.ends, key, before);
      }
    }
    for (const [id, before] of this.nodesBefore) {
      if (before === undefined) this.nodes.delete(id);
      else this.nodes.set(id, before);
    }
    indexes.set(this.view.nodes, this.index);
    return null;
  }

  /** The findings after the event: those of the touched organisations derived again. */
  private findings(
    nodes: readonly NetworkNode[],
    edges: readonly NetworkEdge[],
  ): { key_person_risks: KeyPersonRisk[]; duplicate_contacts: DuplicateContact[] } {
    const touched = this.touchedOrganisations;
    const before = { key_person_risks: this.view.key_person_risks, duplicate_contacts: this.view.duplicate_contacts };
    if (touched.size === 0 && before.duplicate_contacts) return { key_person_risks: [...before.key_person_risks], duplicate_contacts: [...before.duplicate_contacts] };
    if (touched.size > FEW_ORGANISATIONS || !before.duplicate_contacts) return findingsOf(nodes, edges);
    const organisations: NetworkNode[] = [];
    for (const id of touched) {
      const node = this.nodes.get(id);
      if (node?.kind === 'organisation') organisations.push(node);
    }
    const knows: NetworkEdge[] = [];
    for (const id of touched) for (const [, edge] of this.edgesAt(id)) if (edge.kind === 'knows' && edge.target === id) knows.push(edge);
    const holders = [...new Set(knows.map((edge) => edge.source))].map((id) => this.nodes.get(id)).filter((node) => node !== undefined);
    const found = findingsOf([...organisations, ...holders], knows);
    return {
      key_person_risks: merged(before.key_person_risks, touched, found.key_person_risks),
      duplicate_contacts: merged(before.duplicate_contacts, touched, found.duplicate_contacts),
    };
  }

  /** A team's node is shown while a colleague on the map is in it. */
  private joinTeam(staffId: string, team: string): boolean {
    if (team.trim() === '') return true;
    const teamNode = [...this.nodes.values()].find((node) => node.kind === 'team' && node.label === team);
    if (!teamNode) return false;
    this.setEdge({ kind: 'member_of', source: staffId, target: teamNode.id });
    return true;
  }

  private removeMembership(staffId: string): void {
    for (const [key, edge] of this.edgesAt(staffId)) if (edge.kind === 'member_of' && edge.source === staffId) this.deleteEdge(key);
  }

  private pruneTeams(): void {
    for (const [id, node] of this.nodes) {
      if (node.kind === 'team' && !this.edgesAt(id).some(([, edge]) => edge.kind === 'member_of' && edge.target === id)) this.deleteNode(id);
    }
  }

  private setNode(node: NetworkNode): void {
    this.touchNode(node.id);
    if (node.kind === 'organisation') this.touchedOrganisations.add(node.id);
    this.nodes.set(node.id, node);
    this.changed = true;
  }

  private deleteNode(id: string): void {
    this.touchNode(id);
    if (this.nodes.delete(id)) this.changed = true;
  }

  /** A node changes: its place in the list, and the findings it is part of (an organisation's
   * own, or those of every organisation a colleague holds). */
  private touchNode(id: string): void {
    const node = this.nodes.get(id);
    if (!this.nodesBefore.has(id)) this.nodesBefore.set(id, node);
    if (node?.kind === 'organisation') this.touchedOrganisations.add(id);
    if (node?.kind === 'staff') for (const [, edge] of this.edgesAt(id)) if (edge.kind === 'knows' && edge.source === id) this.touchedOrganisations.add(edge.target);
  }

  private setEdge(edge: NetworkEdge): void {
    const key = keyOf(edge.kind, edge.source, edge.target);
    this.touchEdge(key, edge);
    if (!this.edges.has(key)) addEnds(this.ends, key, edge);
    this.edges.set(key, edge);
    this.changed = true;
  }

  private deleteEdge(key: string): void {
    const edge = this.edges.get(key);
    if (!edge) return;
    this.touchEdge(key, edge);
    removeEnds(this.ends, key, edge);
    this.edges.delete(key);
    this.changed = true;
  }

  private touchEdge(key: string, edge: NetworkEdge): void {
    if (!this.edgesBefore.has(key)) this.edgesBefore.set(key, this.edges.get(key));
    if (edge.kind === 'knows') this.touchedOrganisations.add(edge.target);
  }
}

const nodeOrder = (first: NetworkNode, second: NetworkNode): number =>
  NODE_ORDER[first.kind] - NODE_ORDER[second.kind] || compare(first.label, second.label) || compare(first.id, second.id);

const edgeOrder = (first: NetworkEdge, second: NetworkEdge): number =>
  EDGE_ORDER[first.kind] - EDGE_ORDER[second.kind] || compare(first.source, second.source) || compare(first.target, second.target);

/** `sorted` without the `touched` items (by key, with what each was), with those of them in
 * `now` put back in their places. Each is found by binary search (the items of one key sort
 * together); where the list's order is not `order`'s, by a pass over the list. */
function resorted<T>(
  sorted: readonly T[],
  touched: ReadonlyMap<string, T | undefined>,
  now: ReadonlyMap<string, T>,
  keyOfItem: (item: T) => string,
  order: (first: T, second: T) => number,
): T[] {
  let kept = sorted.slice();
  for (const [key, was] of touched) {
    if (was === undefined) continue;
    const from = firstAfter(kept, (other) => order(other, was) >= 0);
    let to = from;
    while (to < kept.length && order(kept[to] as T, was) === 0) to += 1;
    if (to > from) kept.splice(from, to - from);
    else kept = kept.filter((item) => keyOfItem(item) !== key);
  }
  for (const key of touched.keys()) {
    const item = now.get(key);
    if (item !== undefined) kept.splice(firstAfter(kept, (other) => order(other, item) > 0), 0, item);
  }
  return kept;
}

/** The index of the first item for which `after` holds (`after` is false, then true, along `sorted`). */
function firstAfter<T>(sorted: readonly T[], after: (item: T) => boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (after(sorted[middle] as T)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** The findings `before` (sorted by organisation name, then id) with the `touched`
 * organisations' replaced by `found` (theirs, derived again, sorted the same way): each
 * organisation's findings together, in their place. */
function merged<T extends { readonly organisation_id: string; readonly organisation_name?: string }>(
  before: readonly T[],
  touched: ReadonlySet<string>,
  found: readonly T[],
): T[] {
  const kept = before.filter((finding) => !touched.has(finding.organisation_id));
  const order = (first: T, second: T) =>
    compare(first.organisation_name ?? '', second.organisation_name ?? '') || compare(first.organisation_id, second.organisation_id);
  let index = 0;
  while (index < found.length) {
    const group = found[index] as T;
    let end = index + 1;
    while (end < found.length && (found[end] as T).organisation_id === group.organisation_id) end += 1;
    kept.splice(firstAfter(kept, (other) => order(other, group) > 0), 0, ...found.slice(index, end));
    index = end;
  }
  return kept;
}

function keyOf(kind: NetworkEdge['kind'], source: string, target: string): string {
  return `${kind}:${source}:${target}`;
}

/** The server sorts by bytes (Rust's `String` order); code units agree for the map's names. */
function compare(first: string, second: string): number {
  return first < second ? -1 : first > second ? 1 : 0;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function level(value: unknown): Level | undefined {
  return value === 'network' || value === 'collaboration' || value === 'partnership' ? value : undefined;
}

/** Sets a list field as the server writes it: absent when empty. */
function setList<K extends 'rooms' | 'age_groups' | 'tags'>(node: Mutable<NetworkNode>, key: K, value: unknown): void {
  const list = Array.isArray(value) ? (value as NonNullable<NetworkNode[K]>) : [];
  if (list.length > 0) node[key] = list;
  else delete node[key];
}

/**
 * The events applied since the loaded view's position, so a view loaded again (which may be
 * older than the events already drawn) gets them applied on top instead of taking them back.
 * Applying an event twice gives what applying it once gives (each says how things are now),
 * so a view that already includes some of them is not harmed.
 */
export class AppliedSince {
  private events: { readonly position: number; readonly event: NetworkEventInput }[] = [];

  record(position: number, event: NetworkEventInput): void {
    this.events.push({ position, event });
  }

  /** A view including everything up to `position` was loaded: `view` with the later events
   * applied, or `null` if one of them needs another reload. */
  rebase(view: NetworkView, position: number): NetworkView | null {
    this.events = this.events.filter((entry) => entry.position > position);
    return applyNetworkEvents(
      view,
      this.events.map((entry) => entry.event),
    );
  }
}

interface Holder extends StaffReference {
  readonly topics: readonly string[];
}

/** The key-person risks and duplicate contacts of a whole map, as the server finds them:
 * per organisation (by id), the colleagues holding its contact sorted by name; a relation
 * beyond network held by one colleague is a risk; two holders sharing a topic (trimmed, lower
 * case) or from different teams are a duplicate; both lists sorted by organisation name. */
export function findingsOf(
  nodes: readonly NetworkNode[],
  edges: readonly NetworkEdge[],
): { key_person_risks: KeyPersonRisk[]; duplicate_contacts: DuplicateContact[] } {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const holders = new Map<string, Holder[]>();
  for (const edge of edges) {
    const staff = byId.get(edge.source);
    if (edge.kind !== 'knows' || staff?.kind !== 'staff' || byId.get(edge.target)?.kind !== 'organisation') continue;
    const holder: Holder = { staff_id: staff.id, name: staff.label, team: staff.team ?? '', topics: edge.topics ?? [] };
    const list = holders.get(edge.target);
    if (list) list.push(holder);
    else holders.set(edge.target, [holder]);
  }
  const risks: KeyPersonRisk[] = [];
  const duplicates: DuplicateContact[] = [];
  const organisations = nodes.filter((node) => node.kind === 'organisation').sort((first, second) => compare(first.id, second.id));
  for (const organisation of organisations) {
    const held = (holders.get(organisation.id) ?? []).sort(
      (first, second) => compare(first.name, second.name) || compare(first.staff_id, second.staff_id),
    );
    const name = organisation.label;
    const [only] = held;
    if ((organisation.level === 'collaboration' || organisation.level === 'partnership') && held.length === 1 && only) {
      risks.push({
        organisation_id: organisation.id,
        organisation_name: name,
        level: organisation.level,
        staff_id: only.staff_id,
        staff_name: only.name,
        message: `Only one colleague knows this partner: ${only.name} is the only contact with ${name} (${organisation.level})`,
      });
    }
    held.forEach((first, index) => {
      for (const second of held.slice(index + 1)) {
        const theirs = normalisedTopics(second.topics);
        const shared = [...normalisedTopics(first.topics)].filter((topic) => theirs.has(topic)).sort(compare);
        const differentTeams = first.team.trim() !== second.team.trim();
        if (shared.length === 0 && !differentTeams) continue;
        const team = (text: string) => (text.trim() === '' ? 'no team' : text);
        duplicates.push({
          organisation_id: organisation.id,
          organisation_name: name,
          holders: [reference(first), reference(second)],
          shared_topics: shared,
          different_teams: differentTeams,
          message:
            shared.length === 0
              ? `${first.name} (${team(first.team)}) and ${second.name} (${team(second.team)}) hold the contact with ${name} from different teams`
              : `${first.name} and ${second.name} both talk with ${name} about ${shared.join(', ')}`,
        });
      }
    });
  }
  // Sorted by name, then id; stable, so one organisation's pairs keep their order.
  const byOrganisation = (first: { organisation_name?: string; organisation_id: string }, second: typeof first) =>
    compare(first.organisation_name ?? '', second.organisation_name ?? '') || compare(first.organisation_id, second.organisation_id);
  return { key_person_risks: risks.sort(byOrganisation), duplicate_contacts: duplicates.sort(byOrganisation) };
}

function reference(holder: Holder): StaffReference {
  return { staff_id: holder.staff_id, name: holder.name, team: holder.team };
}

function normalisedTopics(topics: readonly string[]): Set<string> {
  return new Set(topics.map((topic) => topic.trim().toLowerCase()).filter((topic) => topic !== ''));
}
