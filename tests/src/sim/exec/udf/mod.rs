//! User-defined functions and aggregates, run when a statement calls them.
//!
//! ```text
//!   syntax  the body subset: lexer and parser (bounded in size and depth)
//!   typing  Java's static types: `?:` promotion, CREATE FUNCTION's compile errors
//!   eval    the interpreter (Java or JavaScript semantics, bounded in steps)
//!   value   the Java objects of each CQL type, to and from serialized values
//! ```
//!
//! A body outside the subset, and anything the body throws, answer Cassandra's
//! FunctionFailure: `execution of 'ks.f[int]' failed: java.lang.ArithmeticException: / by zero`.

pub mod eval;
pub mod syntax;
pub mod typing;
pub mod value;

use bytes::Bytes;
use cql_core::message::DbError;
use cql_core::types::ColumnType;

use crate::sim::error::{CqlError, CqlResult};
use crate::sim::schema::{Schema, UserAggregate, UserFunction, function_type_string};
use eval::{Fail, Machine};

/// Where calls find user-defined functions: the schema and the session's keyspace
/// (unqualified names resolve there after the native functions).
#[derive(Debug, Clone, Copy)]
pub struct UdfScope<'a> {
    /// The schema.
    pub schema: &'a Schema,
    /// The keyspace of unqualified names.
    pub keyspace: Option<&'a str>,
}

/// A resolved aggregate with its state and final functions.
#[derive(Debug, Clone, PartialEq)]
pub struct Uda {
    /// The aggregate.
    pub aggregate: UserAggregate,
    /// Its state function.
    pub state: UserFunction,
    /// Its final function.
    pub finish: Option<UserFunction>,
}

/// A function or aggregate a call names.
#[derive(Debug, Clone, PartialEq)]
pub enum Udf {
    /// A scalar function.
    Scalar(UserFunction),
    /// An aggregate.
    Aggregate(Box<Uda>),
}

impl Udf {
    fn arg_types(&self) -> Vec<ColumnType> {
        match self {
            Udf::Scalar(f) => f.arguments.iter().map(|(_, t)| t.clone()).collect(),
            Udf::Aggregate(a) => a.aggregate.argument_types.clone(),
        }
    }

    /// The return type.
    pub fn return_type(&self) -> ColumnType {
        match self {
            Udf::Scalar(f) => f.return_type.clone(),
            Udf::Aggregate(a) => a.aggregate.return_type.clone(),
        }
    }

    fn signature(&self, name: &str) -> String {
        let types: Vec<String> = self.arg_types().iter().map(function_type_string).collect();
        format!("{name}({})", types.join(", "))
    }
}

/// Cassandra's FunctionFailure naming `f`: `execution of 'ks.f[int, text]' failed: ...`.
pub fn failure(f: &UserFunction, detail: &str) -> CqlError {
    let arg_types: Vec<String> = f
        .arguments
        .iter()
        .map(|(_, t)| function_type_string(t))
        .collect();
    CqlError::new(
        DbError::FunctionFailure {
            keyspace: f.keyspace.clone(),
            function: f.name.clone(),
            arg_types: arg_types.clone(),
        },
        format!(
            "execution of '{}.{}[{}]' failed: {detail}",
            f.keyspace,
            f.name,
            arg_types.join(", ")
        ),
    )
}

fn outside(detail: &str) -> String {
    format!(
        "cql-sim cannot evaluate this body ({detail}); it evaluates the subset documented in tests/README.md"
    )
}

/// The compile error CREATE FUNCTION answers for a Java body inside the subset whose
/// types do not fit (a body outside the subset is accepted: cql-sim cannot compile it).
///
/// # Errors
/// `Invalid`: `Java source compilation failed:\nLine 1: Type mismatch: ...\n`.
pub fn check_create(f: &UserFunction) -> CqlResult<()> {
    if !f.language.eq_ignore_ascii_case("java") {
        return Ok(());
    }
    let names: Vec<String> = f.arguments.iter().map(|(n, _)| n.clone()).collect();
    let Ok(body) = syntax::parse("java", &f.body, &names) else {
        return Ok(());
    };
    let types: Vec<ColumnType> = f.arguments.iter().map(|(_, t)| t.clone()).collect();
    typing::check(&body, &types, &f.return_type)
        .map_err(|e| CqlError::invalid(format!("Java source compilation failed:\nLine 1: {e}\n")))
}

/// Calls a scalar function on serialized arguments.
///
/// # Errors
/// FunctionFailure when the body throws or is outside the subset.
pub fn call(f: &UserFunction, args: &[Option<Bytes>]) -> CqlResult<Option<Bytes>> {
    let types: Vec<ColumnType> = f.arguments.iter().map(|(_, t)| t.clone()).collect();
    if !f.called_on_null_input
        && types
            .iter()
            .zip(args)
            .any(|(t, v)| value::is_null_or_empty(t, v.as_deref()))
    {
        return Ok(None);
    }
    let names: Vec<String> = f.arguments.iter().map(|(n, _)| n.clone()).collect();
    let body = syntax::parse(&f.language, &f.body, &names).map_err(|e| failure(f, &outside(&e)))?;
    let java = f.language.eq_ignore_ascii_case("java");
    let mut vals = Vec::with_capacity(args.len());
    for (t, v) in types.iter().zip(args) {
        vals.push(value::from_bytes(t, v.as_deref()).map_err(|e| failure(f, &outside(&e)))?);
    }
    let result = Machine::new(java, &body, vals, &types)
        .run(&body)
        .map_err(|e| match e {
            Fail::Thrown(s) => failure(f, &s),
            Fail::Unsupported(s) => failure(f, &outside(&s)),
        })?;
    let result = if java {
        result
    } else {
        value::js_number_to(&f.return_type, result)
    };
    value::to_bytes(&f.return_type, &result).ok_or_else(|| {
        failure(
            f,
            &format!(
                "java.lang.ClassCastException: {} cannot be cast to java.lang.{}",
                result.java_type(),
                value::java_class(&f.return_type)
            ),
        )
    })
}

/// Runs an aggregate over the argument values of each selected row: the state function
/// from INITCOND for each row (rows with a null argument are skipped when the state
/// function returns null on null input), then the final function.
///
/// # Errors
/// FunctionFailure from the state or final function.
pub fn aggregate(uda: &Uda, rows: &[Vec<Option<Bytes>>]) -> CqlResult<Option<Bytes>> {
    let agg = &uda.aggregate;
    let mut state = agg.initial_state.clone().map(Bytes::from);
    for row in rows {
        if !uda.state.called_on_null_input
            && agg
                .argument_types
                .iter()
                .zip(row)
                .any(|(t, v)| value::is_null_or_empty(t, v.as_deref()))
        {
            continue;
        }
        let mut args = Vec::with_capacity(row.len() + 1);
        args.push(state);
        args.extend(row.iter().cloned());
        state = call(&uda.state, &args)?;
    }
    match &uda.finish {
        Some(f) => call(f, &[state]),
        None => Ok(state),
    }
}

fn function_key_types(types: &[ColumnType]) -> Vec<String> {
    types.iter().map(function_type_string).collect()
}

/// Finds the user-defined function or aggregate `keyspace.name` for arguments of the
/// given types (`None` for an untyped constant or marker), shown as `shown` in errors.
/// `Ok(None)` when the keyspace has nothing of that name.
///
/// # Errors
/// Cassandra's resolution errors: wrong argument count, an argument of the wrong type, no
/// or several matching overloads.
pub fn resolve(
    schema: &Schema,
    keyspace: &str,
    name: &str,
    args: &[(Option<ColumnType>, String)],
) -> CqlResult<Option<Udf>> {
    let Some(ks) = schema.keyspace(keyspace) else {
        return Ok(None);
    };
    let mut candidates: Vec<Udf> = ks
        .functions
        .values()
        .filter(|f| f.name == name)
        .map(|f| Udf::Scalar(f.clone()))
        .collect();
    for a in ks.aggregates.values().filter(|a| a.name == name) {
        let mut state_args = vec![a.state_type.clone()];
        state_args.extend(a.argument_types.iter().cloned());
        let Some(state) = ks
            .functions
            .get(&(a.state_function.clone(), function_key_types(&state_args)))
        else {
            continue;
        };
        let finish = match &a.final_function {
            Some(f) => ks
                .functions
                .get(&(
                    f.clone(),
                    function_key_types(std::slice::from_ref(&a.state_type)),
                ))
                .cloned(),
            None => None,
        };
        candidates.push(Udf::Aggregate(Box::new(Uda {
            aggregate: a.clone(),
            state: state.clone(),
            finish,
        })));
    }
    let full = format!("{keyspace}.{name}");
    let fits = |c: &Udf| {
        let types = c.arg_types();
        types.len() == args.len()
            && types.iter().zip(args).all(|(want, (got, _))| {
                got.as_ref()
                    .is_none_or(|g| super::terms::assignable(g, want))
            })
    };
    match candidates.len() {
        0 => Ok(None),
        1 => {
            let c = candidates.remove(0);
            let types = c.arg_types();
            if types.len() != args.len() {
                return Err(CqlError::invalid(format!(
                    "Invalid number of arguments in call to function {full}: {} required but {} provided",
                    types.len(),
                    args.len()
                )));
            }
            for (i, (want, (got, shown))) in types.iter().zip(args).enumerate() {
                if got
                    .as_ref()
                    .is_some_and(|g| !super::terms::assignable(g, want))
                {
                    return Err(CqlError::invalid(format!(
                        "Type error: {shown} cannot be passed as argument {i} of function {full} of type {}",
                        super::terms::type_name(want)
                    )));
                }
            }
            Ok(Some(c))
        }
        _ => {
            let matching: Vec<Udf> = candidates.iter().filter(|c| fits(c)).cloned().collect();
            let exact: Vec<&Udf> = matching
                .iter()
                .filter(|c| {
                    c.arg_types()
                        .iter()
                        .zip(args)
                        .all(|(w, (g, _))| g.as_ref() == Some(w))
                })
                .collect();
            if let [one] = exact.as_slice() {
                return Ok(Some((*one).clone()));
            }
            match matching.len() {
                1 => Ok(matching.into_iter().next()),
                0 => {
                    let known: Vec<String> =
                        candidates.iter().map(|c| c.signature(&full)).collect();
                    Err(CqlError::invalid(format!(
                        "Invalid call to function {full}, none of its type signatures match (known type signatures: {})",
                        known.join(", ")
                    )))
                }
                _ => {
                    let sigs: Vec<String> = matching.iter().map(|c| c.signature(&full)).collect();
                    Err(CqlError::invalid(format!(
                        "Ambiguous call to function {full} (can be matched by following signatures: {}): use type casts to disambiguate",
                        sigs.join(", ")
                    )))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
