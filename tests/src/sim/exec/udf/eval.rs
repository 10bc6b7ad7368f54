//! Evaluates a parsed body with Java's semantics (int/long wrap around, integer division
//! by zero throws, binary numeric promotion) or JavaScript's (every number a double,
//! truthiness, `&&`/`||` giving an operand).
//!
//! Bodies have no loops, so evaluation is bounded by their size; a step budget and a
//! cap on string lengths bound it further.

use super::syntax::{Bin, Body, Expr, Lit, Prim, Stmt};
use super::typing::{self, Kind, accessor_kind};
use super::value::Value;
use cql_core::types::ColumnType;

/// Evaluation steps one call may take.
pub const MAX_STEPS: usize = 100_000;
/// The longest string a body may build.
pub const MAX_STRING: usize = 1 << 20;

/// Why a call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum Fail {
    /// The body threw: the exception as Java's `toString()` prints it.
    Thrown(String),
    /// The body or a value is outside the subset cql-sim evaluates.
    Unsupported(String),
}

fn npe() -> Fail {
    Fail::Thrown("java.lang.NullPointerException".into())
}

fn by_zero() -> Fail {
    Fail::Thrown("java.lang.ArithmeticException: / by zero".into())
}

/// A numeric value after binary numeric promotion.
#[derive(Debug, Clone, Copy)]
enum Num {
    I(i32),
    L(i64),
    F(f32),
    D(f64),
}

fn to_kind(v: &Value, k: Kind) -> Option<Num> {
    let x = v.as_f64()?;
    let i = v.as_i64();
    Some(match k {
        Kind::Int => Num::I(i.map_or(x as i32, |i| i as i32)),
        Kind::Long => Num::L(i.unwrap_or(x as i64)),
        Kind::Float => Num::F(match v {
            Value::Float(f) => *f,
            _ => i.map_or(x as f32, |i| i as f32),
        }),
        _ => Num::D(i.map_or(x, |i| i as f64)),
    })
}

fn num_value(n: Num) -> Value {
    match n {
        Num::I(x) => Value::Int(x),
        Num::L(x) => Value::Long(x),
        Num::F(x) => Value::Float(x),
        Num::D(x) => Value::Double(x),
    }
}

fn kind_of(v: &Value) -> Kind {
    match v {
        Value::Null => Kind::Null,
        Value::Bool(_) => Kind::Bool,
        Value::Byte(_) => Kind::Byte,
        Value::Short(_) => Kind::Short,
        Value::Int(_) => Kind::Int,
        Value::Long(_) => Kind::Long,
        Value::Float(_) => Kind::Float,
        Value::Double(_) => Kind::Double,
        Value::Str(_) => Kind::Str,
        Value::Tuple(..) => Kind::Tuple,
    }
}

/// Java's primitive cast of a value to `to` (narrowing truncates, doubles saturate).
fn cast(v: &Value, to: Kind) -> Result<Value, Fail> {
    if matches!(v, Value::Null) {
        return Err(npe());
    }
    let Some(x) = v.as_f64() else {
        return if kind_of(v) == to {
            Ok(v.clone())
        } else {
            Err(Fail::Unsupported(format!(
                "Cannot cast from {} to {}",
                v.java_type(),
                to.name()
            )))
        };
    };
    let int = |x: f64| v.as_i64().unwrap_or(x as i64);
    let int32 = |x: f64| v.as_i64().map_or(x as i32, |i| i as i32);
    Ok(match to {
        Kind::Byte => Value::Byte(int32(x) as i8),
        Kind::Short => Value::Short(int32(x) as i16),
        Kind::Int => Value::Int(int32(x)),
        Kind::Long => Value::Long(int(x)),
        Kind::Float => Value::Float(match v {
            Value::Float(f) => *f,
            _ => v.as_i64().map_or(x as f32, |i| i as f32),
        }),
        Kind::Double => Value::Double(v.as_i64().map_or(x, |i| i as f64)),
        other => {
            return Err(Fail::Unsupported(format!(
                "Cannot cast from {} to {}",
                v.java_type(),
                other.name()
            )));
        }
    })
}

/// Java's `Math.round(double)`.
fn round_f64(x: f64) -> i64 {
    (x + 0.5).floor() as i64
}

/// Java's `Math.round(float)`.
fn round_f32(x: f32) -> i32 {
    (f64::from(x) + 0.5).floor() as i32
}

fn js_num(v: &Value) -> f64 {
    match v {
        Value::Null => 0.0,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Str(s) if s.trim().is_empty() => 0.0,
        Value::Str(s) => s.trim().parse().unwrap_or(f64::NAN),
        Value::Tuple(..) => f64::NAN,
        n => n.as_f64().unwrap_or(f64::NAN),
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Str(s) => !s.is_empty(),
        Value::Tuple(..) => true,
        n => n.as_f64().is_some_and(|x| x != 0.0 && !x.is_nan()),
    }
}

fn fmin(a: f64, b: f64, max: bool) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if max {
        a.max(b)
    } else {
        a.min(b)
    }
}

/// The state of one call.
pub struct Machine {
    java: bool,
    slots: Vec<Value>,
    kinds: Vec<Kind>,
    steps: usize,
}

impl Machine {
    /// A machine for `body` called with `args` of types `arg_types`.
    pub fn new(java: bool, body: &Body, args: Vec<Value>, arg_types: &[ColumnType]) -> Self {
        let kinds = typing::slot_kinds(body, arg_types);
        let mut slots = args;
        slots.resize(body.slots.len(), Value::Null);
        Machine {
            java,
            slots,
            kinds,
            steps: 0,
        }
    }

    /// Runs the body to its `return`.
    ///
    /// # Errors
    /// What the body throws, or what falls outside the subset.
    pub fn run(&mut self, body: &Body) -> Result<Value, Fail> {
        for s in &body.stmts {
            if let Some(v) = self.stmt(s)? {
                return Ok(v);
            }
        }
        if self.java {
            Err(Fail::Unsupported("This method must return a result".into()))
        } else {
            Ok(Value::Null)
        }
    }

    fn step(&mut self) -> Result<(), Fail> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(Fail::Unsupported("evaluation budget exceeded".into()));
        }
        Ok(())
    }

    fn stmt(&mut self, s: &Stmt) -> Result<Option<Value>, Fail> {
        self.step()?;
        match s {
            Stmt::Return(e) => Ok(Some(self.expr(e)?)),
            Stmt::If(c, a, b) => {
                if self.condition(c)? {
                    self.stmt(a)
                } else if let Some(b) = b {
                    self.stmt(b)
                } else {
                    Ok(None)
                }
            }
            Stmt::Block(stmts) => {
                for s in stmts {
                    if let Some(v) = self.stmt(s)? {
                        return Ok(Some(v));
                    }
                }
                Ok(None)
            }
            Stmt::Assign(slot, decl, op, value) => {
                let v = match value {
                    Some(e) => self.expr(e)?,
                    None => Value::Null,
                };
                let current = self.slots.get(*slot).cloned().unwrap_or(Value::Null);
                let v = match op {
                    Some(op) => self.binary(*op, current, v)?,
                    None => v,
                };
                let kind = decl
                    .map(Kind::of_prim)
                    .or_else(|| self.kinds.get(*slot).copied())
                    .unwrap_or(Kind::Unknown);
                let v = if kind.numeric() && !matches!(v, Value::Null) {
                    cast(&v, kind)?
                } else {
                    v
                };
                if let Some(s) = self.slots.get_mut(*slot) {
                    *s = v;
                }
                Ok(None)
            }
            Stmt::Expr(e) => {
                self.expr(e)?;
                Ok(None)
            }
        }
    }

    fn condition(&mut self, c: &Expr) -> Result<bool, Fail> {
        let v = self.expr(c)?;
        if !self.java {
            return Ok(truthy(&v));
        }
        match v {
            Value::Bool(b) => Ok(b),
            Value::Null => Err(npe()),
            other => Err(Fail::Unsupported(format!(
                "Type mismatch: cannot convert from {} to boolean",
                other.java_type()
            ))),
        }
    }

    fn expr(&mut self, e: &Expr) -> Result<Value, Fail> {
        self.step()?;
        Ok(match e {
            Expr::Lit(l) => match l {
                Lit::Null => Value::Null,
                Lit::Bool(b) => Value::Bool(*b),
                Lit::Int(i) => Value::Int(*i),
                Lit::Long(i) => Value::Long(*i),
                Lit::Double(d) => Value::Double(*d),
                Lit::Float(f) => Value::Float(*f),
                Lit::Str(s) => Value::Str(s.clone()),
            },
            Expr::Var(s) => self.slots.get(*s).cloned().unwrap_or(Value::Null),
            Expr::Neg(a) => {
                let v = self.expr(a)?;
                if !self.java {
                    return Ok(Value::Double(-js_num(&v)));
                }
                match v {
                    Value::Null => return Err(npe()),
                    Value::Long(x) => Value::Long(x.wrapping_neg()),
                    Value::Float(x) => Value::Float(-x),
                    Value::Double(x) => Value::Double(-x),
                    other => match other.as_i64() {
                        Some(x) => Value::Int((x as i32).wrapping_neg()),
                        None => {
                            return Err(Fail::Unsupported(format!(
                                "The operator - is undefined for the argument type(s) {}",
                                other.java_type()
                            )));
                        }
                    },
                }
            }
            Expr::Not(a) => Value::Bool(!self.condition(a)?),
            Expr::Bin(Bin::And, a, b) | Expr::Bin(Bin::Or, a, b) => {
                let or = matches!(e, Expr::Bin(Bin::Or, ..));
                if self.java {
                    let l = self.condition(a)?;
                    if l == or {
                        Value::Bool(l)
                    } else {
                        Value::Bool(self.condition(b)?)
                    }
                } else {
                    let l = self.expr(a)?;
                    if truthy(&l) == or { l } else { self.expr(b)? }
                }
            }
            Expr::Bin(op, a, b) => {
                let (l, r) = (self.expr(a)?, self.expr(b)?);
                self.binary(*op, l, r)?
            }
            Expr::Cond(c, a, b) => {
                let v = if self.condition(c)? {
                    self.expr(a)?
                } else {
                    self.expr(b)?
                };
                if self.java {
                    let k = typing::kind(e, &self.kinds).map_err(Fail::Unsupported)?;
                    if k.numeric() && !matches!(v, Value::Null) && kind_of(&v) != k {
                        return cast(&v, k);
                    }
                }
                v
            }
            Expr::Cast(p, a) => {
                let v = self.expr(a)?;
                match p {
                    Prim::Str | Prim::Bool => {
                        return Err(Fail::Unsupported(format!(
                            "cast to {p:?} is outside the subset"
                        )));
                    }
                    _ => cast(&v, Kind::of_prim(*p))?,
                }
            }
            Expr::Static(class, m, args) => {
                let mut vals = Vec::with_capacity(args.len());
                for a in args {
                    vals.push(self.expr(a)?);
                }
                self.static_call(class, m, &vals)?
            }
            Expr::Method(r, m, args) => {
                let recv = self.expr(r)?;
                let mut vals = Vec::with_capacity(args.len());
                for a in args {
                    vals.push(self.expr(a)?);
                }
                let out = self.method(recv, m, &vals)?;
                // A setter changes the tuple its receiver chain started from, as Java's
                // mutable TupleValue does.
                if m.starts_with("set") {
                    if let Some(slot) = root_var(r) {
                        if let Some(s) = self.slots.get_mut(slot) {
                            *s = out.clone();
                        }
                    }
                }
                out
            }
        })
    }

    fn binary(&mut self, op: Bin, l: Value, r: Value) -> Result<Value, Fail> {
        if self.java {
            java_binary(op, &l, &r)
        } else {
            Ok(js_binary(op, &l, &r))
        }
        .and_then(|v| match &v {
            Value::Str(s) if s.len() > MAX_STRING => Err(Fail::Unsupported(
                "string longer than cql-sim allows (1 MiB)".into(),
            )),
            _ => Ok(v),
        })
    }

    fn static_call(&self, class: &str, m: &str, args: &[Value]) -> Result<Value, Fail> {
        let unsupported = || {
            Fail::Unsupported(format!(
                "{class}.{m} with {} argument(s) is outside the subset",
                args.len()
            ))
        };
        let a = args.first().cloned().unwrap_or(Value::Null);
        let b = args.get(1).cloned().unwrap_or(Value::Null);
        if class == "Math" {
            if !self.java {
                let x = js_num(&a);
                return Ok(Value::Double(match (m, args.len()) {
                    ("abs", 1) => x.abs(),
                    ("min", _) => args
                        .iter()
                        .map(js_num)
                        .fold(f64::INFINITY, |p, v| fmin(p, v, false)),
                    ("max", _) => args
                        .iter()
                        .map(js_num)
                        .fold(f64::NEG_INFINITY, |p, v| fmin(p, v, true)),
                    ("pow", 2) => x.powf(js_num(&b)),
                    ("sqrt", 1) => x.sqrt(),
                    ("floor", 1) => x.floor(),
                    ("ceil", 1) => x.ceil(),
                    ("round", 1) => (x + 0.5).floor(),
                    _ => return Err(unsupported()),
                }));
            }
            if args.iter().any(|v| matches!(v, Value::Null)) {
                return Err(npe());
            }
            let ka = kind_of(&a);
            if !ka.numeric() || (args.len() == 2 && !kind_of(&b).numeric()) {
                return Err(unsupported());
            }
            let x = a.as_f64().unwrap_or(f64::NAN);
            return Ok(match (m, args.len()) {
                ("abs", 1) => match to_kind(&a, Kind::promote(ka, Kind::Int).unwrap_or(ka)) {
                    Some(Num::I(i)) => Value::Int(i.wrapping_abs()),
                    Some(Num::L(i)) => Value::Long(i.wrapping_abs()),
                    Some(Num::F(f)) => Value::Float(f.abs()),
                    _ => Value::Double(x.abs()),
                },
                ("min" | "max", 2) => {
                    let max = m == "max";
                    let k = Kind::promote(ka, kind_of(&b)).unwrap_or(Kind::Double);
                    match (to_kind(&a, k), to_kind(&b, k)) {
                        (Some(Num::I(p)), Some(Num::I(q))) => {
                            Value::Int(if max { p.max(q) } else { p.min(q) })
                        }
                        (Some(Num::L(p)), Some(Num::L(q))) => {
                            Value::Long(if max { p.max(q) } else { p.min(q) })
                        }
                        (Some(Num::F(p)), Some(Num::F(q))) => {
                            Value::Float(fmin(f64::from(p), f64::from(q), max) as f32)
                        }
                        _ => Value::Double(fmin(x, b.as_f64().unwrap_or(f64::NAN), max)),
                    }
                }
                ("pow", 2) => Value::Double(x.powf(b.as_f64().unwrap_or(f64::NAN))),
                ("sqrt", 1) => Value::Double(x.sqrt()),
                ("floor", 1) => Value::Double(x.floor()),
                ("ceil", 1) => Value::Double(x.ceil()),
                ("round", 1) => match a {
                    Value::Double(d) => Value::Long(round_f64(d)),
                    Value::Float(f) => Value::Int(round_f32(f)),
                    other => Value::Int(round_f32(other.as_i64().unwrap_or(0) as f32)),
                },
                _ => return Err(unsupported()),
            });
        }
        if args.len() != 1 {
            return Err(unsupported());
        }
        let parse_failure = |s: &str| {
            Fail::Thrown(format!(
                "java.lang.NumberFormatException: For input string: \"{s}\""
            ))
        };
        let target = match class {
            "Integer" => Kind::Int,
            "Long" => Kind::Long,
            "Double" => Kind::Double,
            "Float" => Kind::Float,
            "Short" => Kind::Short,
            "Byte" => Kind::Byte,
            _ => Kind::Str,
        };
        match (m, &a) {
            ("valueOf", _) if target == Kind::Str => Ok(Value::Str(a.java_string())),
            (
                "valueOf" | "parseInt" | "parseLong" | "parseDouble" | "parseFloat",
                Value::Str(s),
            ) => {
                let t = s.trim();
                Ok(match target {
                    Kind::Int => Value::Int(t.parse().map_err(|_| parse_failure(s))?),
                    Kind::Long => Value::Long(t.parse().map_err(|_| parse_failure(s))?),
                    Kind::Float => Value::Float(t.parse().map_err(|_| parse_failure(s))?),
                    Kind::Short => Value::Short(t.parse().map_err(|_| parse_failure(s))?),
                    Kind::Byte => Value::Byte(t.parse().map_err(|_| parse_failure(s))?),
                    _ => Value::Double(t.parse().map_err(|_| parse_failure(s))?),
                })
            }
            ("valueOf", Value::Null) => Err(npe()),
            ("valueOf", v) if kind_of(v).widens_to(target) => cast(v, target),
            _ => Err(unsupported()),
        }
    }

    fn method(&self, recv: Value, m: &str, args: &[Value]) -> Result<Value, Fail> {
        let unsupported = || {
            Fail::Unsupported(format!(
                "method {m} on {} is outside the subset",
                recv.java_type()
            ))
        };
        match (&recv, m, args) {
            (Value::Null, ..) => Err(if self.java {
                npe()
            } else {
                Fail::Thrown(format!(
                    "javax.script.ScriptException: TypeError: Cannot call {m} on null"
                ))
            }),
            (Value::Tuple(t, fields), _, _) => {
                tuple_method(t, fields, m, args).ok_or_else(unsupported)?
            }
            (_, "intValue", []) => cast(&recv, Kind::Int),
            (_, "longValue", []) => cast(&recv, Kind::Long),
            (_, "doubleValue", []) => cast(&recv, Kind::Double),
            (_, "floatValue", []) => cast(&recv, Kind::Float),
            (_, "shortValue", []) => cast(&recv, Kind::Short),
            (_, "byteValue", []) => cast(&recv, Kind::Byte),
            (_, "toString", []) => Ok(Value::Str(if self.java {
                recv.java_string()
            } else {
                recv.js_string()
            })),
            (Value::Str(s), "length", []) => Ok(Value::Int(s.encode_utf16().count() as i32)),
            (Value::Str(s), "isEmpty", []) => Ok(Value::Bool(s.is_empty())),
            (Value::Str(s), "toUpperCase", []) => Ok(Value::Str(s.to_uppercase())),
            (Value::Str(s), "toLowerCase", []) => Ok(Value::Str(s.to_lowercase())),
            (Value::Str(s), "trim", []) => Ok(Value::Str(s.trim().to_string())),
            (_, "equals", [other]) => Ok(Value::Bool(recv == *other)),
            _ => Err(unsupported()),
        }
    }
}

/// The variable a chain of setters (`s.setInt(..).setLong(..)`) starts from.
fn root_var(e: &Expr) -> Option<usize> {
    match e {
        Expr::Var(s) => Some(*s),
        Expr::Method(r, m, _) if m.starts_with("set") => root_var(r),
        _ => None,
    }
}

fn field_types(t: &ColumnType) -> Vec<(Option<&str>, &ColumnType)> {
    match t {
        ColumnType::Tuple(ts) => ts.iter().map(|t| (None, t)).collect(),
        ColumnType::Udt { fields, .. } => {
            fields.iter().map(|(n, t)| (Some(n.as_str()), t)).collect()
        }
        _ => Vec::new(),
    }
}

/// `getInt(i)`, `setLong(i, v)`, ... on a tuple or UDT value (UDT fields also by name).
fn tuple_method(
    t: &ColumnType,
    fields: &[Option<bytes::Bytes>],
    m: &str,
    args: &[Value],
) -> Option<Result<Value, Fail>> {
    let (setter, word) = match (m.strip_prefix("get"), m.strip_prefix("set")) {
        (Some(w), _) => (false, w),
        (_, Some(w)) => (true, w),
        _ => return None,
    };
    let want = accessor_kind(word)?;
    let types = field_types(t);
    let index = match args.first()? {
        Value::Str(name) => types
            .iter()
            .position(|(n, _)| *n == Some(name.as_str()))
            .ok_or_else(|| {
                Fail::Thrown(format!(
                    "java.lang.IllegalArgumentException: {name} is not a field defined in this UDT"
                ))
            }),
        v => match v.as_i64() {
            Some(i) if i >= 0 && (i as usize) < types.len() => Ok(i as usize),
            Some(i) => Err(Fail::Thrown(format!(
                "java.lang.ArrayIndexOutOfBoundsException: Index {i} out of bounds for length {}",
                types.len()
            ))),
            None => return None,
        },
    };
    let index = match index {
        Ok(i) => i,
        Err(e) => return Some(Err(e)),
    };
    let (_, ftype) = *types.get(index)?;
    let fkind = Kind::of_type(ftype);
    let codec_error = || {
        Fail::Thrown(format!(
            "com.datastax.driver.core.exceptions.CodecNotFoundException: Codec not found for requested operation: [{} <-> java.lang.{}]",
            super::super::terms::type_name(ftype),
            super::value::java_class(
                &ColumnType::parse_cql(match want {
                    Kind::Int => "int",
                    Kind::Long => "bigint",
                    Kind::Double => "double",
                    Kind::Float => "float",
                    Kind::Short => "smallint",
                    Kind::Byte => "tinyint",
                    Kind::Bool => "boolean",
                    _ => "text",
                })
                .unwrap_or(ColumnType::Blob)
            )
        ))
    };
    if fkind != want {
        return Some(Err(codec_error()));
    }
    if !setter {
        let raw = fields.get(index).cloned().flatten();
        return Some(match super::value::from_bytes(ftype, raw.as_deref()) {
            // The driver's primitive getters give 0 (false) for a null field.
            Ok(Value::Null) if want != Kind::Str => Ok(match want {
                Kind::Bool => Value::Bool(false),
                k => num_value(to_kind(&Value::Int(0), k).unwrap_or(Num::I(0))),
            }),
            Ok(v) => Ok(v),
            Err(e) => Err(Fail::Unsupported(e)),
        });
    }
    let v = args.get(1)?;
    let v = match v {
        Value::Null if want == Kind::Str => Value::Null,
        Value::Null => return Some(Err(npe())),
        v if kind_of(v) == want => v.clone(),
        v if kind_of(v).widens_to(want) && want.numeric() => match cast(v, want) {
            Ok(v) => v,
            Err(e) => return Some(Err(e)),
        },
        _ => return Some(Err(codec_error())),
    };
    let bytes = super::value::to_bytes(ftype, &v)?;
    let mut out = fields.to_vec();
    if let Some(slot) = out.get_mut(index) {
        *slot = bytes;
    }
    Some(Ok(Value::Tuple(t.clone(), out)))
}

fn java_binary(op: Bin, l: &Value, r: &Value) -> Result<Value, Fail> {
    let (kl, kr) = (kind_of(l), kind_of(r));
    if op == Bin::Add && (kl == Kind::Str || kr == Kind::Str) {
        return Ok(Value::Str(format!(
            "{}{}",
            l.java_string(),
            r.java_string()
        )));
    }
    if matches!(op, Bin::Eq | Bin::Ne) {
        let same = match Kind::promote(kl, kr) {
            Some(k) => match (to_kind(l, k), to_kind(r, k)) {
                (Some(Num::I(a)), Some(Num::I(b))) => a == b,
                (Some(Num::L(a)), Some(Num::L(b))) => a == b,
                _ => l.as_f64() == r.as_f64(),
            },
            None => l == r,
        };
        return Ok(Value::Bool(same == (op == Bin::Eq)));
    }
    if matches!(l, Value::Null) || matches!(r, Value::Null) {
        return Err(npe());
    }
    let Some(k) = Kind::promote(kl, kr) else {
        return Err(Fail::Unsupported(format!(
            "The operator is undefined for the argument type(s) {}, {}",
            l.java_type(),
            r.java_type()
        )));
    };
    let (Some(a), Some(b)) = (to_kind(l, k), to_kind(r, k)) else {
        return Err(npe());
    };
    let cmp = |o: Option<std::cmp::Ordering>| -> Value {
        use std::cmp::Ordering as O;
        Value::Bool(match (op, o) {
            (_, None) => false,
            (Bin::Lt, Some(o)) => o == O::Less,
            (Bin::Le, Some(o)) => o != O::Greater,
            (Bin::Gt, Some(o)) => o == O::Greater,
            _ => o.is_some_and(|o| o != O::Less),
        })
    };
    Ok(match (a, b) {
        (Num::I(a), Num::I(b)) => match op {
            Bin::Add => Value::Int(a.wrapping_add(b)),
            Bin::Sub => Value::Int(a.wrapping_sub(b)),
            Bin::Mul => Value::Int(a.wrapping_mul(b)),
            Bin::Div if b == 0 => return Err(by_zero()),
            Bin::Div => Value::Int(a.wrapping_div(b)),
            Bin::Rem if b == 0 => return Err(by_zero()),
            Bin::Rem => Value::Int(a.wrapping_rem(b)),
            _ => cmp(a.partial_cmp(&b)),
        },
        (Num::L(a), Num::L(b)) => match op {
            Bin::Add => Value::Long(a.wrapping_add(b)),
            Bin::Sub => Value::Long(a.wrapping_sub(b)),
            Bin::Mul => Value::Long(a.wrapping_mul(b)),
            Bin::Div if b == 0 => return Err(by_zero()),
            Bin::Div => Value::Long(a.wrapping_div(b)),
            Bin::Rem if b == 0 => return Err(by_zero()),
            Bin::Rem => Value::Long(a.wrapping_rem(b)),
            _ => cmp(a.partial_cmp(&b)),
        },
        (Num::F(a), Num::F(b)) => match op {
            Bin::Add => Value::Float(a + b),
            Bin::Sub => Value::Float(a - b),
            Bin::Mul => Value::Float(a * b),
            Bin::Div => Value::Float(a / b),
            Bin::Rem => Value::Float(a % b),
            _ => cmp(a.partial_cmp(&b)),
        },
        (a, b) => {
            let f = |n: Num| match n {
                Num::I(x) => f64::from(x),
                Num::L(x) => x as f64,
                Num::F(x) => f64::from(x),
                Num::D(x) => x,
            };
            let (a, b) = (f(a), f(b));
            match op {
                Bin::Add => Value::Double(a + b),
                Bin::Sub => Value::Double(a - b),
                Bin::Mul => Value::Double(a * b),
                Bin::Div => Value::Double(a / b),
                Bin::Rem => Value::Double(a % b),
                _ => cmp(a.partial_cmp(&b)),
            }
        }
    })
}

fn js_binary(op: Bin, l: &Value, r: &Value) -> Value {
    let strings = matches!(l, Value::Str(_)) || matches!(r, Value::Str(_));
    match op {
        Bin::Add if strings => Value::Str(format!("{}{}", l.js_string(), r.js_string())),
        Bin::Add => Value::Double(js_num(l) + js_num(r)),
        Bin::Sub => Value::Double(js_num(l) - js_num(r)),
        Bin::Mul => Value::Double(js_num(l) * js_num(r)),
        Bin::Div => Value::Double(js_num(l) / js_num(r)),
        Bin::Rem => Value::Double(js_num(l) % js_num(r)),
        Bin::Eq | Bin::Ne => {
            let same = match (l, r) {
                (Value::Null, Value::Null) => true,
                (Value::Null, _) | (_, Value::Null) => false,
                (Value::Str(a), Value::Str(b)) => a == b,
                (Value::Tuple(..), _) | (_, Value::Tuple(..)) => l == r,
                _ => js_num(l) == js_num(r),
            };
            Value::Bool(same == (op == Bin::Eq))
        }
        _ => {
            let o = match (l, r) {
                (Value::Str(a), Value::Str(b)) => Some(a.cmp(b)),
                _ => js_num(l).partial_cmp(&js_num(r)),
            };
            use std::cmp::Ordering as O;
            Value::Bool(match (op, o) {
                (_, None) => false,
                (Bin::Lt, Some(o)) => o == O::Less,
                (Bin::Le, Some(o)) => o != O::Greater,
                (Bin::Gt, Some(o)) => o == O::Greater,
                (_, Some(o)) => o != O::Less,
            })
        }
    }
}
