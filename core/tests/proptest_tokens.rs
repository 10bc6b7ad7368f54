//! Property tests of tokens, the token ring and replica placement.

use std::collections::{BTreeMap, BTreeSet};

use cql_core::cluster::replication::{ReplicaMap, ReplicationStrategy};
use cql_core::cluster::ring::{RingHost, TokenRing};
use cql_core::cluster::token::{
    Partitioner, RANDOM_MAX_TOKEN, Token, murmur3_token, parse_byte_ordered_token,
    parse_random_token, routing_key,
};
use proptest::prelude::*;

/// Cassandra's `MurmurHash.hash3_x64_128` transcribed literally (Java `long` arithmetic,
/// `getblock` reading unsigned bytes, the tail `switch` falling through with signed bytes),
/// first half only, without the token normalisation.
fn reference_h1(key: &[u8]) -> i64 {
    // Java's `(v << n) | (v >>> (64 - n))`, kept literal on purpose.
    #[allow(clippy::manual_rotate)]
    fn rotl(v: i64, n: u32) -> i64 {
        ((v as u64) << n | (v as u64) >> (64 - n)) as i64
    }
    fn fmix(mut k: i64) -> i64 {
        k ^= ((k as u64) >> 33) as i64;
        k = k.wrapping_mul(0xff51afd7ed558ccd_u64 as i64);
        k ^= ((k as u64) >> 33) as i64;
        k = k.wrapping_mul(0xc4ceb9fe1a85ec53_u64 as i64);
        k ^= ((k as u64) >> 33) as i64;
        k
    }
    let getblock = |index: usize| -> i64 {
        let i8 = index * 8;
        let mut v: i64 = 0;
        for b in 0..8 {
            v |= (key[i8 + b] as i64 & 0xff) << (8 * b);
        }
        v
    };
    let signed = |i: usize| key[i] as i8 as i64;
    let c1 = 0x87c37b91114253d5_u64 as i64;
    let c2 = 0x4cf5ad432745937f_u64 as i64;
    let length = key.len();
    let nblocks = length >> 4;
    let (mut h1, mut h2): (i64, i64) = (0, 0);
    for i in 0..nblocks {
        let mut k1 = getblock(i * 2);
        let mut k2 = getblock(i * 2 + 1);
        k1 = k1.wrapping_mul(c1);
        k1 = rotl(k1, 31);
        k1 = k1.wrapping_mul(c2);
        h1 ^= k1;
        h1 = rotl(h1, 27);
        h1 = h1.wrapping_add(h2);
        h1 = h1.wrapping_mul(5).wrapping_add(0x52dce729);
        k2 = k2.wrapping_mul(c2);
        k2 = rotl(k2, 33);
        k2 = k2.wrapping_mul(c1);
        h2 ^= k2;
        h2 = rotl(h2, 31);
        h2 = h2.wrapping_add(h1);
        h2 = h2.wrapping_mul(5).wrapping_add(0x38495ab5);
    }
    let offset = nblocks * 16;
    let (mut k1, mut k2): (i64, i64) = (0, 0);
    let rem = length & 15;
    // switch (length & 15) with fall-through, cases 15 down to 9 feed k2, 8 down to 1 k1.
    for case in (9..=rem).rev() {
        k2 ^= signed(offset + case - 1) << (8 * (case - 9));
    }
    if rem >= 9 {
        k2 = k2.wrapping_mul(c2);
        k2 = rotl(k2, 33);
        k2 = k2.wrapping_mul(c1);
        h2 ^= k2;
    }
    for case in (1..=rem.min(8)).rev() {
        k1 ^= signed(offset + case - 1) << (8 * (case - 1));
    }
    if rem >= 1 {
        k1 = k1.wrapping_mul(c1);
        k1 = rotl(k1, 31);
        k1 = k1.wrapping_mul(c2);
        h1 ^= k1;
    }
    h1 ^= length as i64;
    h2 ^= length as i64;
    h1 = h1.wrapping_add(h2);
    h2 = h2.wrapping_add(h1);
    h1 = fmix(h1);
    h2 = fmix(h2);
    h1 = h1.wrapping_add(h2);
    h1
}

fn reference_token(key: &[u8]) -> i64 {
    if key.is_empty() {
        return i64::MIN;
    }
    match reference_h1(key) {
        i64::MIN => i64::MAX,
        t => t,
    }
}

/// Hosts as `(dc, rack)` numbers, and tokens with owner host indices.
type RingSpec = (Vec<(u8, u8)>, Vec<(i64, usize)>);

/// A ring description: hosts as (dc, rack) and tokens with owner indices (duplicates and
/// hosts without tokens allowed).
fn arb_ring() -> impl Strategy<Value = RingSpec> {
    prop::collection::vec((0u8..3, 0u8..3), 1..9).prop_flat_map(|hosts| {
        let n = hosts.len();
        let tokens = prop::collection::vec((any::<i64>(), 0..n), 0..40);
        (Just(hosts), tokens)
    })
}

fn build_ring(hosts: &[(u8, u8)], tokens: &[(i64, usize)]) -> TokenRing<usize> {
    TokenRing::new(
        hosts
            .iter()
            .enumerate()
            .map(|(i, (dc, rack))| RingHost::new(i, format!("dc{dc}"), format!("r{rack}"))),
        tokens.iter().map(|&(t, owner)| (Token::Murmur3(t), owner)),
    )
    .expect("valid ring")
}

fn arb_strategy() -> impl Strategy<Value = ReplicationStrategy> {
    prop_oneof![
        (0usize..12).prop_map(|rf| {
            ReplicationStrategy::from_replication_map([
                ("class".to_string(), "SimpleStrategy".to_string()),
                ("replication_factor".to_string(), rf.to_string()),
            ])
            .expect("simple")
        }),
        prop::collection::vec((0u8..4, 0usize..6), 0..4).prop_map(|dcs| {
            let mut options = vec![("class".to_string(), "NetworkTopologyStrategy".to_string())];
            options.extend(
                dcs.into_iter()
                    .map(|(dc, rf)| (format!("dc{dc}"), rf.to_string())),
            );
            ReplicationStrategy::from_replication_map(options).expect("nts")
        }),
        Just(ReplicationStrategy::Local),
        Just(ReplicationStrategy::Everywhere),
    ]
}

/// Cassandra's `NetworkTopologyStrategy.calculateNaturalReplicas`: walk the ring once from
/// `position`, accepting per DC new racks, and at most `rf - racks` rack repeats.
fn cassandra_nts(
    ring: &TokenRing<usize>,
    factors: &BTreeMap<String, usize>,
    position: usize,
) -> BTreeSet<usize> {
    let owners = ring.owners();
    let hosts = ring.hosts();
    let mut dc_hosts: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    let mut dc_racks: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for &o in owners {
        dc_hosts.entry(&hosts[o].datacenter).or_default().insert(o);
        dc_racks
            .entry(&hosts[o].datacenter)
            .or_default()
            .insert(&hosts[o].rack);
    }
    let mut rf_left: BTreeMap<&str, usize> = BTreeMap::new();
    let mut repeats: BTreeMap<&str, i64> = BTreeMap::new();
    for (dc, &rf) in factors {
        let Some(nodes) = dc_hosts.get(dc.as_str()) else {
            continue;
        };
        rf_left.insert(dc, rf.min(nodes.len()));
        repeats.insert(dc, rf as i64 - dc_racks[dc.as_str()].len() as i64);
    }
    let mut seen_racks: BTreeSet<(&str, &str)> = BTreeSet::new();
    let mut replicas = BTreeSet::new();
    for step in 0..owners.len() {
        let host = owners[(position + step) % owners.len()];
        let dc = hosts[host].datacenter.as_str();
        let Some(left) = rf_left.get_mut(dc) else {
            continue;
        };
        if *left == 0 || replicas.contains(&host) {
            continue;
        }
        if seen_racks.insert((dc, hosts[host].rack.as_str())) {
            *left -= 1;
            replicas.insert(host);
        } else if repeats[dc] > 0 {
            *repeats.get_mut(dc).expect("dc") -= 1;
            *left -= 1;
            replicas.insert(host);
        }
    }
    replicas
}

proptest! {
    #[test]
    fn murmur3_matches_literal_java_port(key in prop::collection::vec(any::<u8>(), 0..80)) {
        prop_assert_eq!(murmur3_token(&key), reference_token(&key));
    }

    #[test]
    fn murmur3_tail_bytes_high(len in 1usize..48, fill in 0x80u8..=0xff) {
        let key = vec![fill; len];
        prop_assert_eq!(murmur3_token(&key), reference_token(&key));
    }

    #[test]
    fn token_strings_round_trip(m in any::<i64>(), r in 0..=RANDOM_MAX_TOKEN, b in prop::collection::vec(any::<u8>(), 0..20)) {
        for token in [Token::Murmur3(m), Token::Random(r), Token::ByteOrdered(b.clone())] {
            let p = token.partitioner();
            prop_assert_eq!(p.parse_token(&token.to_string()), Ok(token));
        }
    }

    #[test]
    fn token_parsing_never_panics(text in ".{0,50}") {
        for p in [Partitioner::Murmur3, Partitioner::Random, Partitioner::ByteOrdered] {
            let _ = p.parse_token(&text);
        }
        let _ = parse_random_token(&text);
        let _ = parse_byte_ordered_token(&text);
        let _ = Partitioner::from_class_name(&text);
    }

    #[test]
    fn random_tokens_in_range(key in prop::collection::vec(any::<u8>(), 0..64)) {
        match Partitioner::Random.token(&key) {
            Token::Random(t) => prop_assert!(t <= RANDOM_MAX_TOKEN),
            other => prop_assert!(false, "unexpected {:?}", other),
        }
    }

    #[test]
    fn composite_routing_key_layout(components in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..20), 2..5)) {
        let key = routing_key(&components).expect("fits");
        let mut rest = &key[..];
        for c in &components {
            let len = u16::from_be_bytes([rest[0], rest[1]]) as usize;
            prop_assert_eq!(&rest[2..2 + len], &c[..]);
            prop_assert_eq!(rest[2 + len], 0);
            rest = &rest[3 + len..];
        }
        prop_assert!(rest.is_empty());
    }

    #[test]
    fn ring_lookup_is_the_first_token_at_or_above((hosts, tokens) in arb_ring(), probe in any::<i64>(), other in any::<i64>()) {
        let ring = build_ring(&hosts, &tokens);
        let t = Token::Murmur3(probe);
        match ring.position(&t) {
            None => prop_assert!(ring.is_empty()),
            Some(pos) => {
                let at = &ring.tokens()[pos];
                if *at >= t {
                    prop_assert!(pos == 0 || ring.tokens()[pos - 1] < t);
                } else {
                    // Wrapped: every ring token is below the probe.
                    prop_assert_eq!(pos, 0);
                    prop_assert!(ring.tokens().last().is_some_and(|last| *last < t));
                }
                // Monotone: a larger probe never maps to an earlier position, unless it wraps.
                let (lo, hi) = (probe.min(other), probe.max(other));
                let (plo, phi) = (ring.position(&Token::Murmur3(lo)).unwrap(), ring.position(&Token::Murmur3(hi)).unwrap());
                prop_assert!(plo <= phi || phi == 0);
            }
        }
        prop_assert!(ring.tokens().windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn simple_strategy_places_rf_distinct_hosts((hosts, tokens) in arb_ring(), rf in 0usize..10, probe in any::<i64>()) {
        let ring = build_ring(&hosts, &tokens);
        let map = ReplicaMap::build(&ring, &ReplicationStrategy::Simple { replication_factor: rf });
        let distinct: BTreeSet<usize> = ring.owners().iter().copied().collect();
        let t = Token::Murmur3(probe);
        let replicas = map.replicas(&ring, &t);
        let set: BTreeSet<usize> = replicas.iter().copied().collect();
        prop_assert_eq!(set.len(), replicas.len());
        prop_assert_eq!(replicas.len(), rf.min(distinct.len()));
        if rf > 0 {
            prop_assert_eq!(replicas.first().copied(), ring.primary_owner(&t));
        }
    }

    #[test]
    fn nts_matches_cassandra_and_counts((hosts, tokens) in arb_ring(), strategy in arb_strategy()) {
        let ring = build_ring(&hosts, &tokens);
        let map = ReplicaMap::build(&ring, &strategy);
        let ReplicationStrategy::NetworkTopology { datacenters } = &strategy else {
            return Ok(());
        };
        for position in 0..ring.len() {
            let replicas = map.replicas_at(position);
            let set: BTreeSet<usize> = replicas.iter().copied().collect();
            prop_assert_eq!(set.len(), replicas.len(), "no duplicates");
            prop_assert_eq!(&set, &cassandra_nts(&ring, datacenters, position));
            for (dc, &rf) in datacenters {
                let in_dc: BTreeSet<usize> = ring.owners().iter().copied()
                    .filter(|&h| ring.hosts()[h].datacenter == *dc).collect();
                let racks: BTreeSet<&str> = in_dc.iter().map(|&h| ring.hosts()[h].rack.as_str()).collect();
                let chosen: Vec<usize> = replicas.iter().copied()
                    .filter(|&h| ring.hosts()[h].datacenter == *dc).collect();
                prop_assert_eq!(chosen.len(), rf.min(in_dc.len()));
                let chosen_racks: BTreeSet<&str> = chosen.iter().map(|&h| ring.hosts()[h].rack.as_str()).collect();
                prop_assert_eq!(chosen_racks.len(), chosen.len().min(racks.len()), "distinct racks first");
            }
        }
    }

    #[test]
    fn replica_maps_never_panic(
        (hosts, tokens) in arb_ring(),
        strategy in arb_strategy(),
        local in prop::option::of(0usize..10),
        probe in any::<i64>(),
    ) {
        let mut ring = build_ring(&hosts, &tokens);
        if let Some(local) = local {
            let _ = ring.set_local_host(&local);
        }
        let map = ReplicaMap::build(&ring, &strategy);
        let t = Token::Murmur3(probe);
        let replicas = map.replicas(&ring, &t);
        prop_assert!(replicas.iter().all(|&h| h < ring.hosts().len()));
        let _ = map.replica_hosts(&ring, &t).count();
        let _ = map.replicas_at(usize::MAX);
        // A mismatched ring never panics either.
        let other = TokenRing::<usize>::default();
        let _ = map.replicas(&other, &t);
        if strategy == ReplicationStrategy::Everywhere {
            let distinct: BTreeSet<usize> = ring.owners().iter().copied().collect();
            prop_assert_eq!(replicas.len(), distinct.len());
        }
        if strategy == ReplicationStrategy::Local {
            let local = ring.local_host();
            prop_assert_eq!(replicas, local.as_slice());
        }
    }

    #[test]
    fn replication_map_parsing_never_panics(entries in prop::collection::vec((".{0,12}", ".{0,8}"), 0..5), class in prop::option::of("(Simple|NetworkTopology|Local|Everywhere)Strategy")) {
        let mut entries = entries;
        if let Some(class) = class {
            entries.push(("class".to_string(), class));
        }
        let _ = ReplicationStrategy::from_replication_map(entries);
    }
}
