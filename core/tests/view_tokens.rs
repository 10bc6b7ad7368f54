//! The ring examples of tokens.json read through a `ClusterView`: hosts as the control
//! connection builds them (`Arc<Host>` with placement and tokens), keyspaces named after the
//! vector strategies; `ClusterView::replicas` must give the driver's replicas in its order,
//! for every ring token and every key example.

mod common;

use std::sync::Arc;

use common::tokens_json::{as_i64, strategy_of, strings};
use common::{load, unhex};
use cql_core::cluster::host::Host;
use cql_core::cluster::token::{Partitioner, Token};
use cql_core::cluster::view::{ClusterView, Replicas};
use cql_core::runtime::NodeAddr;
use serde_json::Value;
use uuid::Uuid;

/// The vector ring as a view; keyspaces are named after the strategies.
fn vector_view(file: &Value) -> ClusterView {
    let ring = &file["ring"];
    let partitioner = Partitioner::from_class_name(ring["partitioner"].as_str().expect("name"))
        .expect("partitioner");
    let hosts: Vec<Arc<Host>> = ring["hosts"]
        .as_array()
        .expect("hosts")
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let addr = NodeAddr::new(h["address"].as_str().expect("address"), 9042);
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
            Arc::new(
                Host::new(Uuid::from_u128(i as u128 + 1), addr.clone(), addr)
                    .with_placement(
                        h["datacenter"].as_str().expect("dc"),
                        h["rack"].as_str().expect("rack"),
                    )
                    .with_tokens(tokens),
            )
        })
        .collect();
    let keyspaces = ring["strategies"]
        .as_object()
        .expect("strategies")
        .iter()
        .map(|(name, spec)| (name.clone(), strategy_of(spec)));
    ClusterView::new(hosts, Some(partitioner), keyspaces)
}

fn addresses(replicas: Replicas<'_>) -> Vec<String> {
    replicas.iter().map(|h| h.addr.host.clone()).collect()
}

#[test]
fn view_replicas_of_every_ring_token() {
    let file = load("tokens.json");
    let view = vector_view(&file);
    let strategies = file["ring"]["strategies"].as_object().expect("strategies");
    let (mut checked, skipped, mut total) = (0usize, 0usize, 0usize);
    for (name, spec) in strategies {
        let entries = spec["ring_replicas"].as_array().expect("ring_replicas");
        total += entries.len();
        for entry in entries {
            let token = Token::Murmur3(as_i64(&entry["token"]));
            let replicas = view.replicas(name, &token);
            // Same order as the driver, not only the same set; the first is the owner
            // under SimpleStrategy.
            assert_eq!(
                addresses(replicas),
                strings(&entry["replicas"]),
                "{name} at {token}"
            );
            if name.starts_with("simple") {
                assert_eq!(
                    replicas.get(0).map(|h| h.addr.host.as_str()),
                    entry["owner"].as_str()
                );
            }
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
fn view_replicas_of_key_examples() {
    let file = load("tokens.json");
    let view = vector_view(&file);
    let examples = file["ring"]["key_examples"]
        .as_array()
        .expect("key_examples");
    let (mut checked, skipped) = (0usize, 0usize);
    for example in examples {
        let id = example["id"].as_str().expect("id");
        let token = Token::Murmur3(as_i64(&example["token"]));
        let replicas = example["replicas"].as_object().expect("replicas");
        assert_eq!(replicas.len(), view.keyspaces().count(), "{id}");
        for (name, expected) in replicas {
            let expected = strings(expected);
            assert_eq!(
                addresses(view.replicas(name, &token)),
                expected,
                "{id} {name}"
            );
            if !example["key"].is_null() {
                let key = unhex(&example["key"]);
                assert_eq!(view.token(&key), Some(token.clone()), "{id}");
                assert_eq!(
                    addresses(view.replicas_for_key(name, &key)),
                    expected,
                    "{id} {name} by key"
                );
            }
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
