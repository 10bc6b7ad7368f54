//! What a node keeps in DSE mode ([`crate::sim::dse`]): its Insights reports and the
//! cluster's graphs.

use std::sync::Arc;

use super::Node;
use crate::sim::dse::Insights;
use crate::sim::dse::graph::GraphState;

impl Node {
    /// Whether the node plays a DataStax Enterprise 6.8 node ([`crate::sim::dse`]).
    pub fn is_dse(&self) -> bool {
        self.config.info.dse.is_some()
    }

    /// The `CALL InsightsRpc.reportInsight(...)` arguments this node received (DSE mode),
    /// oldest first; kept across restarts.
    pub fn insights(&self) -> &Insights {
        &self.insights
    }

    /// The graphs the cluster's nodes share (DSE mode).
    pub fn graph_state(&self) -> &Arc<GraphState> {
        &self.graphs
    }

    /// The `graph_engine` of keyspace `name`, when it is a graph.
    pub fn graph_engine(&self, name: &str) -> Option<String> {
        self.lock().schema.keyspace(name)?.graph_engine.clone()
    }

    /// The names of the graphs (keyspaces with a `graph_engine`), in name order.
    pub fn graph_names(&self) -> Vec<String> {
        self.lock()
            .schema
            .keyspaces
            .values()
            .filter(|k| k.graph_engine.is_some())
            .map(|k| k.name.clone())
            .collect()
    }
}
