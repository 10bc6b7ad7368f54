//! CREATE/ALTER/DROP TYPE, with Cassandra 4.1's checks and the propagation of a
//! changed type into the tables and types that use it.

use super::*;

fn type_display(keyspace: &str, name: &str) -> String {
    format!("{}.{}", quote_ident(keyspace), quote_ident(name))
}

pub(super) fn create_type(
    schema: &mut Schema,
    s: &CreateType,
    session: Option<&str>,
) -> CqlResult<Option<SchemaChange>> {
    let ks_name = keyspace_of(&s.name, session)?;
    authorize(&ks_name, Perm::Create, Resource::AllTables)?;
    check_modifiable(schema, &ks_name)?;
    let Some(keyspace) = schema.keyspaces.get_mut(&ks_name) else {
        return Err(missing_keyspace(&ks_name));
    };
    let type_name = &s.name.name;
    if keyspace.types.contains_key(type_name) {
        if s.if_not_exists {
            return Ok(None);
        }
        return Err(CqlError::invalid(format!(
            "A user type with name '{type_name}' already exists"
        )));
    }
    let mut seen = BTreeSet::new();
    for (f, _) in &s.fields {
        if !seen.insert(f.as_str()) {
            return Err(CqlError::invalid(format!(
                "Duplicate field name '{f}' in type '{type_name}'"
            )));
        }
    }
    for (_, ty) in &s.fields {
        check_field_type(ty)?;
    }
    let mut fields = Vec::with_capacity(s.fields.len());
    let mut frozen_fields = Vec::with_capacity(s.fields.len());
    for (f, ty) in &s.fields {
        let t = types::resolve(ty, &ks_name, &keyspace.types)?;
        fields.push((f.clone(), t.typ));
        frozen_fields.push(t.frozen);
    }
    keyspace.types.insert(
        type_name.clone(),
        UserType {
            keyspace: ks_name.clone(),
            name: type_name.clone(),
            fields,
            frozen_fields,
        },
    );
    Ok(change(
        SchemaChangeType::Created,
        type_target(&ks_name, type_name),
    ))
}

fn check_field_type(ty: &CqlType) -> CqlResult<()> {
    if *ty == CqlType::Native(NativeType::Counter) {
        return Err(CqlError::invalid("A user type cannot contain counters"));
    }
    if matches!(ty, CqlType::Udt(_)) {
        return Err(CqlError::invalid(
            "A user type cannot contain non-frozen UDTs",
        ));
    }
    Ok(())
}

pub(super) fn alter_type(
    schema: &mut Schema,
    s: &AlterType,
    session: Option<&str>,
) -> CqlResult<Option<SchemaChange>> {
    let ks_name = keyspace_of(&s.name, session)?;
    authorize(&ks_name, Perm::Alter, Resource::AllTables)?;
    check_modifiable(schema, &ks_name)?;
    let type_name = &s.name.name;
    let Some(keyspace) = schema.keyspaces.get(&ks_name) else {
        if s.if_exists {
            return Ok(None);
        }
        return Err(CqlError::invalid(format!(
            "Type {ks_name}.{type_name} doesn't exist"
        )));
    };
    let Some(before) = keyspace.types.get(type_name) else {
        if s.if_exists {
            return Ok(None);
        }
        return Err(CqlError::invalid(format!(
            "Type {ks_name}.{type_name} doesn't exist"
        )));
    };
    let display = type_display(&ks_name, type_name);
    let mut udt = before.clone();
    match &s.action {
        AlterTypeAction::Add {
            if_not_exists,
            field,
            ty,
        } => {
            if udt.fields.iter().any(|(f, _)| f == field) {
                if !*if_not_exists {
                    return Err(CqlError::invalid(format!(
                        "Cannot add field {field} to type {display}: a field with name {field} already exists"
                    )));
                }
            } else {
                check_field_type(ty)?;
                let t = types::resolve(ty, &ks_name, &keyspace.types)?;
                if types::references_udt(&t.typ, &ks_name, type_name) {
                    return Err(CqlError::invalid(format!(
                        "Cannot add new field {field} of type {ty} to user type {display} as it would create a circular reference"
                    )));
                }
                let in_pk: Vec<String> = keyspace
                    .tables
                    .values()
                    .filter(|t| {
                        t.partition_key()
                            .any(|c| types::references_udt(&c.typ, &ks_name, type_name))
                    })
                    .map(|t| table_display(&t.keyspace, &t.name))
                    .collect();
                if !in_pk.is_empty() {
                    return Err(CqlError::invalid(format!(
                        "Cannot add new field {field} of type {ty} to user type {display} as the type is being used in partition key by the following tables: {}",
                        in_pk.join(", ")
                    )));
                }
                udt.fields.push((field.clone(), t.typ));
                udt.frozen_fields.resize(udt.fields.len() - 1, true);
                udt.frozen_fields.push(t.frozen);
            }
        }
        AlterTypeAction::Rename { if_exists, renames } => {
            for (old, new) in renames {
                match udt.fields.iter_mut().find(|(f, _)| f == old) {
                    Some(entry) => entry.0 = new.clone(),
                    None if *if_exists => {}
                    None => {
                        return Err(CqlError::invalid(format!(
                            "Unkown field {old} in user type {display}"
                        )));
                    }
                }
            }
            let mut seen = BTreeSet::new();
            for (f, _) in &udt.fields {
                if !seen.insert(f.as_str()) {
                    // Cassandra's format string prints the keyspace where the type belongs.
                    return Err(CqlError::invalid(format!(
                        "Duplicate field name {f} in type {ks_name}"
                    )));
                }
            }
        }
    }
    if &udt == before {
        return Ok(None);
    }
    if let Some(ks) = schema.keyspaces.get_mut(&ks_name) {
        ks.types.insert(type_name.clone(), udt.clone());
        propagate_udt(ks, &udt);
    }
    Ok(change(
        SchemaChangeType::Updated,
        type_target(&ks_name, type_name),
    ))
}

/// Rewrites every use of `udt` in the keyspace's other types and tables.
fn propagate_udt(keyspace: &mut Keyspace, udt: &UserType) {
    // A type may nest another that nests `udt`: refresh until nothing changes (bounded by
    // the number of types).
    for _ in 0..=keyspace.types.len() {
        let snapshot = keyspace.types.clone();
        for other in keyspace.types.values_mut() {
            if other.name == udt.name {
                continue;
            }
            for (_, t) in &mut other.fields {
                types::refresh_udt(t, udt);
                for nested in snapshot.values() {
                    if nested.name != udt.name {
                        types::refresh_udt(t, nested);
                    }
                }
            }
        }
        if snapshot == keyspace.types {
            break;
        }
    }
    let all: Vec<UserType> = keyspace.types.values().cloned().collect();
    let views = keyspace.views.values_mut().map(|v| &mut v.table);
    for table in keyspace.tables.values_mut().chain(views) {
        for c in &mut table.columns {
            for t in &all {
                types::refresh_udt(&mut c.typ, t);
            }
        }
    }
}

pub(super) fn drop_type(
    schema: &mut Schema,
    name: &QualifiedName,
    if_exists: bool,
    session: Option<&str>,
) -> CqlResult<Option<SchemaChange>> {
    let ks_name = keyspace_of(name, session)?;
    authorize(&ks_name, Perm::Drop, Resource::AllTables)?;
    check_modifiable(schema, &ks_name)?;
    let type_name = &name.name;
    let Some(keyspace) = schema
        .keyspaces
        .get_mut(&ks_name)
        .filter(|k| k.types.contains_key(type_name))
    else {
        if if_exists {
            return Ok(None);
        }
        return Err(CqlError::invalid(format!(
            "Type '{ks_name}.{type_name}' doesn't exist"
        )));
    };
    let using_types: Vec<&str> = keyspace
        .types
        .values()
        .filter(|t| {
            t.name != *type_name
                && t.fields
                    .iter()
                    .any(|(_, ft)| types::references_udt(ft, &ks_name, type_name))
        })
        .map(|t| t.name.as_str())
        .collect();
    if !using_types.is_empty() {
        return Err(CqlError::invalid(format!(
            "Cannot drop user type '{ks_name}.{type_name}' as it is still used by user types {}",
            using_types.join(", ")
        )));
    }
    let using_tables: Vec<&str> = keyspace
        .tables
        .values()
        .filter(|t| {
            t.columns
                .iter()
                .any(|c| types::references_udt(&c.typ, &ks_name, type_name))
        })
        .map(|t| t.name.as_str())
        .collect();
    if !using_tables.is_empty() {
        return Err(CqlError::invalid(format!(
            "Cannot drop user type '{ks_name}.{type_name}' as it is still used by tables {}",
            using_tables.join(", ")
        )));
    }
    keyspace.types.remove(type_name);
    Ok(change(
        SchemaChangeType::Dropped,
        type_target(&ks_name, type_name),
    ))
}
