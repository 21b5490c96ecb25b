// What part of the network the map shows: the filters (sector, level on the network circle,
// room, goal, age group, colleague, topic), the search that finds a node by name, and a node's
// neighbourhood for "focus". Pure functions of the network view, so the map's reducers, the
// table and the exports all agree on what is shown, and they are tested without a browser.
//
// The filters select organisations as the server's `?sector=&level=…` filter does: every
// criterion that is set must hold; colleagues and teams stay only when they touch a selected
// organisation; the library always stays. An organisation's goals are those of the active
// partnerships it is a partner in (the server puts them on its node).
import type { AgeGroup, Goal, Level, Room, Sector } from '../protocol/command';
import type { NetworkNode, NetworkView } from '../store/views';

export interface MapFilter {
  readonly sector: Sector | '';
  readonly level: Level | '';
  readonly room: Room | '';
  readonly goal: Goal | '';
  readonly ageGroup: AgeGroup | '';
  /** A colleague's id: only organisations whose contact they hold. */
  readonly staff: string;
  /** Only organisations some colleague talks with about this topic (any case). */
  readonly topic: string;
}

export const NO_FILTER: MapFilter = { sector: '', level: '', room: '', goal: '', ageGroup: '', staff: '', topic: '' };

export function isFilterEmpty(filter: MapFilter): boolean {
  return Object.values(filter).every((value) => value === '');
}

const normalised = (text: string): string => text.trim().toLocaleLowerCase('da');
/** Danish order (æ, ø, å last), one collator for every sort: `localeCompare(other, 'da')`
 * looked the locale up at each comparison (8 ms of the map's first render, profiled). */
const DANISH = new Intl.Collator('da');

/** Whether an organisation node passes every criterion that is set. */
function selects(node: NetworkNode, filter: MapFilter, holders: ReadonlyMap<string, HolderFacts>): boolean {
  if (filter.sector !== '' && node.sector !== filter.sector) return false;
  if (filter.level !== '' && node.level !== filter.level) return false;
  if (filter.room !== '' && !(node.rooms ?? []).includes(filter.room)) return false;
  if (filter.goal !== '' && !(node.goals ?? []).includes(filter.goal)) return false;
  if (filter.ageGroup !== '' && !(node.age_groups ?? []).includes(filter.ageGroup)) return false;
  const facts = holders.get(node.id);
  if (filter.staff !== '' && !facts?.staff.has(filter.staff)) return false;
  if (filter.topic !== '' && !facts?.topics.has(normalised(filter.topic))) return false;
  return true;
}

interface HolderFacts {
  readonly staff: Set<string>;
  readonly topics: Set<string>;
}

/** Per organisation: who holds its contact and what they talk about (from `knows` edges). */
function holderFacts(view: NetworkView): Map<string, HolderFacts> {
  const facts = new Map<string, HolderFacts>();
  for (const edge of view.edges) {
    if (edge.kind !== 'knows') continue;
    let entry = facts.get(edge.target);
    if (!entry) {
      entry = { staff: new Set(), topics: new Set() };
      facts.set(edge.target, entry);
    }
    entry.staff.add(edge.source);
    for (const topic of edge.topics ?? []) entry.topics.add(normalised(topic));
  }
  return facts;
}

/** The ids of the nodes the filter leaves on the map. */
export function visibleNodeIds(view: NetworkView, filter: MapFilter): Set<string> {
  if (isFilterEmpty(filter)) return new Set(view.nodes.map((node) => node.id));
  const holders = holderFacts(view);
  const visible = new Set<string>();
  for (const node of view.nodes) {
    if (node.kind === 'library') visible.add(node.id);
    if (node.kind === 'organisation' && selects(node, filter, holders)) visible.add(node.id);
  }
  // Colleagues who hold a selected organisation's contact, then their teams.
  const staff = new Set<string>();
  for (const edge of view.edges) {
    if (edge.kind === 'knows' && visible.has(edge.target)) staff.add(edge.source);
  }
  for (const edge of view.edges) {
    if (edge.kind === 'member_of' && staff.has(edge.source)) visible.add(edge.target);
  }
  for (const id of staff) visible.add(id);
  return visible;
}

/** What the colleague and topic filters can choose from. */
export interface FilterChoices {
  readonly staff: { id: string; label: string }[];
  readonly topics: string[];
}

/** What the colleague and topic filters can choose from: the view's colleagues and topics, sorted. */
export function filterChoices(view: NetworkView): FilterChoices {
  return choicesOf(
    view.nodes.filter((node) => node.kind === 'staff'),
    view.edges.filter((edge) => (edge.topics?.length ?? 0) > 0),
  );
}

/**
 * `filterChoices` that sorts again only when the view's colleagues or topics changed: a
 * colleague's change to the map keeps the node and edge objects it leaves alone, so a view
 * with the same colleague nodes and topic edges (the same objects) has the same choices. The
 * sorting (by Danish collation) is what costs on a large map, at every event.
 */
export function rememberedFilterChoices(): (view: NetworkView) => FilterChoices {
  let last: { staff: readonly NetworkNode[]; withTopics: readonly NetworkView['edges'][number][]; choices: FilterChoices } | null = null;
  return (view) => {
    const staff = view.nodes.filter((node) => node.kind === 'staff');
    const withTopics = view.edges.filter((edge) => (edge.topics?.length ?? 0) > 0);
    if (last && sameItems(last.staff, staff) && sameItems(last.withTopics, withTopics)) return last.choices;
    last = { staff, withTopics, choices: choicesOf(staff, withTopics) };
    return last.choices;
  };
}

function sameItems<T>(first: readonly T[], second: readonly T[]): boolean {
  return first.length === second.length && first.every((item, index) => item === second[index]);
}

function choicesOf(staffNodes: readonly NetworkNode[], withTopics: readonly NetworkView['edges'][number][]): FilterChoices {
  const staff = staffNodes
    .map((node) => ({ id: node.id, label: node.label }))
    .sort((a, b) => DANISH.compare(a.label, b.label));
  const topics = new Map<string, string>();
  for (const edge of withTopics) {
    for (const topic of edge.topics ?? []) {
      const key = normalised(topic);
      if (key !== '' && !topics.has(key)) topics.set(key, topic.trim());
    }
  }
  return { staff, topics: [...topics.values()].sort(DANISH.compare) };
}

/**
 * The nodes whose name contains `query` (any case), names that start with it first, then
 * alphabetically; at most `limit`. An empty query finds nothing.
 */
export function searchNodes(view: NetworkView, query: string, limit = 8): NetworkNode[] {
  const wanted = normalised(query);
  if (wanted === '') return [];
  return view.nodes
    .filter((node) => normalised(node.label).includes(wanted))
    .sort((a, b) => {
      const aStarts = normalised(a.label).startsWith(wanted) ? 0 : 1;
      const bStarts = normalised(b.label).startsWith(wanted) ? 0 : 1;
      return aStarts - bStarts || DANISH.compare(a.label, b.label);
    })
    .slice(0, limit);
}

/** A node and every node directly linked with it, in either direction. */
export function neighbourhood(view: NetworkView, nodeId: string): Set<string> {
  const around = new Set([nodeId]);
  for (const edge of view.edges) {
    if (edge.source === nodeId) around.add(edge.target);
    if (edge.target === nodeId) around.add(edge.source);
  }
  return around;
}

/** The neighbourhood to emphasise: the selected node's, when focus is on and the filters show
 * that node; otherwise none. The page decides it so for what it shows and for a colleague's
 * change it paints before showing it. */
export function focusedNeighbourhood(view: NetworkView, shown: ReadonlySet<string>, selected: string | null, focus: boolean): Set<string> | null {
  return focus && selected !== null && shown.has(selected) ? neighbourhood(view, selected) : null;
}

/** The view narrowed to the nodes in `shown` and the edges between them (for the tables). */
export function shownView(view: NetworkView, shown: ReadonlySet<string>): NetworkView {
  return {
    ...view,
    nodes: view.nodes.filter((node) => shown.has(node.id)),
    edges: view.edges.filter((edge) => shown.has(edge.source) && shown.has(edge.target)),
  };
}
