//! The graph measures of the network map: degree, betweenness (Brandes), communities (label
//! propagation) and density, computed over the undirected graph of the map's nodes and edges.
//! Kept apart from the map's assembly because they are plain graph algorithms that know
//! nothing of the method.

use std::collections::{BTreeMap, VecDeque};

use super::*;

/// The map as an undirected graph: nodes in id order, each with its sorted neighbours.
struct UndirectedGraph<'view> {
    nodes: Vec<&'view NetworkNode>,
    neighbours: Vec<Vec<usize>>,
    edge_count: usize,
}

impl<'view> UndirectedGraph<'view> {
    fn new(nodes: &'view [NetworkNode], edges: &[NetworkEdge]) -> Self {
        let mut ordered: Vec<&NetworkNode> = nodes.iter().collect();
        ordered.sort_by_key(|node| node.id);
        ordered.dedup_by_key(|node| node.id);
        let index: BTreeMap<Uuid, usize> = ordered
            .iter()
            .enumerate()
            .map(|(position, node)| (node.id, position))
            .collect();
        let pairs: BTreeSet<(usize, usize)> = edges
            .iter()
            .filter_map(|edge| {
                let source = *index.get(&edge.source)?;
                let target = *index.get(&edge.target)?;
                (source != target).then(|| (source.min(target), source.max(target)))
            })
            .collect();
        let mut neighbours = vec![Vec::new(); ordered.len()];
        for (first, second) in &pairs {
            neighbours[*first].push(*second);
            neighbours[*second].push(*first);
        }
        for list in &mut neighbours {
            list.sort_unstable();
        }
        UndirectedGraph {
            nodes: ordered,
            neighbours,
            edge_count: pairs.len(),
        }
    }
}

pub(super) fn graph_metrics(
    nodes: &[NetworkNode],
    edges: &[NetworkEdge],
    counts_per_level: LevelCounts,
) -> NetworkMetrics {
    let graph = UndirectedGraph::new(nodes, edges);
    let node_count = graph.nodes.len();
    let density = if node_count < 2 {
        0.0
    } else {
        2.0 * graph.edge_count as f64 / (node_count as f64 * (node_count as f64 - 1.0))
    };

    let mut top_degree: Vec<NodeDegree> = graph
        .nodes
        .iter()
        .zip(&graph.neighbours)
        .map(|(node, neighbours)| NodeDegree {
            id: node.id,
            kind: node.kind,
            label: node.label.clone(),
            degree: neighbours.len(),
        })
        .collect();
    top_degree.sort_by(|first, second| {
        second
            .degree
            .cmp(&first.degree)
            .then_with(|| first.label.cmp(&second.label))
            .then_with(|| first.id.cmp(&second.id))
    });
    top_degree.truncate(RANKING_LENGTH);

    let betweenness_skipped = node_count > BETWEENNESS_NODE_LIMIT;
    let mut top_betweenness = Vec::new();
    if !betweenness_skipped {
        top_betweenness = graph
            .nodes
            .iter()
            .zip(betweenness(&graph.neighbours))
            .map(|(node, value)| NodeBetweenness {
                id: node.id,
                kind: node.kind,
                label: node.label.clone(),
                betweenness: round_to_four_decimals(value),
            })
            .filter(|entry| entry.betweenness > 0.0)
            .collect();
        top_betweenness.sort_by(|first, second| {
            second
                .betweenness
                .total_cmp(&first.betweenness)
                .then_with(|| first.label.cmp(&second.label))
                .then_with(|| first.id.cmp(&second.id))
        });
        top_betweenness.truncate(RANKING_LENGTH);
    }

    // The library node touches every relation; left in, it would pull the whole network
    // into one community. Communities are found among colleagues, teams and partners.
    let is_library: Vec<bool> = graph
        .nodes
        .iter()
        .map(|node| node.kind == NodeKind::Library)
        .collect();
    let without_library: Vec<Vec<usize>> = graph
        .neighbours
        .iter()
        .enumerate()
        .map(|(node, adjacent)| {
            if is_library[node] {
                Vec::new()
            } else {
                adjacent
                    .iter()
                    .copied()
                    .filter(|neighbour| !is_library[*neighbour])
                    .collect()
            }
        })
        .collect();
    let labels = label_propagation(&without_library);
    let mut clusters: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for ((node, label), library) in graph.nodes.iter().zip(labels).zip(&is_library) {
        if !library {
            clusters.entry(label).or_default().push(node.label.clone());
        }
    }
    let mut communities: Vec<Community> = clusters
        .into_values()
        .map(|mut members| {
            members.sort();
            Community {
                size: members.len(),
                members,
            }
        })
        .collect();
    communities.sort_by(|first, second| {
        second
            .size
            .cmp(&first.size)
            .then_with(|| first.members.cmp(&second.members))
    });

    NetworkMetrics {
        node_count,
        edge_count: graph.edge_count,
        density: round_to_four_decimals(density),
        top_degree: top_degree.into(),
        top_betweenness: top_betweenness.into(),
        betweenness_skipped,
        communities: communities.into(),
        counts_per_level,
    }
}

/// Betweenness centrality of every node of an unweighted, undirected graph (Brandes 2001),
/// normalised to 0..1 by the number of pairs of other nodes.
pub(super) fn betweenness(neighbours: &[Vec<usize>]) -> Vec<f64> {
    let node_count = neighbours.len();
    let mut centrality = vec![0.0_f64; node_count];
    if node_count < 3 {
        return centrality;
    }
    let mut visit_order = Vec::with_capacity(node_count);
    let mut predecessors: Vec<Vec<usize>> = vec![Vec::new(); node_count];
    let mut shortest_paths = vec![0.0_f64; node_count];
    let mut distance: Vec<Option<usize>> = vec![None; node_count];
    let mut dependency = vec![0.0_f64; node_count];
    let mut queue = VecDeque::new();

    for source in 0..node_count {
        visit_order.clear();
        predecessors.iter_mut().for_each(Vec::clear);
        shortest_paths.fill(0.0);
        distance.fill(None);
        dependency.fill(0.0);
        shortest_paths[source] = 1.0;
        distance[source] = Some(0);
        queue.push_back(source);

        while let Some(node) = queue.pop_front() {
            visit_order.push(node);
            let next_distance = distance[node].map_or(0, |steps| steps + 1);
            for &neighbour in &neighbours[node] {
                if distance[neighbour].is_none() {
                    distance[neighbour] = Some(next_distance);
                    queue.push_back(neighbour);
                }
                if distance[neighbour] == Some(next_distance) {
                    shortest_paths[neighbour] += shortest_paths[node];
                    predecessors[neighbour].push(node);
                }
            }
        }

        while let Some(node) = visit_order.pop() {
            for &predecessor in &predecessors[node] {
                dependency[predecessor] +=
                    shortest_paths[predecessor] / shortest_paths[node] * (1.0 + dependency[node]);
            }
            if node != source {
                centrality[node] += dependency[node];
            }
        }
    }

    // Every unordered pair was counted from both ends; halve, then divide by the
    // (n - 1)(n - 2) / 2 pairs of other nodes: together, divide by (n - 1)(n - 2).
    let scale = 1.0 / ((node_count - 1) as f64 * (node_count - 2) as f64);
    for value in &mut centrality {
        *value *= scale;
    }
    centrality
}

/// Community label of every node by label propagation: each node in index order takes the
/// label most common among its neighbours (ties: the smallest), until nothing changes or
/// [`LABEL_PROPAGATION_ROUNDS`] rounds have passed. Nodes start with their own index.
pub(super) fn label_propagation(neighbours: &[Vec<usize>]) -> Vec<usize> {
    let mut labels: Vec<usize> = (0..neighbours.len()).collect();
    for _ in 0..LABEL_PROPAGATION_ROUNDS {
        let mut changed = false;
        for (node, adjacent) in neighbours.iter().enumerate() {
            let mut tally: BTreeMap<usize, usize> = BTreeMap::new();
            for &neighbour in adjacent {
                *tally.entry(labels[neighbour]).or_insert(0) += 1;
            }
            let mut best: Option<(usize, usize)> = None;
            for (label, count) in tally {
                if best.is_none_or(|(_, best_count)| count > best_count) {
                    best = Some((label, count));
                }
            }
            if let Some((label, _)) = best {
                if labels[node] != label {
                    labels[node] = label;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    labels
}

/// Rounds to four decimals, so floats serialize the same on every run.
pub(super) fn round_to_four_decimals(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}
