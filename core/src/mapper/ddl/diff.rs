//! What `sync_table` / `sync_type` run on an existing table or type: the statements that
//! add what the model declares and the server lacks (never dropping anything), or the
//! differences no statement can mend.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use super::literal::{self, Literal};
use super::{column_definition, create_index, index_target, qualified};
use crate::cluster::schema::model::{
    ClusteringOrder, ColumnKind, ColumnMetadata, IndexMetadata, OptionValue, TableMetadata,
    UserTypeMetadata,
};
use crate::mapper::model::{ColumnDef, IndexDef, IndexTarget, KeyRole, ModelSchema};
use crate::types::ColumnType;
use crate::types::cql_syntax::quote_identifier;

/// Why an existing table or type cannot be brought up to a model by adding to it: its
/// primary key, a column's kind or a column's type differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incompatible {
    /// The model (or user type) whose schema differs.
    pub model: String,
    /// Every difference, one sentence each (`column `age` is text in the table, int in
    /// the model`).
    pub differences: Vec<String>,
}

impl fmt::Display for Incompatible {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} does not match the existing schema: {}",
            self.model,
            self.differences.join("; ")
        )
    }
}

impl core::error::Error for Incompatible {}

/// The statements that bring `existing` up to the model: `ALTER TABLE .. ADD` for each
/// column it lacks, one `ALTER TABLE .. WITH` for the model's options whose value differs,
/// then `CREATE INDEX` for each declared index it lacks. Nothing is dropped: columns and
/// indexes the model does not declare are left alone, options it does not name are not
/// compared.
///
/// `keyspace` names the table's keyspace when the model does not (as for
/// [`create_table`](super::create_table)).
///
/// # Errors
/// [`Incompatible`], listing every difference, when the partition key, the clustering
/// columns or their order, a column's static-ness or a column's type (frozen-ness
/// included) differs.
pub fn diff_table(
    schema: &ModelSchema,
    keyspace: Option<&str>,
    existing: &TableMetadata,
) -> Result<Vec<String>, Incompatible> {
    let mut differences = key_differences(schema, existing);
    let table = schema.qualified_table(keyspace);
    let mut statements = Vec::new();
    for column in &schema.columns {
        match existing.column(&column.name) {
            // A key column the table lacks is reported by the key comparison.
            None if column.role.is_primary_key() => {}
            None => statements.push(format!(
                "ALTER TABLE {table} ADD {}",
                column_definition(column)
            )),
            Some(meta) => differences.extend(column_difference(column, meta)),
        }
    }
    let changed_options: Vec<String> = schema
        .options
        .iter()
        .filter(|(name, literal)| {
            !existing
                .options
                .get(name.to_ascii_lowercase().as_str())
                .is_some_and(|value| option_matches(value, literal))
        })
        .map(|(name, literal)| format!("{name} = {literal}"))
        .collect();
    if !changed_options.is_empty() {
        statements.push(format!(
            "ALTER TABLE {table} WITH {}",
            changed_options.join(" AND ")
        ));
    }
    for (i, column) in schema.columns.iter().enumerate() {
        let Some(index) = &column.index else {
            continue;
        };
        if existing
            .indexes
            .values()
            .any(|meta| index_matches(column, index, meta))
        {
            continue;
        }
        if let Some(meta) = index.name.as_deref().and_then(|n| existing.indexes.get(n)) {
            differences.push(format!(
                "index `{}` is on {} in the table, on {} in the model",
                meta.name,
                meta.target().unwrap_or("?"),
                index_description(column, index),
            ));
            continue;
        }
        statements.extend(create_index(schema, keyspace, i));
    }
    if differences.is_empty() {
        Ok(statements)
    } else {
        Err(Incompatible {
            model: schema.model_name.clone(),
            differences,
        })
    }
}

/// The statements that bring the user type `existing` up to `fields`: `ALTER TYPE .. ADD`
/// for each field it lacks. Fields the model does not declare are left alone.
///
/// # Errors
/// [`Incompatible`] (naming the type as its model) when a field has another type.
pub fn diff_type(
    keyspace: Option<&str>,
    name: &str,
    fields: &[(String, ColumnType)],
    existing: &UserTypeMetadata,
) -> Result<Vec<String>, Incompatible> {
    let qualified_name = qualified(keyspace, name);
    let mut statements = Vec::new();
    let mut differences = Vec::new();
    for (field, typ) in fields {
        match existing.fields.iter().find(|(f, _)| f == field) {
            None => statements.push(format!(
                "ALTER TYPE {qualified_name} ADD {} {typ}",
                quote_identifier(field)
            )),
            Some((_, text)) => {
                let same = ColumnType::parse_cql(text).is_ok_and(|t| same_type(&t, typ));
                if !same {
                    differences.push(format!(
                        "field `{field}` is {text} in the type, {typ} in the model"
                    ));
                }
            }
        }
    }
    if differences.is_empty() {
        Ok(statements)
    } else {
        Err(Incompatible {
            model: name.to_string(),
            differences,
        })
    }
}

/// `a, b` for the messages.
fn name_list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}

/// Differences of the partition key, the clustering columns and their order.
fn key_differences(schema: &ModelSchema, existing: &TableMetadata) -> Vec<String> {
    let mut out = Vec::new();
    let model_partition = schema.partition_key();
    let same_partition = model_partition
        .iter()
        .map(|(_, c)| c.name.as_str())
        .eq(existing.partition_key().map(|c| c.name.as_str()));
    if !same_partition {
        out.push(format!(
            "partition key is ({}) in the table, ({}) in the model",
            name_list(existing.partition_key().map(|c| c.name.as_str())),
            name_list(model_partition.iter().map(|(_, c)| c.name.as_str())),
        ));
    }
    let model_clustering = schema.clustering_key();
    let same_clustering = model_clustering
        .iter()
        .map(|(_, c)| c.name.as_str())
        .eq(existing.clustering_key().map(|c| c.name.as_str()));
    if !same_clustering {
        out.push(format!(
            "clustering columns are ({}) in the table, ({}) in the model",
            name_list(existing.clustering_key().map(|c| c.name.as_str())),
            name_list(model_clustering.iter().map(|(_, c)| c.name.as_str())),
        ));
        return out;
    }
    for ((_, model), meta) in model_clustering.iter().zip(existing.clustering_key()) {
        let model_desc = matches!(
            model.role,
            KeyRole::Clustering {
                descending: true,
                ..
            }
        );
        let table_desc = meta.clustering_order == ClusteringOrder::Desc;
        if model_desc != table_desc {
            let order = |desc: bool| if desc { "DESC" } else { "ASC" };
            out.push(format!(
                "clustering order of `{}` is {} in the table, {} in the model",
                model.name,
                order(table_desc),
                order(model_desc)
            ));
        }
    }
    out
}

/// How a difference names a column's kind.
fn kind_name(kind: ColumnKind) -> &'static str {
    match kind {
        ColumnKind::PartitionKey => "partition key",
        ColumnKind::Clustering => "clustering",
        ColumnKind::Static => "static",
        ColumnKind::Regular => "regular",
    }
}

/// The differences of one column present in both: static-ness (key roles are compared
/// with the keys), then type and frozen-ness.
fn column_difference(column: &ColumnDef, meta: &ColumnMetadata) -> Vec<String> {
    let mut out = Vec::new();
    let model_kind = match column.role {
        KeyRole::Static => Some(ColumnKind::Static),
        KeyRole::Regular => Some(ColumnKind::Regular),
        KeyRole::Partition(_) | KeyRole::Clustering { .. } => None,
    };
    if let Some(model_kind) = model_kind {
        if matches!(meta.kind, ColumnKind::Static | ColumnKind::Regular) && meta.kind != model_kind
        {
            out.push(format!(
                "column `{}` is {} in the table, {} in the model",
                column.name,
                kind_name(meta.kind),
                kind_name(model_kind)
            ));
        }
    }
    let parsed;
    let table_type = match &meta.column_type {
        Some(t) => t,
        None => match ColumnType::parse_cql(&meta.type_text) {
            Ok(t) => {
                parsed = t;
                &parsed
            }
            Err(e) => {
                out.push(format!(
                    "column `{}` has a type the driver cannot read in the table ({}: {e}), {} in the model",
                    column.name,
                    meta.type_text,
                    column.type_cql()
                ));
                return out;
            }
        },
    };
    let table_frozen = is_frozen_text(&meta.type_text);
    let table_multi_cell = !table_frozen && can_be_multi_cell(table_type);
    let model_multi_cell = !column.frozen && can_be_multi_cell(&column.column_type);
    if !same_type(table_type, &column.column_type) || table_multi_cell != model_multi_cell {
        out.push(format!(
            "column `{}` is {} in the table, {} in the model",
            column.name,
            meta.type_text,
            column.type_cql()
        ));
    }
    out
}

/// Whether a type text is written `frozen<..>`.
fn is_frozen_text(text: &str) -> bool {
    let t = text.trim_start();
    t.get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("frozen<"))
}

/// Whether a column of this type is stored cell by cell unless frozen.
fn can_be_multi_cell(t: &ColumnType) -> bool {
    matches!(
        t,
        ColumnType::List(_) | ColumnType::Set(_) | ColumnType::Map(..) | ColumnType::Udt { .. }
    )
}

/// Whether two types are the same CQL type; user types compare by name only (the
/// table's are parsed from text, with no fields or keyspace).
fn same_type(a: &ColumnType, b: &ColumnType) -> bool {
    match (a, b) {
        (ColumnType::Udt { name: x, .. }, ColumnType::Udt { name: y, .. }) => x == y,
        (ColumnType::List(x), ColumnType::List(y)) | (ColumnType::Set(x), ColumnType::Set(y)) => {
            same_type(x, y)
        }
        (ColumnType::Map(k1, v1), ColumnType::Map(k2, v2)) => {
            same_type(k1, k2) && same_type(v1, v2)
        }
        (ColumnType::Tuple(xs), ColumnType::Tuple(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| same_type(x, y))
        }
        (
            ColumnType::Vector {
                element: x,
                dimensions: m,
            },
            ColumnType::Vector {
                element: y,
                dimensions: n,
            },
        ) => m == n && same_type(x, y),
        _ => a == b,
    }
}

/// Whether the stored value of an option is the one the model's literal writes. A map
/// matches when every entry the model names has the same value (others are the server's
/// defaults); a `class` compares by its short name (`LeveledCompactionStrategy` is
/// `org.apache.cassandra.db.compaction.LeveledCompactionStrategy`). A literal this module
/// cannot read never matches (the option is then written again, which is harmless).
fn option_matches(stored: &OptionValue, literal: &str) -> bool {
    let Some(model) = literal::parse(literal) else {
        return false;
    };
    match (stored, model) {
        (OptionValue::Map(map), Literal::Map(entries)) => entries.iter().all(|(k, v)| {
            map.get(k.as_str()).is_some_and(|stored| {
                literal::scalars_equal(stored, v)
                    || (is_class_key(k) && short_class(stored) == short_class(v))
            })
        }),
        (OptionValue::Text(s), Literal::Scalar(v)) => literal::scalars_equal(s, &v),
        (OptionValue::Int(i), Literal::Scalar(v)) => literal::scalars_equal(&i.to_string(), &v),
        (OptionValue::Double(x), Literal::Scalar(v)) => literal::scalars_equal(&format!("{x}"), &v),
        (OptionValue::Bool(b), Literal::Scalar(v)) => literal::scalars_equal(&b.to_string(), &v),
        _ => false,
    }
}

/// Map keys naming a Java class (compaction, compression).
fn is_class_key(key: &str) -> bool {
    matches!(key, "class" | "sstable_compression")
}

/// A class name without its package.
fn short_class(class: &str) -> &str {
    class.rsplit('.').next().unwrap_or(class)
}

/// A stored index target (`v`, `"MyCol"`, `keys(m)`, `values("Tags")`) read back: what it
/// indexes and the column's name.
fn parse_target(target: &str) -> Option<(IndexTarget, String)> {
    let target = target.trim();
    let mut kind = IndexTarget::Values;
    let mut column = target;
    for (prefix, k) in [
        ("values(", IndexTarget::Values),
        ("keys(", IndexTarget::Keys),
        ("entries(", IndexTarget::Entries),
        ("full(", IndexTarget::Full),
    ] {
        let inner = target
            .get(..prefix.len())
            .filter(|p| p.eq_ignore_ascii_case(prefix))
            .and_then(|_| target.get(prefix.len()..))
            .and_then(|rest| rest.strip_suffix(')'));
        if let Some(inner) = inner {
            kind = k;
            column = inner.trim();
            break;
        }
    }
    let name = match column.strip_prefix('"').and_then(|c| c.strip_suffix('"')) {
        Some(quoted) => quoted.replace("\"\"", "\""),
        None => column.to_string(),
    };
    (!name.is_empty()).then_some((kind, name))
}

/// Whether the server's index serves the model's: same column, same target, and for a
/// custom index the same class. A model's built-in index is served by any index on its
/// target (a server may make its default index a storage-attached one).
fn index_matches(column: &ColumnDef, index: &IndexDef, meta: &IndexMetadata) -> bool {
    let Some((kind, name)) = meta.target().and_then(parse_target) else {
        return false;
    };
    if name != column.name || kind != index.target {
        return false;
    }
    match &index.custom_class {
        None => true,
        Some(class) => {
            meta.is_custom()
                && meta
                    .options
                    .get("class_name")
                    .is_some_and(|stored| same_index_class(stored, class))
        }
    }
}

/// Whether two index class names name the same class (`sai` is `StorageAttachedIndex`).
fn same_index_class(a: &str, b: &str) -> bool {
    let normal = |c: &str| {
        let short = short_class(c).to_ascii_lowercase();
        if short == "sai" {
            "storageattachedindex".to_string()
        } else {
            short
        }
    };
    a == b || normal(a) == normal(b)
}

/// The model's index for a message: its target, and its class when custom.
fn index_description(column: &ColumnDef, index: &IndexDef) -> String {
    let target = index_target(column, index.target);
    match &index.custom_class {
        Some(class) => format!("{target} using {class}"),
        None => target,
    }
}
