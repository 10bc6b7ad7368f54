//! Fault rules and the [`FaultInjector`] handle that holds them: a clonable handle (clones
//! share the rules) that servers consult for every request and every new connection, and
//! tests script while the servers run.

use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use cql_core::frame::Opcode;
use regex::Regex;

use super::action::Action;
use super::count::CountFilter;
use super::matcher::{Matcher, NodeMatch, QueryMatch, RequestView};

/// A rule's identity in its injector (from [`FaultInjector::add`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleId(pub u64);

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rule #{}", self.0)
    }
}

/// A fault rule: which requests (matcher and count filter) and what to do (action).
///
/// ```
/// use cql_testkit::sim::faults::{Action, Rule};
/// use cql_core::frame::Opcode;
/// use cql_core::message::Consistency;
///
/// // The first two QUERYs on node 127.0.0.2 whose text mentions ks.t time out.
/// let rule = Rule::new(Action::read_timeout(Consistency::Quorum, 1, 2, false))
///     .node("127.0.0.2".parse::<std::net::IpAddr>().unwrap())
///     .opcode(Opcode::Query)
///     .query_pattern(r"\bks\.t\b")
///     .unwrap()
///     .first(2);
/// ```
#[derive(Debug, Clone)]
pub struct Rule {
    /// Which requests (or connections).
    pub matcher: Matcher,
    /// Which of the matches it acts on.
    pub count: CountFilter,
    /// What it does.
    pub action: Action,
}

impl Rule {
    /// A rule doing `action` on every request (narrow it with the builder methods).
    pub fn new(action: Action) -> Self {
        Self {
            matcher: Matcher::default(),
            count: CountFilter::Always,
            action,
        }
    }

    /// Only on this node (an IP: any port; an address: that server).
    #[must_use]
    pub fn node(mut self, node: impl Into<NodeMatch>) -> Self {
        self.matcher.node = Some(node.into());
        self
    }

    /// Only on this connection (numbered from 1 per server, in accept order).
    #[must_use]
    pub fn connection(mut self, connection: u64) -> Self {
        self.matcher.connection = Some(connection);
        self
    }

    /// Only requests with this opcode.
    #[must_use]
    pub fn opcode(mut self, opcode: Opcode) -> Self {
        self.matcher.opcode = Some(opcode);
        self
    }

    /// Only requests with exactly this query text.
    #[must_use]
    pub fn query(mut self, text: impl Into<String>) -> Self {
        self.matcher.query = Some(QueryMatch::Exact(text.into()));
        self
    }

    /// Only requests with a query text in which the regular expression `pattern` is found.
    ///
    /// # Errors
    /// `pattern` is not a valid regular expression.
    pub fn query_pattern(mut self, pattern: &str) -> Result<Self, regex::Error> {
        self.matcher.query = Some(QueryMatch::Pattern(Regex::new(pattern)?));
        Ok(self)
    }

    /// Only EXECUTEs of this prepared id (or BATCHes with an entry of it).
    #[must_use]
    pub fn prepared_id(mut self, id: &[u8]) -> Self {
        self.matcher.prepared_id = Some(id.to_vec());
        self
    }

    /// Acts on the first `n` matches only.
    #[must_use]
    pub fn first(mut self, n: u64) -> Self {
        self.count = CountFilter::First(n);
        self
    }

    /// Acts on every `n`th match (n, 2n, ...).
    #[must_use]
    pub fn every(mut self, n: u64) -> Self {
        self.count = CountFilter::EveryNth(n);
        self
    }

    /// Acts on the matches after the first `n`.
    #[must_use]
    pub fn after(mut self, n: u64) -> Self {
        self.count = CountFilter::After(n);
        self
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.matcher, self.count, self.action)
    }
}

/// A rule in an injector, with its counters.
#[derive(Debug)]
struct Entry {
    id: RuleId,
    rule: Rule,
    matched: AtomicU64,
    applied: AtomicU64,
}

/// A rule's counters, as [`FaultInjector::stats`] reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RuleStats {
    /// Requests (or connections) its matcher matched.
    pub matched: u64,
    /// Times it acted.
    pub applied: u64,
}

/// The rule that acts on a request, and what it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The rule.
    pub rule: RuleId,
    /// Its action.
    pub action: Action,
}

#[derive(Debug, Default)]
struct Inner {
    /// Whether any rule exists (checked without locking on every request).
    armed: AtomicBool,
    /// Whether any rule matches query texts (kept with `armed`, under the rules' lock).
    query_rules: AtomicBool,
    next_id: AtomicU64,
    rules: RwLock<Vec<Arc<Entry>>>,
}

/// The fault rules of one or more servers. Clones share the rules, so a cluster can give
/// one injector to every node (rules then target nodes with [`Rule::node`]) or one each.
///
/// Rules are tried in the order they were added; every rule whose matcher matches counts
/// the request, and the first whose count filter admits it acts.
#[derive(Debug, Clone, Default)]
pub struct FaultInjector {
    inner: Arc<Inner>,
}

impl FaultInjector {
    /// An injector without rules.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a rule (after the existing ones); it applies to requests decoded from now on.
    pub fn add(&self, rule: Rule) -> RuleId {
        let id = RuleId(self.inner.next_id.fetch_add(1, Ordering::Relaxed) + 1);
        let matches_query = rule.matcher.query.is_some();
        let mut rules = self.write();
        rules.push(Arc::new(Entry {
            id,
            rule,
            matched: AtomicU64::new(0),
            applied: AtomicU64::new(0),
        }));
        self.inner.armed.store(true, Ordering::Release);
        if matches_query {
            self.inner.query_rules.store(true, Ordering::Release);
        }
        id
    }

    /// Adds several rules in order.
    pub fn add_all(&self, rules: impl IntoIterator<Item = Rule>) -> Vec<RuleId> {
        rules.into_iter().map(|r| self.add(r)).collect()
    }

    /// Removes a rule; returns whether it existed.
    pub fn remove(&self, id: RuleId) -> bool {
        let mut rules = self.write();
        let before = rules.len();
        rules.retain(|e| e.id != id);
        self.inner.armed.store(!rules.is_empty(), Ordering::Release);
        let matches_query = rules.iter().any(|e| e.rule.matcher.query.is_some());
        self.inner
            .query_rules
            .store(matches_query, Ordering::Release);
        rules.len() != before
    }

    /// Removes every rule.
    pub fn clear(&self) {
        let mut rules = self.write();
        rules.clear();
        self.inner.armed.store(false, Ordering::Release);
        self.inner.query_rules.store(false, Ordering::Release);
    }

    /// The rules, in order, with their ids.
    pub fn rules(&self) -> Vec<(RuleId, Rule)> {
        self.read().iter().map(|e| (e.id, e.rule.clone())).collect()
    }

    /// Whether no rule exists.
    pub fn is_empty(&self) -> bool {
        !self.inner.armed.load(Ordering::Acquire)
    }

    /// A rule's counters (`None` once removed).
    pub fn stats(&self, id: RuleId) -> Option<RuleStats> {
        self.read().iter().find(|e| e.id == id).map(|e| RuleStats {
            matched: e.matched.load(Ordering::Relaxed),
            applied: e.applied.load(Ordering::Relaxed),
        })
    }

    /// Whether some rule matches query texts (so EXECUTEs need their text looked up).
    pub fn wants_query_text(&self) -> bool {
        self.inner.query_rules.load(Ordering::Acquire)
    }

    /// The rule acting on `request`, if any (request rules only); counts the request for
    /// every rule that matches.
    pub fn decide(&self, request: &RequestView<'_>) -> Option<Decision> {
        if self.is_empty() {
            return None;
        }
        self.first_admitting(|e| {
            !e.rule.action.is_connection_action() && e.rule.matcher.matches(request)
        })
    }

    /// Whether the server listening on `node` must refuse its new connection number
    /// `connection` (connection rules only), and by which rule.
    pub fn refuses(&self, node: SocketAddr, connection: u64) -> Option<RuleId> {
        if self.is_empty() {
            return None;
        }
        self.first_admitting(|e| {
            e.rule.action.is_connection_action()
                && e.rule.matcher.matches_connection(node, connection)
        })
        .map(|d| d.rule)
    }

    fn first_admitting(&self, matches: impl Fn(&Entry) -> bool) -> Option<Decision> {
        let rules = self.read();
        let mut decision = None;
        for entry in rules.iter().filter(|e| matches(e)) {
            let nth = entry.matched.fetch_add(1, Ordering::Relaxed) + 1;
            if decision.is_none() && entry.rule.count.admits(nth) {
                entry.applied.fetch_add(1, Ordering::Relaxed);
                decision = Some(Decision {
                    rule: entry.id,
                    action: entry.rule.action.clone(),
                });
            }
        }
        decision
    }

    fn read(&self) -> RwLockReadGuard<'_, Vec<Arc<Entry>>> {
        self.inner.rules.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Vec<Arc<Entry>>> {
        self.inner.rules.write().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request<'a>(opcode: Opcode, queries: &'a [&'a str]) -> RequestView<'a> {
        RequestView {
            node: "127.0.0.1:9042".parse().unwrap(),
            connection: 1,
            opcode,
            queries,
            prepared_ids: &[],
        }
    }

    #[test]
    fn first_admitting_rule_acts_and_every_match_counts() {
        let faults = FaultInjector::new();
        assert!(faults.is_empty());
        assert_eq!(faults.decide(&request(Opcode::Query, &[])), None);
        let a = faults.add(
            Rule::new(Action::overloaded())
                .opcode(Opcode::Query)
                .first(1),
        );
        let b = faults.add(Rule::new(Action::NoAnswer).every(2));
        assert!(!faults.is_empty());
        let q = request(Opcode::Query, &["x"]);
        // 1st: rule a acts (b counts 1). 2nd: a spent, b's 2nd match acts.
        assert_eq!(faults.decide(&q).unwrap().rule, a);
        assert_eq!(faults.decide(&q).unwrap().rule, b);
        assert_eq!(faults.decide(&q), None);
        assert_eq!(
            faults.stats(a),
            Some(RuleStats {
                matched: 3,
                applied: 1
            })
        );
        assert_eq!(
            faults.stats(b),
            Some(RuleStats {
                matched: 3,
                applied: 1
            })
        );
        // OPTIONS: only b matches (its 4th match acts).
        assert_eq!(
            faults
                .decide(&request(Opcode::Options, &[]))
                .unwrap()
                .action,
            Action::NoAnswer
        );
        assert!(faults.remove(a));
        assert!(!faults.remove(a));
        assert_eq!(faults.stats(a), None);
        assert_eq!(faults.rules().len(), 1);
        faults.clear();
        assert!(faults.is_empty());
        assert_eq!(faults.decide(&q), None);
    }

    #[test]
    fn clones_share_rules() {
        let faults = FaultInjector::new();
        let clone = faults.clone();
        clone.add(Rule::new(Action::NoAnswer));
        assert!(!faults.is_empty());
        assert!(!faults.wants_query_text());
        clone.add(Rule::new(Action::NoAnswer).query("SELECT 1"));
        assert!(faults.wants_query_text());
    }

    #[test]
    fn wants_query_text_follows_removal_and_clear() {
        let faults = FaultInjector::new();
        let plain = faults.add(Rule::new(Action::NoAnswer));
        let text = faults.add(Rule::new(Action::NoAnswer).query("SELECT 1"));
        assert!(faults.remove(plain));
        assert!(faults.wants_query_text());
        assert!(faults.remove(text));
        assert!(!faults.wants_query_text());
        faults.add(Rule::new(Action::NoAnswer).query("SELECT 1"));
        faults.clear();
        assert!(!faults.wants_query_text());
    }

    #[test]
    fn connection_rules_are_separate_from_request_rules() {
        let faults = FaultInjector::new();
        let node: SocketAddr = "127.0.0.3:9042".parse().unwrap();
        let refuse = faults.add(Rule::new(Action::RefuseConnection).node(node.ip()).after(1));
        faults.add(Rule::new(Action::RefuseConnection).opcode(Opcode::Query));
        assert_eq!(faults.decide(&request(Opcode::Query, &[])), None);
        assert_eq!(faults.refuses(node, 1), None);
        assert_eq!(faults.refuses(node, 2), Some(refuse));
        assert_eq!(faults.refuses("127.0.0.1:9042".parse().unwrap(), 3), None);
    }

    #[test]
    fn builders_and_display() {
        let rule = Rule::new(Action::delay_ms(10))
            .connection(2)
            .prepared_id(&[1])
            .after(3);
        assert_eq!(
            rule.to_string(),
            "connection = 2, prepared_id = 01 (after 3): delay 10ms"
        );
        assert!(Rule::new(Action::NoAnswer).query_pattern("(").is_err());
        assert_eq!(RuleId(4).to_string(), "rule #4");
    }
}
