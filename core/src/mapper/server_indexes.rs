//! The indexes a table has on the server but its model does not declare (made by hand,
//! or by another application): query checks count them, so a query they serve is not
//! refused for want of ALLOW FILTERING.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::model::{IndexDef, IndexTarget, ModelSchema};
use crate::cluster::schema::{IndexMetadata, TableMetadata};

/// `schema` with an [`IndexDef`] added to each column that has none declared but has an
/// index in `table` (the first such index).
pub fn with_server_indexes(schema: &ModelSchema, table: &TableMetadata) -> ModelSchema {
    let mut out = schema.clone();
    for index in table.indexes.values() {
        let Some((column, target)) = index.target().and_then(parse_target) else {
            continue;
        };
        if let Some(c) = out
            .columns
            .iter_mut()
            .find(|c| c.name == column && c.index.is_none())
        {
            c.index = Some(index_def(index, target));
        }
    }
    out
}

/// The declaration an existing index amounts to.
fn index_def(index: &IndexMetadata, target: IndexTarget) -> IndexDef {
    IndexDef {
        name: Some(index.name.clone()),
        target,
        custom_class: index
            .is_custom()
            .then(|| index.options.get("class_name").cloned())
            .flatten(),
        options: index
            .options
            .iter()
            .filter(|(k, _)| *k != "target" && *k != "class_name")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<Vec<_>>(),
    }
}

/// The column and kind of an index target: `c`, `"C"`, `values(c)`, `keys(c)`,
/// `entries(c)`, `full(c)`.
fn parse_target(target: &str) -> Option<(String, IndexTarget)> {
    let target = target.trim();
    for (prefix, kind) in [
        ("values(", IndexTarget::Values),
        ("keys(", IndexTarget::Keys),
        ("entries(", IndexTarget::Entries),
        ("full(", IndexTarget::Full),
    ] {
        if let Some(inner) = target
            .strip_prefix(prefix)
            .and_then(|t| t.strip_suffix(')'))
        {
            return Some((unquote(inner.trim()), kind));
        }
    }
    (!target.is_empty()).then(|| (unquote(target), IndexTarget::Values))
}

/// A column name as the schema tables store it in a target: double-quoted when it needs
/// quoting (quotes doubled inside).
fn unquote(name: &str) -> String {
    match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapper::{ColumnDef, KeyRole};
    use crate::types::ColumnType;

    #[test]
    fn targets_name_their_column_and_kind() {
        assert_eq!(parse_target("v"), Some(("v".into(), IndexTarget::Values)));
        assert_eq!(
            parse_target("keys(m)"),
            Some(("m".into(), IndexTarget::Keys))
        );
        assert_eq!(
            parse_target("entries(\"Map\")"),
            Some(("Map".into(), IndexTarget::Entries))
        );
        assert_eq!(
            parse_target("full(f)"),
            Some(("f".into(), IndexTarget::Full))
        );
        assert_eq!(
            parse_target("values(s)"),
            Some(("s".into(), IndexTarget::Values))
        );
        assert_eq!(
            parse_target("\"a\"\"b\""),
            Some(("a\"b".into(), IndexTarget::Values))
        );
        assert_eq!(parse_target(""), None);
    }

    #[test]
    fn undeclared_server_indexes_are_added_and_declared_ones_kept() {
        let mut schema = ModelSchema::new("M", "t");
        let mut id = ColumnDef::new("id", ColumnType::Int);
        id.role = KeyRole::Partition(0);
        let mut declared = ColumnDef::new("a", ColumnType::Text);
        declared.index = Some(IndexDef::default());
        schema.columns = alloc::vec![id, declared, ColumnDef::new("b", ColumnType::Text)];
        let mut table = TableMetadata::default();
        for (name, target, class) in [
            ("t_a_idx", "a", None),
            (
                "b_sasi",
                "b",
                Some("org.apache.cassandra.index.sasi.SASIIndex"),
            ),
        ] {
            let mut index = IndexMetadata {
                name: name.into(),
                kind: if class.is_some() {
                    "CUSTOM"
                } else {
                    "COMPOSITES"
                }
                .into(),
                ..IndexMetadata::default()
            };
            index.options.insert("target".into(), target.into());
            if let Some(class) = class {
                index.options.insert("class_name".into(), class.into());
                index.options.insert("mode".into(), "CONTAINS".into());
            }
            table.indexes.insert(name.into(), index);
        }
        let merged = with_server_indexes(&schema, &table);
        assert_eq!(merged.columns[1].index, Some(IndexDef::default()));
        let b = merged.columns[2].index.as_ref().unwrap();
        assert!(b.supports_like());
        assert_eq!(b.name.as_deref(), Some("b_sasi"));
        assert_eq!(b.options, [("mode".to_string(), "CONTAINS".to_string())]);
        assert!(merged.columns[0].index.is_none());
    }
}
