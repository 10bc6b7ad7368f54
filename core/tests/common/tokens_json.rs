//! Reading `tokens.json`'s ring section: token integers, replica lists and strategies.

use cql_core::cluster::replication::ReplicationStrategy;
use serde_json::Value;

/// A token written as a JSON integer.
pub fn as_i64(v: &Value) -> i64 {
    v.as_i64().expect("token is a JSON integer")
}

/// A JSON array of strings.
pub fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|s| s.as_str().expect("string").to_string())
        .collect()
}

/// A strategy entry (`class` and `options`) as a replication strategy.
pub fn strategy_of(spec: &Value) -> ReplicationStrategy {
    let class = spec["class"].as_str().expect("class").to_string();
    let mut options: Vec<(String, String)> = vec![("class".into(), class)];
    for (k, v) in spec["options"].as_object().expect("options") {
        options.push((k.clone(), v.as_str().expect("option value").to_string()));
    }
    ReplicationStrategy::from_replication_map(options).expect("strategy")
}
