// The map benchmark's baseline (bench/map.mjs): the least a page can do to draw the same
// network with sigma.js: fetch the server's network view with the app's session, put every
// node and edge in a graphology graph at seeded random places, and let sigma draw it with its
// defaults. It marks its first frame `bare:drawn`, as the app marks `partnerhub:map-drawn`.
import Graph from 'graphology';
import Sigma from 'sigma';

interface Node { readonly id: string; readonly label: string }
interface Edge { readonly kind: string; readonly source: string; readonly target: string }
interface View { readonly nodes: readonly Node[]; readonly edges: readonly Edge[] }

/** A small seeded generator, so both runs of the page place the nodes alike. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

async function main(): Promise<void> {
  const workspace = new URLSearchParams(location.search).get('workspace') ?? '';
  const stored = localStorage.getItem('partnerhub.session');
  const token = stored ? (JSON.parse(stored) as { token: string }).token : '';
  const response = await fetch(`/api/workspaces/${encodeURIComponent(workspace)}/network`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const view = (await response.json()) as View;
  const random = seeded(42);
  const graph = new Graph({ multi: false });
  for (const node of view.nodes) graph.addNode(node.id, { label: node.label, x: random(), y: random(), size: 4 });
  for (const edge of view.edges) {
    const key = `${edge.kind}:${edge.source}:${edge.target}`;
    if (graph.hasNode(edge.source) && graph.hasNode(edge.target) && !graph.hasEdge(key)) {
      graph.addEdgeWithKey(key, edge.source, edge.target, { size: 1 });
    }
  }
  const container = document.getElementById('graph');
  if (!container) return;
  // Sigma draws the whole graph once, synchronously, when it is made.
  new Sigma(graph, container);
  performance.mark('bare:drawn', { detail: { nodes: graph.order, edges: graph.size } });
}

void main();
