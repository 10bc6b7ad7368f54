//! Java's static types over the body subset: what `javac` (Cassandra uses ECJ) would
//! infer, used to promote the branches of `?:`, and to refuse at CREATE FUNCTION a body
//! whose returned expression does not convert to the declared return type.

use cql_core::types::ColumnType;

use super::syntax::{Bin, Body, Expr, Lit, Prim, Stmt};

/// A static type; `Unknown` where the subset cannot tell (checks are then skipped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The `null` literal.
    Null,
    /// `boolean`
    Bool,
    /// `byte`
    Byte,
    /// `short`
    Short,
    /// `int`
    Int,
    /// `long`
    Long,
    /// `float`
    Float,
    /// `double`
    Double,
    /// `String`
    Str,
    /// `TupleValue` / `UDTValue`
    Tuple,
    /// Not known.
    Unknown,
}

impl Kind {
    /// The kind of a CQL type's Java class.
    pub fn of_type(t: &ColumnType) -> Kind {
        match t {
            ColumnType::Boolean => Kind::Bool,
            ColumnType::TinyInt => Kind::Byte,
            ColumnType::SmallInt => Kind::Short,
            ColumnType::Int => Kind::Int,
            ColumnType::BigInt | ColumnType::Counter => Kind::Long,
            ColumnType::Float => Kind::Float,
            ColumnType::Double => Kind::Double,
            ColumnType::Text | ColumnType::Ascii => Kind::Str,
            ColumnType::Tuple(_) | ColumnType::Udt { .. } => Kind::Tuple,
            _ => Kind::Unknown,
        }
    }

    /// The kind of a declared local type.
    pub fn of_prim(p: Prim) -> Kind {
        match p {
            Prim::Int => Kind::Int,
            Prim::Long => Kind::Long,
            Prim::Double => Kind::Double,
            Prim::Float => Kind::Float,
            Prim::Short => Kind::Short,
            Prim::Byte => Kind::Byte,
            Prim::Bool => Kind::Bool,
            Prim::Str => Kind::Str,
        }
    }

    /// Java's name of the type.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool => "boolean",
            Kind::Byte => "byte",
            Kind::Short => "short",
            Kind::Int => "int",
            Kind::Long => "long",
            Kind::Float => "float",
            Kind::Double => "double",
            Kind::Str => "String",
            Kind::Tuple => "TupleValue",
            Kind::Unknown => "Object",
        }
    }

    fn rank(self) -> Option<u8> {
        Some(match self {
            Kind::Byte => 0,
            Kind::Short => 1,
            Kind::Int => 2,
            Kind::Long => 3,
            Kind::Float => 4,
            Kind::Double => 5,
            _ => return None,
        })
    }

    /// Whether the kind is numeric.
    pub fn numeric(self) -> bool {
        self.rank().is_some()
    }

    /// Binary numeric promotion (`None` unless both are numeric).
    pub fn promote(a: Kind, b: Kind) -> Option<Kind> {
        let r = a.rank()?.max(b.rank()?);
        Some(match r {
            0..=2 => Kind::Int,
            3 => Kind::Long,
            4 => Kind::Float,
            _ => Kind::Double,
        })
    }

    /// Whether a value of this kind may be assigned to `to` by widening.
    pub fn widens_to(self, to: Kind) -> bool {
        match (self.rank(), to.rank()) {
            (Some(a), Some(b)) => a <= b,
            _ => self == to || self == Kind::Null || self == Kind::Unknown || to == Kind::Unknown,
        }
    }
}

/// The type word a tuple accessor names (`getInt` -> `Int`).
pub fn accessor_kind(word: &str) -> Option<Kind> {
    Some(match word {
        "Int" => Kind::Int,
        "Long" => Kind::Long,
        "Double" => Kind::Double,
        "Float" => Kind::Float,
        "String" => Kind::Str,
        "Bool" => Kind::Bool,
        "Short" => Kind::Short,
        "Byte" => Kind::Byte,
        _ => return None,
    })
}

/// The kinds of a body's slots: the arguments' types, then the locals' declared types.
pub fn slot_kinds(body: &Body, args: &[ColumnType]) -> Vec<Kind> {
    body.slots
        .iter()
        .enumerate()
        .map(|(i, (_, p))| match (args.get(i), p) {
            (Some(t), _) => Kind::of_type(t),
            (None, Some(p)) => Kind::of_prim(*p),
            (None, None) => Kind::Unknown,
        })
        .collect()
}

fn undefined(op: &str, a: Kind, b: Kind) -> String {
    format!(
        "The operator {op} is undefined for the argument type(s) {}, {}",
        a.name(),
        b.name()
    )
}

fn op_text(op: Bin) -> &'static str {
    match op {
        Bin::Add => "+",
        Bin::Sub => "-",
        Bin::Mul => "*",
        Bin::Div => "/",
        Bin::Rem => "%",
        Bin::Lt => "<",
        Bin::Le => "<=",
        Bin::Gt => ">",
        Bin::Ge => ">=",
        Bin::Eq => "==",
        Bin::Ne => "!=",
        Bin::And => "&&",
        Bin::Or => "||",
    }
}

/// The static type of an expression.
///
/// # Errors
/// The compile error Java reports (`The operator - is undefined for the argument type(s)
/// String, int`).
pub fn kind(e: &Expr, slots: &[Kind]) -> Result<Kind, String> {
    Ok(match e {
        Expr::Lit(l) => match l {
            Lit::Null => Kind::Null,
            Lit::Bool(_) => Kind::Bool,
            Lit::Int(_) => Kind::Int,
            Lit::Long(_) => Kind::Long,
            Lit::Double(_) => Kind::Double,
            Lit::Float(_) => Kind::Float,
            Lit::Str(_) => Kind::Str,
        },
        Expr::Var(s) => slots.get(*s).copied().unwrap_or(Kind::Unknown),
        Expr::Neg(a) => {
            let k = kind(a, slots)?;
            match k {
                Kind::Unknown => Kind::Unknown,
                k if k.numeric() => Kind::promote(k, Kind::Int).unwrap_or(k),
                k => {
                    return Err(format!(
                        "The operator - is undefined for the argument type(s) {}",
                        k.name()
                    ));
                }
            }
        }
        Expr::Not(a) => match kind(a, slots)? {
            Kind::Bool | Kind::Unknown => Kind::Bool,
            k => {
                return Err(format!(
                    "The operator ! is undefined for the argument type(s) {}",
                    k.name()
                ));
            }
        },
        Expr::Bin(op, a, b) => {
            let (ka, kb) = (kind(a, slots)?, kind(b, slots)?);
            if ka == Kind::Unknown || kb == Kind::Unknown {
                return Ok(match op {
                    Bin::Add | Bin::Sub | Bin::Mul | Bin::Div | Bin::Rem => Kind::Unknown,
                    _ => Kind::Bool,
                });
            }
            match op {
                Bin::Add if ka == Kind::Str || kb == Kind::Str => Kind::Str,
                Bin::Add | Bin::Sub | Bin::Mul | Bin::Div | Bin::Rem => {
                    Kind::promote(ka, kb).ok_or_else(|| undefined(op_text(*op), ka, kb))?
                }
                Bin::Lt | Bin::Le | Bin::Gt | Bin::Ge => {
                    Kind::promote(ka, kb).ok_or_else(|| undefined(op_text(*op), ka, kb))?;
                    Kind::Bool
                }
                Bin::Eq | Bin::Ne => {
                    let ok = ka == kb
                        || Kind::promote(ka, kb).is_some()
                        || ka == Kind::Null
                        || kb == Kind::Null;
                    if !ok {
                        return Err(format!(
                            "Incompatible operand types {} and {}",
                            ka.name(),
                            kb.name()
                        ));
                    }
                    Kind::Bool
                }
                Bin::And | Bin::Or => {
                    if ka != Kind::Bool || kb != Kind::Bool {
                        return Err(undefined(op_text(*op), ka, kb));
                    }
                    Kind::Bool
                }
            }
        }
        Expr::Cond(c, a, b) => {
            let kc = kind(c, slots)?;
            if !matches!(kc, Kind::Bool | Kind::Unknown) {
                return Err(format!(
                    "Type mismatch: cannot convert from {} to boolean",
                    kc.name()
                ));
            }
            let (ka, kb) = (kind(a, slots)?, kind(b, slots)?);
            match (ka, kb) {
                _ if ka == kb => ka,
                (Kind::Null, k) | (k, Kind::Null) => k,
                _ => Kind::promote(ka, kb).unwrap_or(Kind::Unknown),
            }
        }
        Expr::Cast(p, a) => {
            let k = kind(a, slots)?;
            let to = Kind::of_prim(*p);
            if k.numeric() != to.numeric() && k != Kind::Unknown {
                return Err(format!("Cannot cast from {} to {}", k.name(), to.name()));
            }
            to
        }
        Expr::Static(class, m, args) => {
            let ks: Vec<Kind> = args
                .iter()
                .map(|a| kind(a, slots))
                .collect::<Result<_, _>>()?;
            static_kind(class, m, &ks)
        }
        Expr::Method(r, m, args) => {
            let kr = kind(r, slots)?;
            for a in args {
                kind(a, slots)?;
            }
            method_kind(kr, m)
        }
    })
}

fn static_kind(class: &str, m: &str, ks: &[Kind]) -> Kind {
    let first = ks.first().copied().unwrap_or(Kind::Unknown);
    match (class, m) {
        ("Math", "abs") => Kind::promote(first, Kind::Int).unwrap_or(Kind::Unknown),
        ("Math", "min" | "max") => {
            Kind::promote(first, ks.get(1).copied().unwrap_or(Kind::Unknown))
                .unwrap_or(Kind::Unknown)
        }
        ("Math", "round") => match first {
            Kind::Double => Kind::Long,
            Kind::Unknown => Kind::Unknown,
            _ => Kind::Int,
        },
        ("Math", _) => Kind::Double,
        ("Integer", "valueOf" | "parseInt") => Kind::Int,
        ("Long", "valueOf" | "parseLong") => Kind::Long,
        ("Double", "valueOf" | "parseDouble") => Kind::Double,
        ("Float", "valueOf" | "parseFloat") => Kind::Float,
        ("Short", "valueOf") => Kind::Short,
        ("Byte", "valueOf") => Kind::Byte,
        ("String", "valueOf") => Kind::Str,
        _ => Kind::Unknown,
    }
}

fn method_kind(receiver: Kind, m: &str) -> Kind {
    if let Some(k) = m.strip_prefix("get").and_then(accessor_kind) {
        return k;
    }
    if m.starts_with("set") {
        return Kind::Tuple;
    }
    match m {
        "intValue" | "length" | "hashCode" => Kind::Int,
        "longValue" => Kind::Long,
        "doubleValue" => Kind::Double,
        "floatValue" => Kind::Float,
        "shortValue" => Kind::Short,
        "byteValue" => Kind::Byte,
        "toString" | "toUpperCase" | "toLowerCase" | "trim" => Kind::Str,
        "equals" | "isEmpty" | "isNull" => Kind::Bool,
        _ => {
            let _ = receiver;
            Kind::Unknown
        }
    }
}

/// Java's compile errors for a body whose declared types and returns do not fit: the
/// message Cassandra wraps in `Java source compilation failed:`.
pub fn check(body: &Body, args: &[ColumnType], ret: &ColumnType) -> Result<(), String> {
    let slots = slot_kinds(body, args);
    let ret_kind = Kind::of_type(ret);
    for s in &body.stmts {
        check_stmt(s, &slots, ret, ret_kind)?;
    }
    Ok(())
}

fn check_stmt(s: &Stmt, slots: &[Kind], ret: &ColumnType, ret_kind: Kind) -> Result<(), String> {
    match s {
        Stmt::Return(e) => {
            let k = kind(e, slots)?;
            if ret_kind != Kind::Unknown
                && !matches!(k, Kind::Null | Kind::Unknown)
                && k != ret_kind
            {
                return Err(format!(
                    "Type mismatch: cannot convert from {} to {}",
                    k.name(),
                    super::value::java_class(ret)
                ));
            }
        }
        Stmt::If(c, a, b) => {
            let k = kind(c, slots)?;
            if !matches!(k, Kind::Bool | Kind::Unknown) {
                return Err(format!(
                    "Type mismatch: cannot convert from {} to boolean",
                    k.name()
                ));
            }
            check_stmt(a, slots, ret, ret_kind)?;
            if let Some(b) = b {
                check_stmt(b, slots, ret, ret_kind)?;
            }
        }
        Stmt::Block(b) => {
            for s in b {
                check_stmt(s, slots, ret, ret_kind)?;
            }
        }
        Stmt::Assign(slot, _, op, value) => {
            let to = slots.get(*slot).copied().unwrap_or(Kind::Unknown);
            if let Some(v) = value {
                let k = kind(v, slots)?;
                if op.is_none() && !k.widens_to(to) {
                    return Err(format!(
                        "Type mismatch: cannot convert from {} to {}",
                        k.name(),
                        to.name()
                    ));
                }
            }
        }
        Stmt::Expr(e) => {
            kind(e, slots)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::syntax::parse;
    use super::*;

    fn check_body(body: &str, args: &[(&str, ColumnType)], ret: ColumnType) -> Result<(), String> {
        let names: Vec<String> = args.iter().map(|(n, _)| n.to_string()).collect();
        let types: Vec<ColumnType> = args.iter().map(|(_, t)| t.clone()).collect();
        let b = parse("java", body, &names).unwrap();
        check(&b, &types, &ret)
    }

    #[test]
    fn returns_must_match_the_declared_type() {
        let a = [("a", ColumnType::Int)];
        assert!(check_body("return a + 1;", &a, ColumnType::Int).is_ok());
        assert_eq!(
            check_body("return a / 2.0;", &a, ColumnType::Int).unwrap_err(),
            "Type mismatch: cannot convert from double to Integer"
        );
        assert_eq!(
            check_body("return a;", &a, ColumnType::BigInt).unwrap_err(),
            "Type mismatch: cannot convert from int to Long"
        );
        assert!(check_body("return a > 0 ? a : null;", &a, ColumnType::Int).is_ok());
        assert!(check_body("return (long) a;", &a, ColumnType::BigInt).is_ok());
        assert_eq!(
            check_body("return \"x\" - a;", &a, ColumnType::Int).unwrap_err(),
            "The operator - is undefined for the argument type(s) String, int"
        );
        assert!(check_body("double r = 0; r /= a; return r;", &a, ColumnType::Double).is_ok());
        assert!(check_body("int r = 1.5; return r;", &a, ColumnType::Int).is_err());
    }
}
