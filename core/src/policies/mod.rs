//! Layer 5 policies: pure decisions the session asks for — which hosts a request goes to
//! (load balancing), whether a failed attempt runs again (retry), when a second attempt
//! starts (speculative execution), when a lost host is tried again (reconnection) and how a
//! reported address maps to one the driver can reach (address translation).
//!
//! * [`load_balancing`] — [`LoadBalancingPolicy`](load_balancing::LoadBalancingPolicy)
//!   and lazy [`QueryPlan`](load_balancing::QueryPlan)s over a
//!   [`ClusterView`](crate::cluster::view::ClusterView); round robin, DC-aware, rack-aware,
//!   token-aware and host filter policies.
//! * [`retry`] — [`RetryPolicy`](retry::RetryPolicy): default (Cassandra's semantics),
//!   fall-through and downgrading-consistency.
//! * [`speculative`] — when a second execution of an idempotent request starts.
//! * [`reconnection`] — delays between reconnection attempts to a lost host.
//! * [`address_translation`] — the address to connect to for an address the cluster
//!   reports.
//!
//! Every decision is a pure function of its inputs (a view, a routing description, an
//! error, a counter, a seed): no clock, no I/O, no global randomness — randomness comes
//! from a seed the session takes from its runtime. The retry policy decides on an
//! attempt's error ([`AttemptError`](retry::AttemptError)), its own type: nothing here
//! names the session layer above.

pub mod address_translation;
pub mod load_balancing;
pub mod reconnection;
pub mod retry;
mod rng;
pub mod speculative;
