//! Golden vectors of tokens.json: Murmur3 and RandomPartitioner tokens computed by the Python
//! driver, and replica placement on a 6-node, 2-datacenter ring.
//!
//! Difference with the driver, by design: for a zero-length key the driver's
//! `Murmur3Token.hash_fn` returns the raw hash (0), while Cassandra's
//! `Murmur3Partitioner.getToken` returns the minimum token `i64::MIN` without hashing (and
//! rejects empty partition keys anyway). `Partitioner::token` follows Cassandra; the vector's
//! value is checked against `murmur3_hash_token`, the raw hash, and the Cassandra value is
//! asserted separately.

mod common;

use common::tokens_json::{as_i64, strategy_of, strings};
use common::{load, unhex};
use cql_core::cluster::replication::{ReplicaMap, ReplicationStrategy};
use cql_core::cluster::ring::{RingHost, TokenRing};
use cql_core::cluster::token::{Partitioner, Token, murmur3_hash_token, routing_key};
use cql_core::cluster::token_map::TokenMap;
use serde_json::Value;

#[test]
fn murmur3_tokens() {
    let file = load("tokens.json");
    let vectors = file["murmur3"].as_array().expect("murmur3[]");
    let (mut checked, skipped) = (0usize, 0usize);
    for v in vectors {
        let id = v["id"].as_str().expect("id");
        let key = unhex(&v["key"]);
        let expected = as_i64(&v["token"]);

        // The key is the routing key of the components.
        let components: Vec<Vec<u8>> = v["components"]
            .as_array()
            .expect("components")
            .iter()
            .map(|c| unhex(&c["bytes"]))
            .collect();
        assert_eq!(
            routing_key(&components).expect("routing key"),
            key,
            "{id}: routing key"
        );
        assert_eq!(v["composite"].as_bool(), Some(components.len() > 1), "{id}");

        if key.is_empty() {
            // The driver hashes the empty key (0); Cassandra gives the minimum token.
            assert_eq!(
                murmur3_hash_token(&key),
                expected,
                "{id}: driver's raw hash"
            );
            assert_eq!(
                Partitioner::Murmur3.token(&key),
                Token::Murmur3(i64::MIN),
                "{id}"
            );
            assert!(v["note"].is_string(), "{id}: empty keys are flagged");
        } else {
            assert_eq!(
                Partitioner::Murmur3.token(&key),
                Token::Murmur3(expected),
                "{id}"
            );
            assert_eq!(
                Partitioner::Murmur3
                    .token_of_components(&components)
                    .expect("components"),
                Token::Murmur3(expected),
                "{id}"
            );
        }
        checked += 1;
    }
    assert_eq!(checked + skipped, vectors.len());
    assert_eq!(
        checked,
        file["counts"]["murmur3_tokens"].as_u64().expect("count") as usize
    );
}

#[test]
fn random_partitioner_tokens() {
    let file = load("tokens.json");
    let vectors = file["random_partitioner_md5"]
        .as_array()
        .expect("random_partitioner_md5[]");
    let (mut checked, skipped) = (0usize, 0usize);
    for v in vectors {
        let id = v["id"].as_str().expect("id");
        let key = unhex(&v["key"]);
        let text = v["token"].as_str().expect("decimal token");
        let token = Partitioner::Random.token(&key);
        assert_eq!(token.to_string(), text, "{id}");
        assert_eq!(Partitioner::Random.parse_token(text), Ok(token), "{id}");
        checked += 1;
    }
    assert_eq!(checked + skipped, vectors.len());
    assert_eq!(
        checked,
        file["counts"]["md5_tokens"].as_u64().expect("count") as usize
    );
}

/// The vector ring, built from the hosts' token strings as `system.peers` would give them.
fn vector_ring(file: &Value) -> TokenRing<String> {
    let ring = &file["ring"];
    let partitioner = Partitioner::from_class_name(ring["partitioner"].as_str().expect("name"))
        .expect("partitioner");
    assert_eq!(partitioner, Partitioner::Murmur3);
    let hosts = ring["hosts"].as_array().expect("hosts").iter().map(|h| {
        let host = RingHost::new(
            h["address"].as_str().expect("address").to_string(),
            h["datacenter"].as_str().expect("dc"),
            h["rack"].as_str().expect("rack"),
        );
        let tokens: Vec<Token> = h["tokens"]
            .as_array()
            .expect("tokens")
            .iter()
            .map(|t| {
                partitioner
                    .parse_token(&as_i64(t).to_string())
                    .expect("token")
            })
            .collect();
        (host, tokens)
    });
    let built = TokenRing::from_hosts(hosts).expect("ring");

    // The sorted ring matches the vector's.
    let sorted = ring["sorted_ring"].as_array().expect("sorted_ring");
    assert_eq!(built.len(), sorted.len());
    for ((entry, token), &owner) in sorted.iter().zip(built.tokens()).zip(built.owners()) {
        assert_eq!(*token, Token::Murmur3(as_i64(&entry["token"])));
        assert_eq!(
            built.hosts()[owner].id,
            entry["owner"].as_str().expect("owner")
        );
    }
    built
}

fn ids(ring: &TokenRing<String>, replicas: &[usize]) -> Vec<String> {
    replicas
        .iter()
        .map(|&i| ring.hosts()[i].id.clone())
        .collect()
}

#[test]
fn ring_replicas_of_every_token() {
    let file = load("tokens.json");
    let ring = vector_ring(&file);
    let strategies = file["ring"]["strategies"].as_object().expect("strategies");
    let (mut checked, skipped) = (0usize, 0usize);
    let mut total = 0usize;
    for (name, spec) in strategies {
        let strategy = strategy_of(spec);
        let map = ReplicaMap::build(&ring, &strategy);
        let entries = spec["ring_replicas"].as_array().expect("ring_replicas");
        total += entries.len();
        for (position, entry) in entries.iter().enumerate() {
            let token = Token::Murmur3(as_i64(&entry["token"]));
            assert_eq!(ring.position(&token), Some(position), "{name}");
            assert_eq!(
                ring.hosts()[ring.primary_owner(&token).expect("owner")].id,
                entry["owner"].as_str().expect("owner")
            );
            let expected = strings(&entry["replicas"]);
            // Same order as the driver, not only the same set.
            assert_eq!(
                ids(&ring, map.replicas(&ring, &token)),
                expected,
                "{name} at {token}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked + skipped, total);
    assert_eq!(
        total,
        2 * file["counts"]["ring_tokens"].as_u64().expect("count") as usize
    );
}

#[test]
fn key_examples() {
    let file = load("tokens.json");
    let ring = vector_ring(&file);
    let strategies = file["ring"]["strategies"].as_object().expect("strategies");
    let maps: Vec<(String, ReplicaMap)> = strategies
        .iter()
        .map(|(name, spec)| (name.clone(), ReplicaMap::build(&ring, &strategy_of(spec))))
        .collect();
    let mut token_map = TokenMap::new(Partitioner::Murmur3, ring.clone());
    let named: Vec<(String, ReplicationStrategy)> = strategies
        .iter()
        .map(|(name, spec)| (name.clone(), strategy_of(spec)))
        .collect();
    for (_, strategy) in &named {
        token_map.add_strategy(strategy);
    }
    let examples = file["ring"]["key_examples"]
        .as_array()
        .expect("key_examples");
    let (mut checked, skipped) = (0usize, 0usize);
    for example in examples {
        let id = example["id"].as_str().expect("id");
        let token = Token::Murmur3(as_i64(&example["token"]));
        if !example["key"].is_null() {
            let key = unhex(&example["key"]);
            assert_eq!(Partitioner::Murmur3.token(&key), token, "{id}");
            for (name, strategy) in &named {
                let hosts: Vec<&str> = token_map
                    .replica_hosts_for_key(strategy, &key)
                    .map(|h| h.id.as_str())
                    .collect();
                assert_eq!(
                    hosts,
                    strings(&example["replicas"][name]),
                    "{id} {name} by key"
                );
            }
        }
        let replicas = example["replicas"].as_object().expect("replicas");
        assert_eq!(replicas.len(), maps.len(), "{id}");
        for (name, map) in &maps {
            let expected = strings(&replicas[name]);
            assert_eq!(
                ids(&ring, map.replicas(&ring, &token)),
                expected,
                "{id} {name}"
            );
            let via_hosts: Vec<&str> = map
                .replica_hosts(&ring, &token)
                .map(|h| h.id.as_str())
                .collect();
            assert_eq!(via_hosts, expected, "{id} {name}");
        }
        checked += 1;
    }
    assert_eq!(checked + skipped, examples.len());
    assert_eq!(
        checked,
        file["counts"]["key_replica_examples"]
            .as_u64()
            .expect("count") as usize
    );
}
