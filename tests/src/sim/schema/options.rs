//! `WITH` properties of keyspaces and tables: parsed, validated and normalised as
//! Cassandra 4.1 stores them in `system_schema`.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::model::TableOptions;
use crate::cql::ast::{Properties, PropertyValue};
use crate::sim::error::{CqlError, CqlResult};

/// The package of Cassandra's replication strategies.
pub const LOCATOR_PACKAGE: &str = "org.apache.cassandra.locator.";
/// `SimpleStrategy`'s full class name.
pub const SIMPLE_STRATEGY: &str = "org.apache.cassandra.locator.SimpleStrategy";
/// `NetworkTopologyStrategy`'s full class name.
pub const NETWORK_TOPOLOGY_STRATEGY: &str = "org.apache.cassandra.locator.NetworkTopologyStrategy";
/// `LocalStrategy`'s full class name (system keyspaces only).
pub const LOCAL_STRATEGY: &str = "org.apache.cassandra.locator.LocalStrategy";

/// The longest keyspace or table name Cassandra accepts.
pub const NAME_LENGTH: usize = 48;

/// Whether a keyspace or table name is valid: 1 to 48 word characters.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= NAME_LENGTH
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn unknown_property(name: &str) -> CqlError {
    CqlError::syntax(format!("Unknown property '{name}'"))
}

fn string_value(name: &str, value: &PropertyValue) -> CqlResult<String> {
    value.as_text().ok_or_else(|| {
        CqlError::syntax(format!(
            "Invalid value for property '{name}'. It should be a string"
        ))
    })
}

fn map_value(name: &str, value: &PropertyValue) -> CqlResult<Vec<(String, String)>> {
    value.as_text_map().ok_or_else(|| {
        CqlError::syntax(format!(
            "Invalid value for property '{name}'. It should be a map."
        ))
    })
}

fn bool_value(name: &str, value: &PropertyValue) -> CqlResult<bool> {
    let s = string_value(name, value)?;
    match s.to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(CqlError::syntax(format!(
            "Invalid boolean value {s} for '{name}'. Only 'true' and 'false' are allowed."
        ))),
    }
}

fn int_value(name: &str, value: &PropertyValue) -> CqlResult<i32> {
    let s = string_value(name, value)?;
    s.trim()
        .parse::<i32>()
        .map_err(|_| CqlError::syntax(format!("Invalid integer value {s} for '{name}'")))
}

fn double_value(name: &str, value: &PropertyValue) -> CqlResult<f64> {
    let s = string_value(name, value)?;
    s.trim()
        .parse::<f64>()
        .map_err(|_| CqlError::syntax(format!("Invalid double value {s} for '{name}'")))
}

/// What the node knows of the cluster when validating replication.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplicationContext {
    /// The cluster's datacenters. Empty: NetworkTopologyStrategy datacenters are not
    /// checked and `replication_factor` expands to `datacenter1`.
    pub datacenters: Vec<String>,
}

/// The keyspace properties of CREATE/ALTER KEYSPACE: the replication map (when given)
/// and `durable_writes` (when given).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyspaceProperties {
    /// The replication map as written, when given.
    pub replication: Option<Vec<(String, String)>>,
    /// `durable_writes`, when given.
    pub durable_writes: Option<bool>,
    /// DSE's `graph_engine` (`Core` or `Classic`), when given.
    pub graph_engine: Option<String>,
}

/// Reads CREATE/ALTER KEYSPACE properties; `dse_graph` accepts DSE 6.8's `graph_engine`.
///
/// # Errors
/// `SyntaxError` for unknown properties and values of the wrong shape; `ConfigError`
/// when the replication map has no `class` or the graph engine is unknown.
pub fn keyspace_properties(props: &Properties, dse_graph: bool) -> CqlResult<KeyspaceProperties> {
    let mut out = KeyspaceProperties::default();
    for (name, value) in &props.0 {
        match name.as_str() {
            "replication" => out.replication = Some(map_value(name, value)?),
            "durable_writes" => out.durable_writes = Some(bool_value(name, value)?),
            "graph_engine" if dse_graph => {
                out.graph_engine = Some(graph_engine(&string_value(name, value)?)?);
            }
            _ => return Err(unknown_property(name)),
        }
    }
    if let Some(r) = &out.replication {
        if !r.is_empty() && !r.iter().any(|(k, _)| k == "class") {
            return Err(CqlError::config("Missing replication strategy class"));
        }
    }
    Ok(out)
}

/// A DSE graph engine name in its canonical spelling (`Core`, `Classic`).
fn graph_engine(value: &str) -> CqlResult<String> {
    ["Core", "Classic"]
        .into_iter()
        .find(|e| e.eq_ignore_ascii_case(value))
        .map(str::to_string)
        .ok_or_else(|| {
            CqlError::config(format!(
                "Invalid graph engine '{value}'; valid engines are Core and Classic"
            ))
        })
}

/// Validates a replication map for `keyspace` and returns it as `system_schema` stores
/// it: `class` with the full class name, then the strategy's options.
///
/// # Errors
/// `ConfigError` for unknown strategies, unknown options or bad replication factors;
/// `Invalid` for LocalStrategy.
pub fn replication(
    options: &[(String, String)],
    keyspace: &str,
    ctx: &ReplicationContext,
) -> CqlResult<BTreeMap<String, String>> {
    let class = options
        .iter()
        .find(|(k, _)| k == "class")
        .map(|(_, v)| v.clone())
        .ok_or_else(|| CqlError::config("Missing replication strategy class"))?;
    let full = if class.contains('.') {
        class.clone()
    } else {
        format!("{LOCATOR_PACKAGE}{class}")
    };
    let rest: Vec<&(String, String)> = options.iter().filter(|(k, _)| k != "class").collect();
    let mut out = BTreeMap::new();
    match full.as_str() {
        SIMPLE_STRATEGY => {
            let unknown: Vec<&str> = rest
                .iter()
                .filter(|(k, _)| k != "replication_factor")
                .map(|(k, _)| k.as_str())
                .collect();
            if !unknown.is_empty() {
                return Err(unrecognized(&unknown, "SimpleStrategy", keyspace));
            }
            let Some((_, rf)) = rest.iter().find(|(k, _)| k == "replication_factor") else {
                return Err(CqlError::config(
                    "SimpleStrategy requires a replication_factor strategy option.",
                ));
            };
            validate_rf(rf)?;
            out.insert("replication_factor".to_string(), rf.clone());
        }
        NETWORK_TOPOLOGY_STRATEGY => {
            let mut default_rf = None;
            for (k, v) in &rest {
                if k == "replication_factor" {
                    validate_rf(v)?;
                    default_rf = Some(v.clone());
                }
            }
            if let Some(rf) = default_rf {
                let dcs = if ctx.datacenters.is_empty() {
                    vec!["datacenter1".to_string()]
                } else {
                    ctx.datacenters.clone()
                };
                for dc in dcs {
                    out.insert(dc, rf.clone());
                }
            }
            let mut unknown = Vec::new();
            for (k, v) in &rest {
                if k == "replication_factor" {
                    continue;
                }
                if !ctx.datacenters.is_empty() && !ctx.datacenters.contains(k) {
                    unknown.push(k.as_str());
                }
                out.insert(k.clone(), v.clone());
            }
            if !unknown.is_empty() {
                return Err(unrecognized(&unknown, "NetworkTopologyStrategy", keyspace));
            }
            for v in out.values() {
                validate_rf(v)?;
            }
        }
        LOCAL_STRATEGY => {
            return Err(CqlError::invalid(
                "Unable to use given strategy class: LocalStrategy is reserved for internal use.",
            ));
        }
        _ => {
            return Err(CqlError::config(format!(
                "Unable to find replication strategy class '{full}'"
            )));
        }
    }
    out.insert("class".to_string(), full);
    Ok(out)
}

fn unrecognized(options: &[&str], strategy: &str, keyspace: &str) -> CqlError {
    CqlError::config(format!(
        "Unrecognized strategy option {{{}}} passed to {strategy} for keyspace {keyspace}",
        options.join(", ")
    ))
}

fn validate_rf(rf: &str) -> CqlResult<()> {
    if rf.contains('/') {
        return Err(CqlError::config(
            "Transient replication is disabled. Enable in cassandra.yaml to use.",
        ));
    }
    let n: i64 = rf
        .trim()
        .parse()
        .map_err(|_| CqlError::config(format!("For input string: \"{rf}\"")))?;
    if n < 0 {
        return Err(CqlError::config(format!(
            "Replication factor must be non-negative, found {n}"
        )));
    }
    Ok(())
}

/// The smallest `bloom_filter_fp_chance` Cassandra accepts (exclusive).
const MIN_BLOOM_FILTER_FP_CHANCE: f64 = 6.71e-05;
/// The longest TTL, in seconds (20 years).
pub const MAX_TTL: i32 = 630_720_000;

/// Applies table `WITH` properties onto `opts` (CREATE: onto the defaults; ALTER: onto the
/// table's current options). Returns the `id` property when given (CREATE only).
///
/// # Errors
/// `SyntaxError` for unknown properties and malformed values; `ConfigError` for values
/// Cassandra refuses (out of range, unknown classes, bad sub-options).
pub fn apply_table_properties(
    opts: &mut TableOptions,
    props: &Properties,
    creating: bool,
) -> CqlResult<Option<Uuid>> {
    let mut id = None;
    for (name, value) in &props.0 {
        match name.as_str() {
            "bloom_filter_fp_chance" => opts.bloom_filter_fp_chance = double_value(name, value)?,
            "crc_check_chance" => opts.crc_check_chance = double_value(name, value)?,
            "comment" => opts.comment = string_value(name, value)?,
            "cdc" => opts.cdc = bool_value(name, value)?,
            "default_time_to_live" => opts.default_time_to_live = int_value(name, value)?,
            "gc_grace_seconds" => opts.gc_grace_seconds = int_value(name, value)?,
            "max_index_interval" => opts.max_index_interval = int_value(name, value)?,
            "min_index_interval" => opts.min_index_interval = int_value(name, value)?,
            "memtable_flush_period_in_ms" => {
                opts.memtable_flush_period_in_ms = int_value(name, value)?;
            }
            "read_repair" => {
                let v = string_value(name, value)?.to_ascii_uppercase();
                if v != "BLOCKING" && v != "NONE" {
                    return Err(CqlError::config(format!(
                        "Invalid value {v} for option 'read_repair'"
                    )));
                }
                opts.read_repair = v;
            }
            "speculative_retry" => opts.speculative_retry = retry_policy(name, value)?,
            "additional_write_policy" => opts.additional_write_policy = retry_policy(name, value)?,
            "caching" => opts.caching = caching(&map_value(name, value)?)?,
            "compaction" => opts.compaction = compaction(&map_value(name, value)?)?,
            "compression" => opts.compression = compression(&map_value(name, value)?)?,
            "extensions" => {
                map_value(name, value)?;
            }
            "memtable" => {
                string_value(name, value)?;
            }
            // Obsolete since 4.0; accepted and ignored.
            "read_repair_chance" | "dclocal_read_repair_chance" => {
                double_value(name, value)?;
            }
            "id" => {
                if !creating {
                    return Err(CqlError::config("Cannot alter table id."));
                }
                let s = string_value(name, value)?;
                id = Some(
                    Uuid::parse_str(&s)
                        .map_err(|_| CqlError::config(format!("Invalid table id {s}")))?,
                );
            }
            _ => return Err(unknown_property(name)),
        }
    }
    validate_table_options(opts)?;
    Ok(id)
}

fn retry_policy(name: &str, value: &PropertyValue) -> CqlResult<String> {
    let raw = string_value(name, value)?;
    let s = raw.trim().to_ascii_uppercase();
    let invalid = || CqlError::config(format!("Invalid value {raw} for option '{name}'"));
    let number = |n: &str| n.trim().parse::<f64>().ok().filter(|v| *v >= 0.0);
    if s == "ALWAYS" || s == "NEVER" {
        return Ok(s);
    }
    if s == "NONE" {
        return Ok("NEVER".to_string());
    }
    if let Some(n) = s.strip_suffix("PERCENTILE").or_else(|| s.strip_suffix('P')) {
        let v = number(n).filter(|v| *v <= 100.0).ok_or_else(invalid)?;
        return Ok(format!("{}p", trim_float(v)));
    }
    if let Some(n) = s.strip_suffix("MS") {
        let v = number(n).ok_or_else(invalid)?;
        return Ok(format!("{}ms", trim_float(v)));
    }
    Err(invalid())
}

fn trim_float(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn caching(entries: &[(String, String)]) -> CqlResult<BTreeMap<String, String>> {
    let mut out = BTreeMap::from([
        ("keys".to_string(), "ALL".to_string()),
        ("rows_per_partition".to_string(), "NONE".to_string()),
    ]);
    let unknown: Vec<&str> = entries
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| *k != "keys" && *k != "rows_per_partition")
        .collect();
    if !unknown.is_empty() {
        return Err(CqlError::config(format!(
            "Invalid caching sub-options [{}]: only 'keys' and 'rows_per_partition' are allowed",
            unknown.join(", ")
        )));
    }
    for (k, v) in entries {
        let upper = v.to_ascii_uppercase();
        if k == "keys" {
            if upper != "ALL" && upper != "NONE" {
                return Err(CqlError::config(format!(
                    "Invalid value '{v}' for caching sub-option 'keys': only 'ALL' and 'NONE' are allowed"
                )));
            }
            out.insert(k.clone(), upper);
        } else {
            let ok = upper == "ALL" || upper == "NONE" || v.parse::<u32>().is_ok_and(|n| n > 0);
            if !ok {
                return Err(CqlError::config(format!(
                    "Invalid value '{v}' for caching sub-option 'rows_per_partition': only 'ALL', 'NONE' or a positive integer are allowed"
                )));
            }
            out.insert(
                k.clone(),
                if upper == "ALL" || upper == "NONE" {
                    upper
                } else {
                    v.clone()
                },
            );
        }
    }
    Ok(out)
}

const COMPACTION_PACKAGE: &str = "org.apache.cassandra.db.compaction.";
const COMPACTION_CLASSES: [&str; 3] = [
    "SizeTieredCompactionStrategy",
    "LeveledCompactionStrategy",
    "TimeWindowCompactionStrategy",
];

fn compaction(entries: &[(String, String)]) -> CqlResult<BTreeMap<String, String>> {
    let Some((_, class)) = entries.iter().find(|(k, _)| k == "class") else {
        return Err(CqlError::config(
            "Missing sub-option 'class' for the 'compaction' option.",
        ));
    };
    let full = if class.contains('.') {
        class.clone()
    } else {
        format!("{COMPACTION_PACKAGE}{class}")
    };
    let known = COMPACTION_CLASSES
        .iter()
        .any(|c| full == format!("{COMPACTION_PACKAGE}{c}"));
    if !known && full.starts_with(COMPACTION_PACKAGE) {
        return Err(CqlError::config(format!(
            "Unable to find compaction strategy class '{full}'"
        )));
    }
    let mut out = BTreeMap::from([
        ("max_threshold".to_string(), "32".to_string()),
        ("min_threshold".to_string(), "4".to_string()),
    ]);
    for (k, v) in entries {
        out.insert(k.clone(), v.clone());
    }
    out.insert("class".to_string(), full);
    Ok(out)
}

const COMPRESSION_PACKAGE: &str = "org.apache.cassandra.io.compress.";
const COMPRESSION_CLASSES: [&str; 5] = [
    "LZ4Compressor",
    "SnappyCompressor",
    "DeflateCompressor",
    "ZstdCompressor",
    "NoopCompressor",
];

/// `CompressionParams.fromMap`: an empty map, or `enabled` not `true` (Java's
/// `Boolean.parseBoolean`), disables compression, stored as `{'enabled': 'false'}`.
fn compression(entries: &[(String, String)]) -> CqlResult<BTreeMap<String, String>> {
    let enabled = entries
        .iter()
        .find(|(k, _)| k == "enabled")
        .is_none_or(|(_, v)| v.eq_ignore_ascii_case("true"));
    let class = entries
        .iter()
        .find(|(k, _)| k == "class" || k == "sstable_compression")
        .map(|(_, v)| v.clone());
    if !entries.is_empty() && enabled && class.is_none() {
        return Err(CqlError::config(
            "Missing sub-option 'class' for the 'compression' option.",
        ));
    }
    if !enabled && entries.iter().any(|(k, _)| k != "enabled") {
        return Err(CqlError::config(
            "If the 'enabled' option is set to false no other options must be specified",
        ));
    }
    let Some(class) = class.filter(|_| enabled) else {
        return Ok(BTreeMap::from([(
            "enabled".to_string(),
            "false".to_string(),
        )]));
    };
    if class.is_empty() {
        return Err(CqlError::config(
            "The 'class' option must not be empty. To disable compression use 'enabled' : false",
        ));
    }
    let full = if class.contains('.') {
        class
    } else {
        format!("{COMPRESSION_PACKAGE}{class}")
    };
    let known = COMPRESSION_CLASSES
        .iter()
        .any(|c| full == format!("{COMPRESSION_PACKAGE}{c}"));
    if !known && full.starts_with(COMPRESSION_PACKAGE) {
        return Err(CqlError::config(format!(
            "Could not create Compression for type {full}"
        )));
    }
    let mut out = BTreeMap::from([("chunk_length_in_kb".to_string(), "16".to_string())]);
    for (k, v) in entries {
        match k.as_str() {
            "class" | "sstable_compression" | "enabled" => {}
            "chunk_length_in_kb" | "chunk_length_kb" => {
                let n: u32 = v.parse().map_err(|_| {
                    CqlError::config(format!("Invalid value for chunk_length_in_kb: {v}"))
                })?;
                if n == 0 || !n.is_power_of_two() {
                    return Err(CqlError::config(format!(
                        "chunk_length_in_kb must be a power of 2, got {n}"
                    )));
                }
                out.insert("chunk_length_in_kb".to_string(), v.clone());
            }
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    out.insert("class".to_string(), full);
    Ok(out)
}

/// A double as Java's `Double.toString` writes it (`2.0`, `0.5`, `6.71E-5`).
pub fn java_double(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 || (1e-3..1e7).contains(&a) {
        if v.fract() == 0.0 {
            format!("{v:.1}")
        } else {
            format!("{v}")
        }
    } else if !v.is_finite() {
        if v.is_nan() {
            "NaN".to_string()
        } else if v > 0.0 {
            "Infinity".to_string()
        } else {
            "-Infinity".to_string()
        }
    } else {
        let s = format!("{v:E}");
        match s.split_once('E') {
            Some((m, e)) if !m.contains('.') => format!("{m}.0E{e}"),
            _ => s,
        }
    }
}

fn validate_table_options(o: &TableOptions) -> CqlResult<()> {
    let fail = |m: String| Err(CqlError::config(m));
    if o.bloom_filter_fp_chance <= MIN_BLOOM_FILTER_FP_CHANCE || o.bloom_filter_fp_chance > 1.0 {
        return fail(format!(
            "bloom_filter_fp_chance must be larger than {} and less than or equal to 1.0 (got {})",
            java_double(MIN_BLOOM_FILTER_FP_CHANCE),
            java_double(o.bloom_filter_fp_chance)
        ));
    }
    if !(0.0..=1.0).contains(&o.crc_check_chance) {
        return fail(format!(
            "crc_check_chance must be larger than or equal to 0 and smaller than or equal to 1.0 (got {})",
            java_double(o.crc_check_chance)
        ));
    }
    if o.default_time_to_live < 0 {
        return fail(format!(
            "default_time_to_live must be greater than or equal to 0 (got {})",
            o.default_time_to_live
        ));
    }
    if o.default_time_to_live > MAX_TTL {
        return fail(format!(
            "default_time_to_live must be less than or equal to {MAX_TTL} (got {})",
            o.default_time_to_live
        ));
    }
    if o.gc_grace_seconds < 0 {
        return fail(format!(
            "gc_grace_seconds must be greater than or equal to 0 (got {})",
            o.gc_grace_seconds
        ));
    }
    if o.min_index_interval < 1 {
        return fail(format!(
            "min_index_interval must be greater than or equal to 1 (got {})",
            o.min_index_interval
        ));
    }
    if o.max_index_interval < o.min_index_interval {
        return fail(format!(
            "max_index_interval must be greater than or equal to min_index_interval ({}) (got {})",
            o.min_index_interval, o.max_index_interval
        ));
    }
    if o.memtable_flush_period_in_ms < 0 {
        return fail(format!(
            "memtable_flush_period_in_ms must be greater than or equal to 0 (got {})",
            o.memtable_flush_period_in_ms
        ));
    }
    Ok(())
}
