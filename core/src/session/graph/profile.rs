//! [`GraphProfile`]: how graph statements run — an execution profile with graph options —
//! and the three the session always has (default, analytics, system), with the Python
//! driver's defaults.

use alloc::string::String;
use alloc::sync::Arc;
use core::time::Duration;

use crate::graph::options::{ANALYTICS_SOURCE, GraphOptions};
use crate::message::Consistency;
use crate::policies::retry::FallthroughRetryPolicy;
use crate::session::config::ExecutionProfile;

/// The name of the profile graph statements use unless they name another.
pub const GRAPH_DEFAULT: &str = "graph-default";
/// The name of the profile for graph analytics (OLAP) traversals: source `a`, 7-day timeout.
pub const GRAPH_ANALYTICS: &str = "graph-analytics";
/// The name of the profile for graph system queries (creating and dropping graphs): no
/// graph name, 3-minute timeout.
pub const GRAPH_SYSTEM: &str = "graph-system";

/// How graph statements run: consistency, timeouts, paging and retries (an
/// [`ExecutionProfile`]), plus the [`GraphOptions`] every statement of the profile sends.
///
/// The defaults are the Python driver's: LOCAL_ONE, a 30 s timeout (sent to the node as
/// `request-timeout` too), pages of 5000 results and no retries (a graph traversal may
/// write; the driver cannot tell).
#[derive(Debug, Clone)]
pub struct GraphProfile {
    /// Consistency, timeout, page size, retries, load balancing.
    pub execution: ExecutionProfile,
    /// The graph options statements of this profile send (theirs win).
    pub options: GraphOptions,
}

impl Default for GraphProfile {
    fn default() -> Self {
        Self {
            execution: ExecutionProfile::default()
                .with_consistency(Consistency::LocalOne)
                .with_request_timeout(Some(Duration::from_secs(30)))
                .with_retry_policy(Arc::new(FallthroughRetryPolicy)),
            options: GraphOptions::new(),
        }
    }
}

impl GraphProfile {
    /// The default graph profile (see the type's documentation).
    pub fn new() -> Self {
        Self::default()
    }

    /// The analytics profile: traversal source `a` and a 7-day timeout.
    pub fn analytics() -> Self {
        let mut p = Self::default();
        p.execution.request_timeout = Some(Duration::from_secs(7 * 24 * 3600));
        p.options = p.options.graph_source(ANALYTICS_SOURCE);
        p
    }

    /// The system profile: a 3-minute timeout, for statements that create or drop graphs.
    pub fn system() -> Self {
        let mut p = Self::default();
        p.execution.request_timeout = Some(Duration::from_secs(180));
        p
    }

    /// This profile with `options` as its graph options.
    #[must_use]
    pub fn with_options(mut self, options: GraphOptions) -> Self {
        self.options = options;
        self
    }

    /// This profile with the graph name set.
    #[must_use]
    pub fn with_graph_name(mut self, name: impl Into<String>) -> Self {
        self.options = self.options.graph_name(name);
        self
    }

    /// This profile with `execution` as its execution settings.
    #[must_use]
    pub fn with_execution(mut self, execution: ExecutionProfile) -> Self {
        self.execution = execution;
        self
    }
}

/// The built-in graph profiles, as the session starts with them.
pub(crate) fn builtin_profiles() -> alloc::vec::Vec<(String, GraphProfile)> {
    alloc::vec![
        (String::from(GRAPH_DEFAULT), GraphProfile::default()),
        (String::from(GRAPH_ANALYTICS), GraphProfile::analytics()),
        (String::from(GRAPH_SYSTEM), GraphProfile::system()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_have_the_python_driver_defaults() {
        let d = GraphProfile::default();
        assert_eq!(d.execution.consistency, Consistency::LocalOne);
        assert_eq!(d.execution.request_timeout, Some(Duration::from_secs(30)));
        assert_eq!(d.execution.page_size, Some(5000));
        assert!(d.options.source().is_none());
        let a = GraphProfile::analytics();
        assert_eq!(a.options.source().map(String::as_str), Some("a"));
        assert_eq!(
            a.execution.request_timeout,
            Some(Duration::from_secs(604_800))
        );
        assert_eq!(
            GraphProfile::system().execution.request_timeout,
            Some(Duration::from_secs(180))
        );
        let names: alloc::vec::Vec<_> = builtin_profiles().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, [GRAPH_DEFAULT, GRAPH_ANALYTICS, GRAPH_SYSTEM]);
    }
}
