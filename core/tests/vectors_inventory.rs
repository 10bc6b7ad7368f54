//! Every section of every golden-vector file is claimed by a test file that consumes it.
//!
//! Each `vectors_*.rs` test asserts that every entry of its sections is checked or skipped
//! with a reason; this test makes sure no section (present or added later) is left without
//! such a test, and that the files' own `counts` agree with what they hold.

mod common;

use std::path::Path;

/// (vector file, section, test file that consumes it). Descriptive sections (`description`,
/// `generator`, `conventions`, `counts`, `driver_limitations`) are documentation.
const CLAIMS: &[(&str, &str, &str)] = &[
    ("types.json", "vectors", "vectors_types.rs"),
    ("types.json", "rejected", "vectors_types.rs"),
    ("types.json", "udts", "vectors_types.rs"),
    (
        "types.json",
        "driver_vector_element_fixed_size",
        "vectors_types.rs",
    ),
    ("frames.json", "requests", "vectors_frames.rs"),
    ("frames.json", "responses", "vectors_frames.rs"),
    ("frames.json", "rejected_responses", "vectors_frames.rs"),
    ("frames.json", "v5_segments", "vectors_segments.rs"),
    ("frames.json", "v5_crc_examples", "vectors_segments.rs"),
    ("compression.json", "vectors", "vectors_compression.rs"),
    ("tokens.json", "murmur3", "vectors_tokens.rs"),
    ("tokens.json", "random_partitioner_md5", "vectors_tokens.rs"),
    ("tokens.json", "ring", "vectors_tokens.rs"),
    ("dse.json", "geo", "vectors_dse_types.rs"),
    ("dse.json", "daterange", "vectors_dse_types.rs"),
    ("dse.json", "timeuuid", "vectors_dse_types.rs"),
    ("dse.json", "column_encryption", "vectors_dse_types.rs"),
    // `values` and `results` there; `requests` in vectors_graph_requests.rs (see
    // DSE_SUBSECTIONS).
    ("dse.json", "graphson", "vectors_graphson.rs"),
    // Each entry names its section; DSE_SUBSECTIONS says which test consumes it.
    ("dse.json", "rejected", "vectors_dse_types.rs"),
];

/// dse.json's `graphson` parts and the `section` of its `rejected` entries, each with the
/// test that consumes it.
const DSE_SUBSECTIONS: &[(&str, &str)] = &[
    ("geo", "vectors_dse_types.rs"),
    ("daterange", "vectors_dse_types.rs"),
    ("timeuuid", "vectors_dse_types.rs"),
    ("column_encryption", "vectors_dse_types.rs"),
    ("graphson.values", "vectors_graphson.rs"),
    ("graphson.results", "vectors_graphson.rs"),
    ("graphson.requests", "vectors_graph_requests.rs"),
];

const DOCUMENTATION: &[&str] = &[
    "description",
    "generator",
    "conventions",
    "counts",
    "driver_limitations",
    "notes",
];

#[test]
fn every_section_is_claimed_by_an_existing_test() {
    let tests_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    for file in [
        "types.json",
        "frames.json",
        "compression.json",
        "tokens.json",
        "dse.json",
    ] {
        let json = common::load(file);
        let sections = json.as_object().expect("a JSON object");
        for key in sections.keys() {
            if DOCUMENTATION.contains(&key.as_str()) {
                continue;
            }
            let claim = CLAIMS
                .iter()
                .find(|(f, s, _)| *f == file && s == key)
                .unwrap_or_else(|| panic!("{file}: section `{key}` is consumed by no test"));
            assert!(
                tests_dir.join(claim.2).exists(),
                "{file}: section `{key}` is claimed by {}, which does not exist",
                claim.2
            );
        }
        for (f, s, _) in CLAIMS.iter().filter(|(f, _, _)| *f == file) {
            assert!(sections.contains_key(*s), "{f}: expected section `{s}`");
        }
    }
}

#[test]
fn counts_match_contents() {
    let len = |file: &str, path: &[&str]| {
        let json = common::load(file);
        let mut v = &json;
        for p in path {
            v = &v[*p];
        }
        v.as_array().map_or(0, Vec::len)
    };
    let count =
        |file: &str, key: &str| common::load(file)["counts"][key].as_u64().unwrap() as usize;
    assert_eq!(
        len("types.json", &["vectors"]),
        count("types.json", "encoded") + count("types.json", "decode_only")
    );
    assert_eq!(
        len("types.json", &["rejected"]),
        count("types.json", "rejected")
    );
    for s in ["requests", "responses", "v5_segments", "rejected_responses"] {
        assert_eq!(len("frames.json", &[s]), count("frames.json", s), "{s}");
    }
    assert_eq!(
        len("compression.json", &["vectors"]),
        count("compression.json", "bodies")
    );
    assert_eq!(
        len("tokens.json", &["murmur3"]),
        count("tokens.json", "murmur3_tokens")
    );
    assert_eq!(
        len("tokens.json", &["random_partitioner_md5"]),
        count("tokens.json", "md5_tokens")
    );
}

#[test]
fn dse_graphson_parts_and_rejected_sections_are_claimed() {
    let tests_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let json = common::load("dse.json");
    let claimed = |section: &str| {
        let (_, test) = DSE_SUBSECTIONS
            .iter()
            .find(|(s, _)| *s == section)
            .unwrap_or_else(|| panic!("dse.json: `{section}` is consumed by no test"));
        assert!(tests_dir.join(test).exists(), "{test} does not exist");
    };
    for part in json["graphson"].as_object().unwrap().keys() {
        claimed(&format!("graphson.{part}"));
    }
    for entry in json["rejected"].as_array().unwrap() {
        claimed(entry["section"].as_str().unwrap());
    }
    let count = |key: &str| json["counts"][key].as_u64().unwrap() as usize;
    let len = |v: &serde_json::Value| v.as_array().map_or(0, Vec::len);
    assert_eq!(len(&json["geo"]), count("geo"));
    assert_eq!(len(&json["daterange"]), count("daterange"));
    assert_eq!(len(&json["graphson"]["values"]), count("graphson_values"));
    assert_eq!(len(&json["graphson"]["results"]), count("graphson_results"));
    assert_eq!(len(&json["graphson"]["requests"]), count("graph_requests"));
    assert_eq!(
        len(&json["column_encryption"]["vectors"]),
        count("column_encryption")
    );
    assert_eq!(len(&json["timeuuid"]["vectors"]), count("timeuuid"));
    assert_eq!(len(&json["rejected"]), count("rejected"));
}
