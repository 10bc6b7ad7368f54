//! CREATE/DROP AGGREGATE with Cassandra 4.1's checks and wording
//! (`CreateAggregateStatement`, `DropAggregateStatement`).

use cql_core::message::{SchemaChange, SchemaChangeType};

use super::ddl::{change, check_modifiable, keyspace_of, missing_keyspace};
use super::functions::{find_dropped, key, refuse_frozen, resolve, target};
use super::{FunctionKey, Schema, UserAggregate, function_type_string, initcond};
use crate::cql::ast::{CreateAggregate, DropFunction, Term};
use crate::sim::error::{CqlError, CqlResult};

/// `CREATE [OR REPLACE] AGGREGATE [IF NOT EXISTS]`.
pub(super) fn create(
    schema: &mut Schema,
    s: &CreateAggregate,
    session: Option<&str>,
) -> CqlResult<Option<SchemaChange>> {
    let ks_name = keyspace_of(&s.name, session)?;
    check_modifiable(schema, &ks_name)?;
    let name = &s.name.name;
    if s.if_not_exists && s.or_replace {
        return Err(CqlError::invalid(
            "Cannot use both 'OR REPLACE' and 'IF NOT EXISTS' directives",
        ));
    }
    for t in &s.arguments {
        refuse_frozen("Argument", t, true)?;
    }
    refuse_frozen("State type", &s.state_type, true)?;
    let Some(keyspace) = schema.keyspaces.get_mut(&ks_name) else {
        return Err(missing_keyspace(&ks_name));
    };
    let mut arguments = Vec::with_capacity(s.arguments.len());
    for t in &s.arguments {
        arguments.push(resolve(t, keyspace)?);
    }
    let state_type = resolve(&s.state_type, keyspace)?;

    let raw_args: Vec<String> = s.arguments.iter().map(ToString::to_string).collect();
    let mut state_raw = vec![s.state_type.to_string()];
    state_raw.extend(raw_args.iter().cloned());
    let state_shown = format!("{ks_name}.{}({})", s.state_function, state_raw.join(", "));
    let mut state_args = vec![state_type.clone()];
    state_args.extend(arguments.iter().cloned());
    let state_key = key(&s.state_function, &state_args);
    if keyspace.aggregates.contains_key(&state_key) {
        return Err(CqlError::invalid(format!(
            "State function {state_shown} isn't a scalar function"
        )));
    }
    let Some(state_function) = keyspace.functions.get(&state_key) else {
        return Err(CqlError::invalid(format!(
            "State function {state_shown} doesn't exist"
        )));
    };
    if state_function.return_type != state_type {
        return Err(CqlError::invalid(format!(
            "State function {state_shown} return type must be the same as the first argument type - check STYPE, argument and return types"
        )));
    }
    let called_on_null_input = state_function.called_on_null_input;
    let mut return_type = state_function.return_type.clone();
    if let Some(f) = &s.final_function {
        let final_shown = format!("{ks_name}.{f}({})", s.state_type);
        let final_key = key(f, std::slice::from_ref(&state_type));
        if keyspace.aggregates.contains_key(&final_key) {
            return Err(CqlError::invalid(format!(
                "Final function {final_shown} isn't a scalar function"
            )));
        }
        let Some(final_function) = keyspace.functions.get(&final_key) else {
            return Err(CqlError::invalid(format!(
                "Final function {final_shown} doesn't exist"
            )));
        };
        return_type = final_function.return_type.clone();
    }

    let mut initial_state = None;
    let mut initcond_text = None;
    if let Some(term) = &s.initcond {
        let value = initcond::value(term, &state_type)?;
        if let Some(bytes) = &value {
            initcond_text = Some(initcond::literal(bytes, &state_type)?);
        } else {
            initcond_text = Some("null".to_string());
        }
        let empty = value
            .as_ref()
            .is_none_or(|b| b.is_empty() && initcond::empty_is_meaningless(&state_type));
        if *term != Term::Null && empty {
            return Err(CqlError::invalid(
                "INITCOND must not be empty for all types except TEXT, ASCII, BLOB",
            ));
        }
        initial_state = value.map(|b| b.to_vec());
        if initial_state.is_none() {
            initcond_text = None;
        }
    }
    if !called_on_null_input && initial_state.is_none() {
        return Err(CqlError::invalid(format!(
            "Cannot create aggregate '{name}' without INITCOND because state function {ks_name}.{} does not accept 'null' arguments",
            s.state_function
        )));
    }

    let aggregate = UserAggregate {
        keyspace: ks_name.clone(),
        name: name.clone(),
        argument_types: arguments,
        state_function: s.state_function.clone(),
        state_type,
        final_function: s.final_function.clone(),
        initcond: initcond_text,
        initial_state,
        return_type,
    };
    let agg_key = aggregate.key();
    if keyspace.functions.contains_key(&agg_key) {
        return Err(CqlError::invalid(format!(
            "Aggregate '{name}' cannot replace a function"
        )));
    }
    let existed = match keyspace.aggregates.get(&agg_key) {
        Some(existing) => {
            if s.if_not_exists {
                return Ok(None);
            }
            if !s.or_replace {
                return Err(CqlError::invalid(format!(
                    "Aggregate '{name}' already exists"
                )));
            }
            if existing.return_type != aggregate.return_type {
                return Err(CqlError::invalid(format!(
                    "Cannot replace aggregate '{name}', the new return type {} isn't compatible with the return type {} of existing function",
                    function_type_string(&aggregate.return_type),
                    function_type_string(&existing.return_type)
                )));
            }
            if *existing == aggregate {
                return Ok(None);
            }
            true
        }
        None => false,
    };
    keyspace.aggregates.insert(agg_key, aggregate);
    let change_type = if existed {
        SchemaChangeType::Updated
    } else {
        SchemaChangeType::Created
    };
    Ok(change(change_type, target(true, &ks_name, name, raw_args)))
}

/// `DROP AGGREGATE [IF EXISTS] [ks.]a[(types)]`.
pub(super) fn drop(
    schema: &mut Schema,
    d: &DropFunction,
    session: Option<&str>,
) -> CqlResult<Option<SchemaChange>> {
    let ks_name = keyspace_of(&d.name, session)?;
    check_modifiable(schema, &ks_name)?;
    let keyspace = schema.keyspace(&ks_name);
    let keys: Vec<&FunctionKey> = keyspace.map_or(Vec::new(), |k| k.aggregates.keys().collect());
    let Some(key) = find_dropped(keyspace, &keys, d, &ks_name, "Aggregate")? else {
        return Ok(None);
    };
    let Some(removed) = schema
        .keyspaces
        .get_mut(&ks_name)
        .and_then(|k| k.aggregates.remove(&key))
    else {
        return Ok(None);
    };
    Ok(change(
        SchemaChangeType::Dropped,
        target(
            true,
            &ks_name,
            &removed.name,
            removed.argument_type_strings(),
        ),
    ))
}
