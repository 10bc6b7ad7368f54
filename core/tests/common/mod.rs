//! Shared helpers of the golden-vector tests: where the vectors live and how to load them.
#![allow(dead_code)]

pub mod cql_json;
pub mod tokens_json;

use std::path::PathBuf;

/// The directory holding the Python-driver golden vectors: `$CQL_VECTORS_DIR`, or
/// `../shared/vectors` next to the repository (where CI puts it).
pub fn vectors_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("CQL_VECTORS_DIR") {
        return PathBuf::from(dir);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors")
}

/// Loads one vector file as JSON; fails loudly when it is missing, since every vector
/// must be checked.
pub fn load(name: &str) -> serde_json::Value {
    let path = vectors_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read golden vectors {}: {e} (set CQL_VECTORS_DIR or put shared/ beside the repo)",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Decodes a lowercase hex string from a vector file.
pub fn unhex(s: &serde_json::Value) -> Vec<u8> {
    hex::decode(s.as_str().expect("hex string")).expect("valid hex")
}
