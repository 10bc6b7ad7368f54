//! The token ring: every token of the cluster, sorted, with the host that owns it.
//!
//! A token `t` at ring position `i` owns the range `(tokens[i - 1], t]`; the first token
//! also owns everything above the last token (the ring wraps around). A key's token is
//! therefore served by the first ring token `>=` it, or by the first ring token when it is
//! greater than all of them. Lookups are binary searches.

use alloc::string::String;
use alloc::vec::Vec;

use super::sort::sorted_order;
use super::token::{Partitioner, Token};

/// A host as replica placement sees it: an opaque id chosen by the caller (an address, a
/// host UUID, an index into the caller's own table), its datacenter and its rack.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RingHost<H> {
    /// The caller's identifier of the host.
    pub id: H,
    /// The host's datacenter (`system.local.data_center` / `system.peers.data_center`).
    pub datacenter: String,
    /// The host's rack (`system.local.rack` / `system.peers.rack`).
    pub rack: String,
}

impl<H> RingHost<H> {
    /// A host with its datacenter and rack.
    pub fn new(id: H, datacenter: impl Into<String>, rack: impl Into<String>) -> Self {
        Self {
            id,
            datacenter: datacenter.into(),
            rack: rack.into(),
        }
    }
}

/// A token ring could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RingError {
    /// A token was given for a host id that is not among the ring's hosts.
    #[error("token {token} belongs to a host that is not among the ring's hosts")]
    UnknownHost {
        /// The token whose owner is unknown.
        token: Token,
    },
    /// Two hosts share one id.
    #[error("two ring hosts share one id (host positions {first} and {second})")]
    DuplicateHost {
        /// Position of the first host in the list given.
        first: usize,
        /// Position of the second one.
        second: usize,
    },
    /// Tokens of different partitioners were mixed.
    #[error("ring mixes {expected} and {found} tokens")]
    MixedPartitioners {
        /// The partitioner of the first token.
        expected: Partitioner,
        /// The partitioner of a later token.
        found: Partitioner,
    },
}

/// The cluster's token ring: sorted distinct tokens, each with its owning host.
///
/// Hosts are referred to by their position in [`TokenRing::hosts`] ("host index").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRing<H> {
    hosts: Vec<RingHost<H>>,
    tokens: Vec<Token>,
    owners: Vec<usize>,
    local: Option<usize>,
}

impl<H> Default for TokenRing<H> {
    fn default() -> Self {
        Self {
            hosts: Vec::new(),
            tokens: Vec::new(),
            owners: Vec::new(),
            local: None,
        }
    }
}

impl<H: Ord> TokenRing<H> {
    /// Builds a ring from its hosts and `(token, owner id)` pairs.
    ///
    /// If one token is given twice, the later pair wins (as in the Python and Java drivers,
    /// which keep the last owner they read). Hosts without tokens are kept (they appear in
    /// [`TokenRing::hosts`]) but own no range and hold no replicas.
    pub fn new(
        hosts: impl IntoIterator<Item = RingHost<H>>,
        tokens: impl IntoIterator<Item = (Token, H)>,
    ) -> Result<Self, RingError> {
        let hosts: Vec<RingHost<H>> = hosts.into_iter().collect();
        // Host indices sorted by id, for binary search.
        let by_id = sorted_by_id(&hosts)?;
        let mut pairs: Vec<(Token, usize)> = Vec::new();
        for (token, id) in tokens {
            let found = by_id
                .binary_search_by(|&index| id_of(&hosts, index).cmp(&Some(&id)))
                .ok()
                .and_then(|pos| by_id.get(pos).copied());
            let Some(owner) = found else {
                return Err(RingError::UnknownHost { token });
            };
            pairs.push((token, owner));
        }
        Self::from_indexed(hosts, pairs)
    }

    /// Builds a ring from hosts each listed with its own tokens (as read from the `tokens`
    /// column of its `system.local`/`system.peers` row).
    pub fn from_hosts<T: IntoIterator<Item = Token>>(
        hosts: impl IntoIterator<Item = (RingHost<H>, T)>,
    ) -> Result<Self, RingError> {
        let mut list = Vec::new();
        let mut pairs = Vec::new();
        for (index, (host, tokens)) in hosts.into_iter().enumerate() {
            list.push(host);
            pairs.extend(tokens.into_iter().map(|t| (t, index)));
        }
        sorted_by_id(&list)?;
        Self::from_indexed(list, pairs)
    }

    /// Marks the host the driver considers local (typically the control connection's node,
    /// the one `system.local` describes); [`LocalStrategy`] keyspaces are replicated to it
    /// only. Returns `false` (and changes nothing) if no host has that id.
    ///
    /// [`LocalStrategy`]: super::replication::ReplicationStrategy::Local
    pub fn set_local_host(&mut self, id: &H) -> bool {
        match self.hosts.iter().position(|h| &h.id == id) {
            Some(index) => {
                self.local = Some(index);
                true
            }
            None => false,
        }
    }

    /// The index of the host with this id.
    pub fn host_index(&self, id: &H) -> Option<usize> {
        self.hosts.iter().position(|h| &h.id == id)
    }
}

/// Host indices sorted by host id; fails on a repeated id.
fn sorted_by_id<H: Ord>(hosts: &[RingHost<H>]) -> Result<Vec<usize>, RingError> {
    let by_id = sorted_order(hosts.len(), &|a, b| id_of(hosts, a).cmp(&id_of(hosts, b)));
    for pair in by_id.windows(2) {
        if let [a, b] = *pair {
            if id_of(hosts, a) == id_of(hosts, b) {
                return Err(RingError::DuplicateHost {
                    first: a.min(b),
                    second: a.max(b),
                });
            }
        }
    }
    Ok(by_id)
}

fn id_of<H>(hosts: &[RingHost<H>], index: usize) -> Option<&H> {
    hosts.get(index).map(|h| &h.id)
}

impl<H> TokenRing<H> {
    fn from_indexed(
        hosts: Vec<RingHost<H>>,
        pairs: Vec<(Token, usize)>,
    ) -> Result<Self, RingError> {
        if let Some((first, _)) = pairs.first() {
            let expected = first.partitioner();
            if let Some((other, _)) = pairs.iter().find(|(t, _)| t.partitioner() != expected) {
                return Err(RingError::MixedPartitioners {
                    expected,
                    found: other.partitioner(),
                });
            }
        }
        // Stable sort keeps the given order among equal tokens; the last one wins.
        let order = sorted_order(pairs.len(), &|a, b| {
            pairs.get(a).map(|p| &p.0).cmp(&pairs.get(b).map(|p| &p.0))
        });
        let mut tokens: Vec<Token> = Vec::with_capacity(pairs.len());
        let mut owners: Vec<usize> = Vec::with_capacity(pairs.len());
        let mut slots: Vec<Option<(Token, usize)>> = pairs.into_iter().map(Some).collect();
        for (token, owner) in order
            .into_iter()
            .filter_map(|i| slots.get_mut(i).and_then(Option::take))
        {
            if tokens.last() == Some(&token) {
                if let Some(last) = owners.last_mut() {
                    *last = owner;
                }
            } else {
                tokens.push(token);
                owners.push(owner);
            }
        }
        Ok(Self {
            hosts,
            tokens,
            owners,
            local: None,
        })
    }

    /// All hosts, in the order given; a host's position here is its host index.
    pub fn hosts(&self) -> &[RingHost<H>] {
        &self.hosts
    }

    /// The host at a host index.
    pub fn host(&self, index: usize) -> Option<&RingHost<H>> {
        self.hosts.get(index)
    }

    /// The index of the local host, if one was set with [`TokenRing::set_local_host`].
    pub fn local_host(&self) -> Option<usize> {
        self.local
    }

    /// The sorted distinct tokens of the ring.
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    /// The owner (host index) of each token of [`TokenRing::tokens`], position by position.
    pub fn owners(&self) -> &[usize] {
        &self.owners
    }

    /// Number of tokens on the ring.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Whether the ring has no tokens (then no key has replicas).
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The partitioner of the ring's tokens (`None` for an empty ring).
    pub fn partitioner(&self) -> Option<Partitioner> {
        self.tokens.first().map(Token::partitioner)
    }

    /// The ring position whose range `(previous, token]` contains `token`: the first ring
    /// token `>= token`, wrapping to position 0. `None` for an empty ring.
    pub fn position(&self, token: &Token) -> Option<usize> {
        if self.tokens.is_empty() {
            return None;
        }
        let pos = self.tokens.partition_point(|t| t < token);
        Some(if pos == self.tokens.len() { 0 } else { pos })
    }

    /// The host index owning the range that contains `token` (its primary replica under
    /// SimpleStrategy).
    pub fn primary_owner(&self, token: &Token) -> Option<usize> {
        self.position(token)
            .and_then(|pos| self.owners.get(pos).copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn t(v: i64) -> Token {
        Token::Murmur3(v)
    }

    #[test]
    fn lookup_wraps_and_owns_previous_exclusive_to_token_inclusive() {
        let ring = TokenRing::new(
            vec![RingHost::new('a', "dc", "r"), RingHost::new('b', "dc", "r")],
            vec![(t(10), 'a'), (t(-10), 'b')],
        )
        .unwrap();
        assert_eq!(ring.tokens(), &[t(-10), t(10)]);
        assert_eq!(ring.position(&t(-10)), Some(0));
        assert_eq!(ring.position(&t(-9)), Some(1));
        assert_eq!(ring.position(&t(10)), Some(1));
        assert_eq!(ring.position(&t(11)), Some(0));
        assert_eq!(ring.position(&t(i64::MIN)), Some(0));
        assert_eq!(ring.primary_owner(&t(0)), Some(0));
    }

    #[test]
    fn errors_and_duplicates() {
        let hosts = || vec![RingHost::new(1u8, "dc", "r"), RingHost::new(2u8, "dc", "r")];
        assert!(matches!(
            TokenRing::new(hosts(), vec![(t(1), 3u8)]),
            Err(RingError::UnknownHost { .. })
        ));
        assert!(matches!(
            TokenRing::new(hosts(), vec![(t(1), 1u8), (Token::Random(1), 2u8)]),
            Err(RingError::MixedPartitioners { .. })
        ));
        assert!(matches!(
            TokenRing::new(vec![RingHost::new(1u8, "dc", "r"); 2], Vec::new()),
            Err(RingError::DuplicateHost {
                first: 0,
                second: 1
            })
        ));
        let ring = TokenRing::new(hosts(), vec![(t(1), 1u8), (t(1), 2u8)]).unwrap();
        assert_eq!(ring.owners(), &[1]);
        let empty: TokenRing<u8> = TokenRing::default();
        assert_eq!(empty.position(&t(0)), None);
    }
}
