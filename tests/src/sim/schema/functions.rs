//! CREATE/DROP FUNCTION with Cassandra 4.1's checks and wording
//! (`CreateFunctionStatement`, `DropFunctionStatement`).

use cql_core::message::{SchemaChange, SchemaChangeTarget, SchemaChangeType};
use cql_core::types::ColumnType;

use super::ddl::{change, check_modifiable, keyspace_of, missing_keyspace};
use super::features::SchemaFeatures;
use super::{FunctionKey, Keyspace, Schema, UserFunction, function_type_string, types};
use crate::cql::ast::{CqlType, CreateFunction, DropFunction, QualifiedName};
use crate::sim::error::{CqlError, CqlResult};

/// The languages a function body may be written in.
const LANGUAGES: [&str; 2] = ["java", "javascript"];

/// `UDFunction.assertUdfsEnabled`.
fn assert_enabled(features: &SchemaFeatures, language: &str) -> CqlResult<()> {
    if !features.user_defined_functions {
        return Err(CqlError::invalid(
            "User-defined functions are disabled in cassandra.yaml - set user_defined_functions_enabled=true to enable",
        ));
    }
    if !language.eq_ignore_ascii_case("java") && !features.scripted_user_defined_functions {
        return Err(CqlError::invalid(
            "Scripted user-defined functions are disabled in cassandra.yaml - set scripted_user_defined_functions_enabled=true to enable if you are aware of the security risks",
        ));
    }
    Ok(())
}

/// Refuses `frozen<>` around an argument type (`what` is `Argument`, `Return type` or
/// `State type`); tuples are frozen by nature and pass when `tuples_pass`.
pub(super) fn refuse_frozen(what: &str, t: &CqlType, tuples_pass: bool) -> CqlResult<()> {
    let CqlType::Frozen(inner) = t else {
        return Ok(());
    };
    if tuples_pass && matches!(**inner, CqlType::Tuple(_)) {
        return Ok(());
    }
    Err(CqlError::invalid(format!(
        "{what} '{t}' cannot be frozen; remove frozen<> modifier from '{t}'"
    )))
}

/// A function argument, return or state type resolved in `keyspace`.
pub(super) fn resolve(t: &CqlType, keyspace: &Keyspace) -> CqlResult<ColumnType> {
    Ok(types::resolve(t, &keyspace.name, &keyspace.types)?.typ)
}

/// The key of the overload of `name` taking `args`.
pub(super) fn key(name: &str, args: &[ColumnType]) -> FunctionKey {
    (
        name.to_string(),
        args.iter().map(function_type_string).collect(),
    )
}

/// The schema change target of a function or aggregate.
pub(super) fn target(
    aggregate: bool,
    keyspace: &str,
    name: &str,
    arg_types: Vec<String>,
) -> SchemaChangeTarget {
    let (keyspace, name) = (keyspace.to_string(), name.to_string());
    if aggregate {
        SchemaChangeTarget::Aggregate {
            keyspace,
            name,
            arg_types,
        }
    } else {
        SchemaChangeTarget::Function {
            keyspace,
            name,
            arg_types,
        }
    }
}

/// `CREATE [OR REPLACE] FUNCTION [IF NOT EXISTS]`.
pub(super) fn create(
    schema: &mut Schema,
    s: &CreateFunction,
    session: Option<&str>,
    features: &SchemaFeatures,
) -> CqlResult<Option<SchemaChange>> {
    let ks_name = keyspace_of(&s.name, session)?;
    check_modifiable(schema, &ks_name)?;
    let name = &s.name.name;
    if s.if_not_exists && s.or_replace {
        return Err(CqlError::invalid(
            "Cannot use both 'OR REPLACE' and 'IF NOT EXISTS' directives",
        ));
    }
    assert_enabled(features, &s.language)?;
    let names: Vec<&str> = s.arguments.iter().map(|(n, _)| n.as_str()).collect();
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    if unique.len() != names.len() {
        return Err(CqlError::invalid(format!(
            "Duplicate argument names for given function {name} with argument names [{}]",
            names.join(", ")
        )));
    }
    for (_, t) in &s.arguments {
        refuse_frozen("Argument", t, false)?;
    }
    refuse_frozen("Return type", &s.return_type, false)?;
    let Some(keyspace) = schema.keyspaces.get_mut(&ks_name) else {
        return Err(missing_keyspace(&ks_name));
    };
    let mut arguments = Vec::with_capacity(s.arguments.len());
    for (n, t) in &s.arguments {
        arguments.push((n.clone(), resolve(t, keyspace)?));
    }
    let return_type = resolve(&s.return_type, keyspace)?;
    if !LANGUAGES.contains(&s.language.as_str()) {
        return Err(CqlError::invalid(format!(
            "Invalid language '{}' for function '{ks_name}.{name}'",
            s.language
        )));
    }
    let function = UserFunction {
        keyspace: ks_name.clone(),
        name: name.clone(),
        arguments,
        return_type,
        called_on_null_input: s.called_on_null_input,
        language: s.language.clone(),
        body: s.body.clone(),
    };
    crate::sim::exec::udf::check_create(&function)?;
    let key = function.key();
    if keyspace.aggregates.contains_key(&key) {
        return Err(CqlError::invalid(format!(
            "Function '{name}' cannot replace an aggregate"
        )));
    }
    let existed = match keyspace.functions.get(&key) {
        Some(existing) => {
            if s.if_not_exists {
                return Ok(None);
            }
            if !s.or_replace {
                return Err(CqlError::invalid(format!(
                    "Function '{name}' already exists"
                )));
            }
            if existing.called_on_null_input != s.called_on_null_input {
                let directive = if s.called_on_null_input {
                    "CALLED ON NULL INPUT"
                } else {
                    "RETURNS NULL ON NULL INPUT"
                };
                return Err(CqlError::invalid(format!(
                    "Function '{name}' must have {directive} directive"
                )));
            }
            if existing.return_type != function.return_type {
                return Err(CqlError::invalid(format!(
                    "Cannot replace function '{name}', the new return type {} is not compatible with the return type {} of existing function",
                    function_type_string(&function.return_type),
                    function_type_string(&existing.return_type)
                )));
            }
            if *existing == function {
                return Ok(None);
            }
            true
        }
        None => false,
    };
    keyspace.functions.insert(key, function);
    let change_type = if existed {
        SchemaChangeType::Updated
    } else {
        SchemaChangeType::Created
    };
    let raw_types = s.arguments.iter().map(|(_, t)| t.to_string()).collect();
    Ok(change(
        change_type,
        target(false, &ks_name, name, raw_types),
    ))
}

/// The overload a DROP FUNCTION or DROP AGGREGATE names, from `keys` (every overload of
/// the kind dropped): its key, or the error Cassandra answers. `None` with `IF EXISTS`.
pub(super) fn find_dropped(
    keyspace: Option<&Keyspace>,
    keys: &[&FunctionKey],
    d: &DropFunction,
    ks_name: &str,
    what: &str,
) -> CqlResult<Option<FunctionKey>> {
    let name = &d.name.name;
    let shown = shown_name(&d.name, ks_name, d.arguments.as_deref());
    let missing = || {
        if d.if_exists {
            Ok(None)
        } else {
            Err(CqlError::invalid(format!("{what} '{shown}' doesn't exist")))
        }
    };
    let Some(keyspace) = keyspace else {
        return missing();
    };
    let overloads = keyspace
        .functions
        .keys()
        .chain(keyspace.aggregates.keys())
        .filter(|(n, _)| n == name)
        .count();
    if overloads > 1 && d.arguments.is_none() {
        let statement = what.to_ascii_uppercase();
        return Err(CqlError::invalid(format!(
            "'DROP {statement} {name}' matches multiple function definitions; specify the argument types by issuing a statement like 'DROP {statement} {name} (type, type, ...)'. You can use cqlsh 'DESCRIBE {statement} {name}' command to find all overloads"
        )));
    }
    let wanted = match &d.arguments {
        Some(types) => {
            let mut resolved = Vec::with_capacity(types.len());
            for t in types {
                refuse_frozen("Argument", t, true)?;
                resolved.push(resolve(t, keyspace)?);
            }
            Some(key(name, &resolved).1)
        }
        None => None,
    };
    let found = keys
        .iter()
        .find(|(n, args)| n == name && wanted.as_ref().is_none_or(|w| w == args));
    match found {
        Some(k) => Ok(Some((*k).clone())),
        None => missing(),
    }
}

/// `DROP FUNCTION [IF EXISTS] [ks.]f[(types)]`.
pub(super) fn drop(
    schema: &mut Schema,
    d: &DropFunction,
    session: Option<&str>,
) -> CqlResult<Option<SchemaChange>> {
    let ks_name = keyspace_of(&d.name, session)?;
    check_modifiable(schema, &ks_name)?;
    let keyspace = schema.keyspace(&ks_name);
    let keys: Vec<&FunctionKey> = keyspace.map_or(Vec::new(), |k| k.functions.keys().collect());
    let Some(key) = find_dropped(keyspace, &keys, d, &ks_name, "Function")? else {
        return Ok(None);
    };
    let Some(keyspace) = schema.keyspaces.get_mut(&ks_name) else {
        return Ok(None);
    };
    let users: Vec<String> = keyspace
        .aggregates
        .values()
        .filter(|a| {
            let state_key = (a.state_function.clone(), state_arguments(a));
            let final_key = a
                .final_function
                .as_ref()
                .map(|f| (f.clone(), vec![function_type_string(&a.state_type)]));
            state_key == key || final_key.as_ref() == Some(&key)
        })
        .map(|a| format!("{}.{}", a.keyspace, a.name))
        .collect();
    if !users.is_empty() {
        return Err(CqlError::invalid(format!(
            "Function '{}' is still referenced by aggregates {}",
            shown_name(&d.name, &ks_name, d.arguments.as_deref()),
            users.join(", ")
        )));
    }
    let Some(removed) = keyspace.functions.remove(&key) else {
        return Ok(None);
    };
    Ok(change(
        SchemaChangeType::Dropped,
        target(false, &ks_name, &removed.name, removed.argument_types()),
    ))
}

/// The argument types of an aggregate's state function: the state type, then the
/// aggregate's arguments.
pub(super) fn state_arguments(a: &super::UserAggregate) -> Vec<String> {
    std::iter::once(&a.state_type)
        .chain(&a.argument_types)
        .map(function_type_string)
        .collect()
}

/// A function as DROP's errors name it: `ks.f` or `ks.f(int, text)` as written.
fn shown_name(name: &QualifiedName, ks_name: &str, args: Option<&[CqlType]>) -> String {
    match args {
        Some(types) => {
            let types: Vec<String> = types.iter().map(ToString::to_string).collect();
            format!("{ks_name}.{}({})", name.name, types.join(", "))
        }
        None => format!("{ks_name}.{}", name.name),
    }
}
