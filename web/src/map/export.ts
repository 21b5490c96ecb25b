// Exports of the map as it is shown (the filters applied): GEXF (Gephi, Kumu) through
// graphology-gexf's writer, GraphML (yEd), CSV of nodes and of relations (UTF-8, for a
// spreadsheet), and SVG and PNG pictures of the current view. Every format is made from one
// export graph (`exportGraph`): the shown nodes and edges with the view's fields and their
// places on the map. Loaded only when a person exports.
import Graph from 'graphology';
import { write as writeGexf } from 'graphology-gexf/browser';
import type Sigma from 'sigma';
import type { NetworkEdge, NetworkNode, NetworkView } from '../store/views';
import { drawableEdges, edgeAttributes, edgeKey, nodeAttributes, type EdgeAttributes, type NodeAttributes } from './graph';

/** A node of an export: the view's fields as text, its colour, size and place. */
export interface ExportNodeAttributes {
  label: string;
  kind: NetworkNode['kind'];
  sector: string;
  level: string;
  rooms: string;
  age_groups: string;
  tags: string;
  team: string;
  color: string;
  size: number;
  x: number;
  y: number;
}

export interface ExportEdgeAttributes {
  kind: NetworkEdge['kind'];
  level: string;
  topics: string;
  color: string;
}

export type ExportGraph = Graph<ExportNodeAttributes, ExportEdgeAttributes>;

const list = (values: readonly string[] | undefined): string => (values ?? []).join('; ');

/**
 * The shown part of the view as a graph: nodes in `visible`, edges between two of them. A
 * node's place comes from `placeOf` (the map's layout), its size from `sizeOf` when given.
 */
export function exportGraph(
  view: NetworkView,
  visible: ReadonlySet<string>,
  placeOf: (nodeId: string) => { x: number; y: number } | undefined,
  sizeOf: (nodeId: string) => number | undefined = () => undefined,
): ExportGraph {
  const graph: ExportGraph = new Graph({ type: 'directed', multi: true });
  for (const node of view.nodes) {
    if (!visible.has(node.id)) continue;
    const drawn = nodeAttributes(node);
    const place = placeOf(node.id) ?? { x: 0, y: 0 };
    graph.addNode(node.id, {
      label: node.label,
      kind: node.kind,
      sector: node.sector ?? '',
      level: node.level ?? '',
      rooms: list(node.rooms),
      age_groups: list(node.age_groups),
      tags: list(node.tags),
      team: node.team ?? '',
      color: drawn.color,
      size: sizeOf(node.id) ?? drawn.size,
      x: place.x,
      y: place.y,
    });
  }
  for (const edge of drawableEdges(view)) {
    if (!graph.hasNode(edge.source) || !graph.hasNode(edge.target)) continue;
    graph.addEdgeWithKey(edgeKey(edge), edge.source, edge.target, {
      kind: edge.kind,
      level: edge.level ?? '',
      topics: list(edge.topics),
      color: edgeAttributes(edge).color,
    });
  }
  return graph;
}

/** Only the fields that are set, so a GEXF or GraphML reader sees no empty attributes. */
function setFields<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== '')) as Partial<T>;
}

export function toGexf(graph: ExportGraph): string {
  return writeGexf(graph, {
    formatNode: (_, { label, color, size, x, y, ...fields }) => ({
      label,
      viz: { color, size, x, y },
      attributes: setFields(fields),
    }),
    formatEdge: (_, { color, ...fields }) => ({
      label: fields.kind,
      viz: { color },
      attributes: setFields(fields),
    }),
  });
}

const xmlText = (value: string | number): string =>
  String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const NODE_KEYS = ['label', 'kind', 'sector', 'level', 'rooms', 'age_groups', 'tags', 'team', 'color', 'size', 'x', 'y'] as const;
const EDGE_KEYS = ['kind', 'level', 'topics', 'color'] as const;
const NUMERIC = new Set<string>(['size', 'x', 'y']);

/** GraphML with a declared key for every field (yEd and Gephi read it). */
export function toGraphml(graph: ExportGraph): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
    ...NODE_KEYS.map(
      (key) => `  <key id="n_${key}" for="node" attr.name="${key}" attr.type="${NUMERIC.has(key) ? 'double' : 'string'}"/>`,
    ),
    ...EDGE_KEYS.map((key) => `  <key id="e_${key}" for="edge" attr.name="${key}" attr.type="string"/>`),
    '  <graph id="network" edgedefault="directed">',
  ];
  graph.forEachNode((node, attributes) => {
    lines.push(`    <node id="${xmlText(node)}">`);
    for (const key of NODE_KEYS) {
      if (attributes[key] !== '') lines.push(`      <data key="n_${key}">${xmlText(attributes[key])}</data>`);
    }
    lines.push('    </node>');
  });
  graph.forEachEdge((edge, attributes, source, target) => {
    lines.push(`    <edge id="${xmlText(edge)}" source="${xmlText(source)}" target="${xmlText(target)}">`);
    for (const key of EDGE_KEYS) {
      if (attributes[key] !== '') lines.push(`      <data key="e_${key}">${xmlText(attributes[key])}</data>`);
    }
    lines.push('    </edge>');
  });
  lines.push('  </graph>', '</graphml>', '');
  return lines.join('\n');
}

/** One CSV field: quoted when it holds a separator, a quote or a line break. */
function csvField(value: string | number): string {
  const text = String(value);
  return /[",;\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csv(rows: readonly (readonly (string | number)[])[]): string {
  // The byte order mark makes spreadsheet programs read the Danish letters as UTF-8.
  return '\ufeff' + rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export function nodesCsv(graph: ExportGraph): string {
  const columns = ['id', 'label', 'kind', 'sector', 'level', 'rooms', 'age_groups', 'tags', 'team'] as const;
  const rows: (string | number)[][] = [[...columns]];
  graph.forEachNode((node, attributes) => {
    rows.push(columns.map((column) => (column === 'id' ? node : attributes[column])));
  });
  return csv(rows);
}

export function relationsCsv(graph: ExportGraph): string {
  const rows: (string | number)[][] = [['source', 'source_label', 'kind', 'target', 'target_label', 'level', 'topics']];
  graph.forEachEdge((_, attributes, source, target) => {
    rows.push([
      source,
      graph.getNodeAttribute(source, 'label'),
      attributes.kind,
      target,
      graph.getNodeAttribute(target, 'label'),
      attributes.level,
      attributes.topics,
    ]);
  });
  return csv(rows);
}

type MapRenderer = Sigma<NodeAttributes, EdgeAttributes>;

/** The current view as SVG: the shown nodes and edges where they are on screen, with labels. */
export function toSvg(renderer: MapRenderer): string {
  const { width, height } = renderer.getDimensions();
  const graph = renderer.getGraph();
  const edges: string[] = [];
  const nodes: string[] = [];
  const labels: string[] = [];
  graph.forEachEdge((edge, _attributes, source, target) => {
    const line = renderer.getEdgeDisplayData(edge);
    const from = renderer.getNodeDisplayData(source);
    const to = renderer.getNodeDisplayData(target);
    if (!line || !from || !to || line.hidden || from.hidden || to.hidden) return;
    const a = renderer.framedGraphToViewport(from);
    const b = renderer.framedGraphToViewport(to);
    edges.push(
      `<line x1="${a.x.toFixed(1)}" y1="${a.y.toFixed(1)}" x2="${b.x.toFixed(1)}" y2="${b.y.toFixed(1)}" stroke="${xmlText(line.color)}" stroke-width="${renderer.scaleSize(line.size).toFixed(1)}"/>`,
    );
  });
  graph.forEachNode((node) => {
    const display = renderer.getNodeDisplayData(node);
    if (!display || display.hidden) return;
    const at = renderer.framedGraphToViewport(display);
    const radius = renderer.scaleSize(display.size);
    nodes.push(`<circle cx="${at.x.toFixed(1)}" cy="${at.y.toFixed(1)}" r="${radius.toFixed(1)}" fill="${xmlText(display.color)}"><title>${xmlText(display.label ?? node)}</title></circle>`);
    if (display.label && (display.forceLabel || radius >= 5)) {
      labels.push(`<text x="${(at.x + radius + 3).toFixed(1)}" y="${(at.y + 4).toFixed(1)}">${xmlText(display.label)}</text>`);
    }
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<g>${edges.join('')}</g>`,
    `<g>${nodes.join('')}</g>`,
    `<g font-family="system-ui, sans-serif" font-size="12" fill="#1d2b3a">${labels.join('')}</g>`,
    '</svg>',
    '',
  ].join('\n');
}

/** The current view as PNG: sigma's layers drawn onto one white canvas. */
export function toPng(renderer: MapRenderer): Promise<Blob> {
  const { width, height } = renderer.getDimensions();
  const ratio = window.devicePixelRatio || 1;
  const picture = document.createElement('canvas');
  picture.width = Math.round(width * ratio);
  picture.height = Math.round(height * ratio);
  const context = picture.getContext('2d');
  if (!context) return Promise.reject(new Error('no 2D canvas'));
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, picture.width, picture.height);
  // WebGL layers keep their pixels only until the frame is shown: draw right after a render.
  renderer.refresh();
  const layers = renderer.getCanvases();
  for (const name of ['edges', 'nodes', 'edgeLabels', 'labels', 'hovers', 'hoverNodes']) {
    const layer = layers[name];
    if (layer) context.drawImage(layer, 0, 0, picture.width, picture.height);
  }
  return new Promise((resolve, reject) =>
    picture.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the picture could not be made'))), 'image/png'),
  );
}

/** Hands a file to the browser's download. */
export function download(fileName: string, content: Blob | string, type: string): void {
  const blob = typeof content === 'string' ? new Blob([content], { type }) : content;
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
