//! A workspace's network metrics history as a checkpoint keeps it: the rankings and clusters
//! of each run of points that share them once, and every point as a row of its own figures.
//!
//! In a small network a point is kept at every move between levels
//! ([`METRICS_WORK_PER_EVENT`](crate::projection::projector::METRICS_WORK_PER_EVENT)), and
//! such a point has the last one's rankings and clusters (the views share them, see
//! [`NetworkMetrics`]). Written point by point with their fields named, they were half of a
//! checkpoint's bytes when every event moved a relation (~450 of ~900 bytes per event,
//! BENCHMARKS.md, issue 19 scenario 1); kept once per run, a point is a row of ~35 bytes, and a
//! restored history shares them again as the live one did.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Unusable;
use crate::projection::network::{
    Community, LevelCounts, NetworkMetrics, NodeBetweenness, NodeDegree,
};
use crate::projection::projector::{MetricsHistory, MetricsPoint};
use crate::store::Position;

/// A metrics history: the rankings and clusters shared by runs of its points, and its points.
#[derive(Default, Serialize, Deserialize)]
pub(super) struct KeptMetrics {
    shared: Vec<Shared>,
    points: Vec<Row>,
}

/// The rankings and clusters of a run of points.
#[derive(Serialize, Deserialize)]
struct Shared {
    top_degree: Arc<[NodeDegree]>,
    top_betweenness: Arc<[NodeBetweenness]>,
    communities: Arc<[Community]>,
}

impl Shared {
    fn of(metrics: &NetworkMetrics) -> Self {
        Shared {
            top_degree: Arc::clone(&metrics.top_degree),
            top_betweenness: Arc::clone(&metrics.top_betweenness),
            communities: Arc::clone(&metrics.communities),
        }
    }

    /// Whether `metrics` has these rankings and clusters: the same lists (shared, as after a
    /// move between levels), or equal ones.
    fn holds(&self, metrics: &NetworkMetrics) -> bool {
        fn same<T: PartialEq>(kept: &Arc<[T]>, other: &Arc<[T]>) -> bool {
            Arc::ptr_eq(kept, other) || kept == other
        }
        same(&self.top_degree, &metrics.top_degree)
            && same(&self.top_betweenness, &metrics.top_betweenness)
            && same(&self.communities, &metrics.communities)
    }
}

/// One point's own figures, in order (a tuple struct is a MessagePack array, without field
/// names): position, recorded at, nodes, edges, density, betweenness skipped, the counts per
/// level, and the index of its rankings and clusters in [`KeptMetrics::shared`].
#[derive(Serialize, Deserialize)]
struct Row(
    Position,
    #[serde(with = "crate::domain::moment")] DateTime<Utc>,
    usize,
    usize,
    f64,
    bool,
    [usize; 3],
    usize,
);

impl KeptMetrics {
    /// The history as kept.
    pub(super) fn of(history: &MetricsHistory) -> Self {
        let mut kept = KeptMetrics::default();
        for point in history.iter() {
            let metrics = &point.metrics;
            if !kept
                .shared
                .last()
                .is_some_and(|shared| shared.holds(metrics))
            {
                kept.shared.push(Shared::of(metrics));
            }
            let counts = metrics.counts_per_level;
            kept.points.push(Row(
                point.position,
                point.recorded_at,
                metrics.node_count,
                metrics.edge_count,
                metrics.density,
                metrics.betweenness_skipped,
                [counts.network, counts.collaboration, counts.partnership],
                kept.shared.len() - 1,
            ));
        }
        kept
    }

    /// The history again, each run of points sharing its rankings and clusters.
    ///
    /// # Errors
    /// [`Unusable::Undecodable`] when a point names rankings the history does not hold.
    pub(super) fn into_history(self) -> Result<MetricsHistory, Unusable> {
        let shared = self.shared;
        self.points
            .into_iter()
            .map(|row| {
                let Row(position, recorded_at, nodes, edges, density, skipped, counts, index) = row;
                let Some(run) = shared.get(index) else {
                    return Err(Unusable::Undecodable(format!(
                        "a metrics point names rankings {index}, of {} kept",
                        shared.len()
                    )));
                };
                let [network, collaboration, partnership] = counts;
                Ok(MetricsPoint {
                    position,
                    recorded_at,
                    metrics: NetworkMetrics {
                        node_count: nodes,
                        edge_count: edges,
                        density,
                        top_degree: Arc::clone(&run.top_degree),
                        top_betweenness: Arc::clone(&run.top_betweenness),
                        betweenness_skipped: skipped,
                        communities: Arc::clone(&run.communities),
                        counts_per_level: LevelCounts {
                            network,
                            collaboration,
                            partnership,
                        },
                    },
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

    use uuid::Uuid;

    use super::*;
    use crate::projection::network::NodeKind;

    fn metrics(label: &str, network: usize) -> NetworkMetrics {
        NetworkMetrics {
            node_count: 2,
            edge_count: 1,
            density: 1.0,
            top_degree: vec![NodeDegree {
                id: Uuid::from_u128(1),
                kind: NodeKind::Organisation,
                label: label.into(),
                degree: 1,
            }]
            .into(),
            top_betweenness: Vec::new().into(),
            betweenness_skipped: false,
            communities: vec![Community {
                size: 1,
                members: vec![label.into()],
            }]
            .into(),
            counts_per_level: LevelCounts {
                network,
                collaboration: 1 - network,
                partnership: 0,
            },
        }
    }

    fn point(position: Position, metrics: NetworkMetrics) -> MetricsPoint {
        MetricsPoint {
            position,
            recorded_at: DateTime::from_timestamp(1_700_000_000 + position as i64, 0).unwrap(),
            metrics,
        }
    }

    #[test]
    fn a_history_reads_back_as_it_was_with_each_run_kept_once_and_shared_again() {
        let first = metrics("Museet", 1);
        let mut moved = first.clone();
        moved.counts_per_level = LevelCounts {
            network: 0,
            collaboration: 1,
            partnership: 0,
        };
        let renamed = metrics("Musikskolen", 1);
        let history: MetricsHistory = vec![
            point(3, first.clone()),
            point(4, moved),
            point(5, first),
            // Equal to the run before it, measured afresh (not shared): kept once all the same.
            point(9, metrics("Musikskolen", 0)),
            point(10, renamed),
        ]
        .into_iter()
        .collect();

        let kept = KeptMetrics::of(&history);
        assert_eq!(kept.shared.len(), 2);
        let mut bytes = Vec::new();
        kept.serialize(&mut rmp_serde::Serializer::new(&mut bytes).with_struct_map())
            .unwrap();
        let read: KeptMetrics = rmp_serde::from_slice(&bytes).unwrap();
        let restored = read.into_history().unwrap();

        assert_eq!(
            restored.iter().collect::<Vec<_>>(),
            history.iter().collect::<Vec<_>>()
        );
        let shares = |first: usize, second: usize| {
            Arc::ptr_eq(
                &restored[first].metrics.top_degree,
                &restored[second].metrics.top_degree,
            )
        };
        assert!(shares(0, 2) && shares(3, 4) && !shares(2, 3));
    }

    #[test]
    fn a_point_naming_rankings_not_kept_is_refused() {
        let history: MetricsHistory = vec![point(3, metrics("Museet", 1))].into_iter().collect();
        let mut kept = KeptMetrics::of(&history);
        kept.shared.clear();
        let error = kept.into_history().unwrap_err();
        assert!(
            matches!(&error, Unusable::Undecodable(reason) if reason.contains("rankings 0, of 0")),
            "{error}"
        );
    }
}
