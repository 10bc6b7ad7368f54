//! CREATE/DROP INDEX (secondary and custom indexes), with Cassandra 4.1's checks and
//! default index names.

use super::*;

fn keyspace_has_index(keyspace: &Keyspace, name: &str) -> bool {
    keyspace
        .tables
        .values()
        .any(|t| t.indexes.contains_key(name))
}

/// The default name of an index on `column` of `table`: `<table>_<column>_idx` without
/// non-word characters, suffixed `_1`, `_2`, ... when taken.
pub fn default_index_name(keyspace: &Keyspace, table: &str, column: &str) -> String {
    let base: String = format!("{table}_{column}_idx")
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if !keyspace_has_index(keyspace, &base) {
        return base;
    }
    (1..)
        .map(|i| format!("{base}_{i}"))
        .find(|n| !keyspace_has_index(keyspace, n))
        .unwrap_or(base)
}

pub(super) fn create_index(
    schema: &mut Schema,
    s: &CreateIndex,
    session: Option<&str>,
) -> CqlResult<Option<SchemaChange>> {
    let ks_name = keyspace_of(&s.table, session)?;
    let t_name = &s.table.name;
    authorize(&ks_name, Perm::Alter, Resource::Table(t_name))?;
    check_modifiable(schema, &ks_name)?;

    let mut custom_options = BTreeMap::new();
    for (name, value) in &s.properties.0 {
        if s.custom_class.is_none() {
            return Err(CqlError::invalid(
                "Cannot specify options for a non-CUSTOM index",
            ));
        }
        if name != "options" {
            return Err(CqlError::syntax(format!("Unknown property '{name}'")));
        }
        let Some(map) = value.as_text_map() else {
            return Err(CqlError::syntax(
                "Invalid value for property 'options'. It should be a map.",
            ));
        };
        for (k, v) in map {
            if k == "class_name" || k == "target" {
                return Err(CqlError::invalid(format!(
                    "Cannot specify {k} as a CUSTOM option"
                )));
            }
            custom_options.insert(k, v);
        }
    }

    let Some(keyspace) = schema.keyspaces.get(&ks_name) else {
        return Err(missing_keyspace(&ks_name));
    };
    if keyspace.views.contains_key(t_name) {
        return Err(CqlError::invalid(
            "Secondary indexes are not supported on materialized views",
        ));
    }
    let Some(table) = keyspace.tables.get(t_name) else {
        return Err(CqlError::invalid(format!("Table '{t_name}' doesn't exist")));
    };
    if let Some(name) = &s.name {
        if keyspace_has_index(keyspace, name) {
            if s.if_not_exists {
                return Ok(None);
            }
            return Err(CqlError::invalid(format!("Index '{name}' already exists")));
        }
    }
    if table.columns.iter().any(|c| c.typ == ColumnType::Counter) {
        return Err(CqlError::invalid(
            "Secondary indexes on counter tables aren't supported",
        ));
    }
    let Some(column) = table.column(&s.column) else {
        return Err(CqlError::invalid(format!(
            "Undefined column name {} in table {}",
            quote_ident(&s.column),
            table_display(&ks_name, t_name)
        )));
    };
    let is_coll = types::is_collection(&column.typ);
    let kind = if s.kind == IndexKind::Simple && is_coll {
        IndexKind::Values
    } else {
        s.kind
    };
    validate_index_target(table, column, kind)?;
    if s.custom_class.as_deref() == Some(super::SASI_CLASS) {
        validate_sasi(column, custom_options.get("mode").map(String::as_str))?;
    }

    let quoted = quote_ident(&column.name);
    let target = match kind {
        IndexKind::Simple => quoted,
        IndexKind::Keys => format!("keys({quoted})"),
        IndexKind::Values => format!("values({quoted})"),
        IndexKind::Entries => format!("entries({quoted})"),
        IndexKind::Full => format!("full({quoted})"),
    };
    let name = match &s.name {
        Some(n) => n.clone(),
        None => default_index_name(keyspace, t_name, &column.name),
    };
    let mut index_options = custom_options;
    index_options.insert("target".to_string(), target);
    let index_kind = match &s.custom_class {
        Some(class) => {
            index_options.insert("class_name".to_string(), class.clone());
            "CUSTOM"
        }
        None => "COMPOSITES",
    };
    let index = Index {
        name: name.clone(),
        kind: index_kind.to_string(),
        options: index_options,
    };
    if let Some(existing) = table
        .indexes
        .values()
        .find(|i| i.kind == index.kind && i.options == index.options)
    {
        if s.if_not_exists {
            return Ok(None);
        }
        return Err(CqlError::invalid(format!(
            "Index {name} is a duplicate of existing index {}",
            existing.name
        )));
    }
    if let Some(t) = schema
        .keyspaces
        .get_mut(&ks_name)
        .and_then(|k| k.tables.get_mut(t_name))
    {
        t.indexes.insert(name, index);
    }
    Ok(change(
        SchemaChangeType::Updated,
        table_target(&ks_name, t_name),
    ))
}

fn index_kind_name(kind: IndexKind) -> &'static str {
    match kind {
        IndexKind::Simple => "simple",
        IndexKind::Keys => "keys",
        IndexKind::Values => "values",
        IndexKind::Entries => "entries",
        IndexKind::Full => "full",
    }
}

fn validate_index_target(table: &Table, column: &Column, kind: IndexKind) -> CqlResult<()> {
    let c = &column.name;
    let typ = &column.typ;
    if types::references_duration(typ) {
        let msg = match typ {
            ColumnType::List(_) | ColumnType::Set(_) | ColumnType::Map(..) => {
                "Secondary indexes are not supported on collections containing durations"
            }
            ColumnType::Tuple(_) => {
                "Secondary indexes are not supported on tuples containing durations"
            }
            ColumnType::Udt { .. } => {
                "Secondary indexes are not supported on UDTs containing durations"
            }
            _ => "Secondary indexes are not supported on duration columns",
        };
        return Err(CqlError::invalid(msg));
    }
    if column.kind == ColumnKind::PartitionKey && table.partition_key().count() == 1 {
        return Err(CqlError::invalid(format!(
            "Cannot create secondary index on the only partition key column {c}"
        )));
    }
    let is_coll = types::is_collection(typ);
    let frozen_coll = is_coll && column.frozen;
    let k = index_kind_name(kind);
    if frozen_coll && kind != IndexKind::Full {
        return Err(CqlError::invalid(format!(
            "Cannot create {k}() index on frozen column {c}. Frozen collections are immutable and must be fully indexed by using the 'full({c})' modifier"
        )));
    }
    if !frozen_coll && kind == IndexKind::Full {
        return Err(CqlError::invalid(
            "full() indexes can only be created on frozen collections",
        ));
    }
    if !is_coll && kind != IndexKind::Simple {
        return Err(CqlError::invalid(format!(
            "Cannot create {k}() index on {c}. Non-collection columns only support simple indexes"
        )));
    }
    let multi_cell_map = matches!(typ, ColumnType::Map(..)) && !column.frozen;
    if !multi_cell_map && matches!(kind, IndexKind::Keys | IndexKind::Entries) {
        return Err(CqlError::invalid(format!(
            "Cannot create index on {k} of column {c} with non-map type"
        )));
    }
    if matches!(typ, ColumnType::Udt { .. }) && !column.frozen {
        return Err(CqlError::invalid(format!(
            "Cannot create index on non-frozen UDT column {c}"
        )));
    }
    Ok(())
}

/// `SASIIndex.validateOptions`: simple columns outside the partition key, SPARSE mode
/// for non-text columns only.
fn validate_sasi(column: &Column, mode: Option<&str>) -> CqlResult<()> {
    let complex = !column.frozen
        && matches!(
            column.typ,
            ColumnType::List(_) | ColumnType::Set(_) | ColumnType::Map(..) | ColumnType::Udt { .. }
        );
    if complex {
        return Err(CqlError::config(
            "complex columns are not yet supported by SASI",
        ));
    }
    if column.kind == ColumnKind::PartitionKey {
        return Err(CqlError::config(
            "partition key columns are not yet supported by SASI",
        ));
    }
    let literal = matches!(column.typ, ColumnType::Text | ColumnType::Ascii);
    if literal && mode.is_some_and(|m| m.eq_ignore_ascii_case("sparse")) {
        return Err(CqlError::config(
            "SPARSE mode is only supported on non-literal columns.",
        ));
    }
    Ok(())
}

pub(super) fn drop_index(
    schema: &mut Schema,
    name: &QualifiedName,
    if_exists: bool,
    session: Option<&str>,
) -> CqlResult<Option<SchemaChange>> {
    let ks_name = keyspace_of(name, session)?;
    let table_name = schema.keyspace(&ks_name).and_then(|k| {
        k.tables
            .values()
            .find(|t| t.indexes.contains_key(&name.name))
            .map(|t| t.name.clone())
    });
    if let Some(t) = &table_name {
        authorize(&ks_name, Perm::Alter, Resource::Table(t))?;
    }
    check_modifiable(schema, &ks_name)?;
    let Some(table_name) = table_name else {
        if if_exists {
            return Ok(None);
        }
        // Cassandra's wording, stray quote included.
        return Err(CqlError::invalid(format!(
            "Index '{ks_name}.{}' doesn't exist'",
            name.name
        )));
    };
    if let Some(t) = schema
        .keyspaces
        .get_mut(&ks_name)
        .and_then(|k| k.tables.get_mut(&table_name))
    {
        t.indexes.remove(&name.name);
    }
    Ok(change(
        SchemaChangeType::Updated,
        table_target(&ks_name, &table_name),
    ))
}
