//! Gremlin predicates (`P`, `TextP`) and DSE's search and geo predicates, tested against
//! property values.
//!
//! DSE Search predicates run in a simple form, without a search index: text is split into
//! lowercase tokens on anything that is not a letter or digit; `token`, `tokenPrefix`,
//! `tokenRegex` and `tokenFuzzy` test each token; `prefix`, `regex` and `fuzzy` test the
//! whole text; `phrase(q, d)` finds the query's tokens in order with at most `d` other
//! tokens between neighbours. `Geo.inside` tests a point against a circle
//! (`DISTANCE((x y) r)`, in the point's units) or a polygon.

use core::cmp::Ordering;

use regex::Regex;

use super::value::{Value, compare, same};

/// A predicate.
#[derive(Debug, Clone, PartialEq)]
pub enum Predicate {
    /// `eq`, `neq`, `lt`, `lte`, `gt`, `gte`.
    Compare(Comparison, Value),
    /// `within(values)`.
    Within(Vec<Value>),
    /// `without(values)`.
    Without(Vec<Value>),
    /// `between(lo, hi)`: `lo <= x < hi`.
    Between(Value, Value),
    /// `inside(lo, hi)`: `lo < x < hi`.
    Inside(Value, Value),
    /// `outside(lo, hi)`: `x < lo || x > hi`.
    Outside(Value, Value),
    /// `P.and`.
    And(Vec<Predicate>),
    /// `P.or`.
    Or(Vec<Predicate>),
    /// `P.not`.
    Not(Box<Predicate>),
    /// A text predicate with its operand.
    Text(TextOp, String),
    /// A text predicate with a distance: `fuzzy`, `tokenFuzzy`, `phrase`.
    Distance(DistanceOp, String, i64),
    /// DSE's `Geo.inside`.
    GeoInside(Shape),
}

/// The comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// `eq`.
    Eq,
    /// `neq`.
    Neq,
    /// `lt`.
    Lt,
    /// `lte`.
    Lte,
    /// `gt`.
    Gt,
    /// `gte`.
    Gte,
}

/// Text predicates with one operand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextOp {
    /// `TextP.containing`.
    Containing,
    /// `TextP.notContaining`.
    NotContaining,
    /// `TextP.startingWith`.
    StartingWith,
    /// `TextP.notStartingWith`.
    NotStartingWith,
    /// `TextP.endingWith`.
    EndingWith,
    /// `TextP.notEndingWith`.
    NotEndingWith,
    /// DSE `Search.token`.
    Token,
    /// DSE `Search.tokenPrefix`.
    TokenPrefix,
    /// DSE `Search.tokenRegex`.
    TokenRegex,
    /// DSE `Search.prefix`.
    Prefix,
    /// DSE `Search.regex`.
    Regex,
}

/// Text predicates with a distance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DistanceOp {
    /// `Search.fuzzy`: the whole text within an edit distance.
    Fuzzy,
    /// `Search.tokenFuzzy`: a token within an edit distance.
    TokenFuzzy,
    /// `Search.phrase`: the tokens in order, with at most the distance in between.
    Phrase,
}

/// A geo predicate's region.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A circle: centre and radius.
    Circle {
        /// Centre x.
        x: f64,
        /// Centre y.
        y: f64,
        /// Radius.
        radius: f64,
    },
    /// A polygon's exterior ring.
    Polygon(Vec<(f64, f64)>),
}

impl Predicate {
    /// The predicate named `name` (a `P`/`TextP` predicate name) over `operand`.
    ///
    /// # Errors
    /// The predicate is unknown or its operand has the wrong shape.
    pub fn named(name: &str, operand: Value) -> Result<Self, String> {
        let cmp = |c| Ok(Self::Compare(c, operand.clone()));
        let pair = |operand: &Value| -> Result<(Value, Value), String> {
            match operand {
                Value::List(v) if v.len() == 2 => Ok((v[0].clone(), v[1].clone())),
                other => Err(format!("{name} wants two values, got {other:?}")),
            }
        };
        let list = |operand: Value| match operand {
            Value::List(v) | Value::Set(v) => v,
            other => vec![other],
        };
        let text = |op| match &operand {
            Value::Text(s) => Ok(Self::Text(op, s.clone())),
            other => Err(format!("{name} wants a string, got {other:?}")),
        };
        match name {
            "eq" => cmp(Comparison::Eq),
            "neq" => cmp(Comparison::Neq),
            "lt" => cmp(Comparison::Lt),
            "lte" => cmp(Comparison::Lte),
            "gt" => cmp(Comparison::Gt),
            "gte" => cmp(Comparison::Gte),
            "within" => Ok(Self::Within(list(operand))),
            "without" => Ok(Self::Without(list(operand))),
            "between" => pair(&operand).map(|(a, b)| Self::Between(a, b)),
            "inside" => pair(&operand).map(|(a, b)| Self::Inside(a, b)),
            "outside" => pair(&operand).map(|(a, b)| Self::Outside(a, b)),
            "containing" => text(TextOp::Containing),
            "notContaining" => text(TextOp::NotContaining),
            "startingWith" => text(TextOp::StartingWith),
            "notStartingWith" => text(TextOp::NotStartingWith),
            "endingWith" => text(TextOp::EndingWith),
            "notEndingWith" => text(TextOp::NotEndingWith),
            "token" => text(TextOp::Token),
            "tokenPrefix" => text(TextOp::TokenPrefix),
            "tokenRegex" => text(TextOp::TokenRegex),
            "prefix" => text(TextOp::Prefix),
            "regex" => text(TextOp::Regex),
            other => Err(format!("unknown predicate '{other}'")),
        }
    }

    /// Whether `v` satisfies the predicate.
    pub fn test(&self, v: &Value) -> bool {
        let ord = |b: &Value| compare(v, b);
        match self {
            Self::Compare(c, b) => match c {
                Comparison::Eq => same(v, b),
                Comparison::Neq => !same(v, b),
                Comparison::Lt => ord(b) == Some(Ordering::Less),
                Comparison::Lte => matches!(ord(b), Some(Ordering::Less | Ordering::Equal)),
                Comparison::Gt => ord(b) == Some(Ordering::Greater),
                Comparison::Gte => matches!(ord(b), Some(Ordering::Greater | Ordering::Equal)),
            },
            Self::Within(set) => set.iter().any(|b| same(v, b)),
            Self::Without(set) => !set.iter().any(|b| same(v, b)),
            Self::Between(lo, hi) => {
                matches!(ord(lo), Some(Ordering::Greater | Ordering::Equal))
                    && ord(hi) == Some(Ordering::Less)
            }
            Self::Inside(lo, hi) => {
                ord(lo) == Some(Ordering::Greater) && ord(hi) == Some(Ordering::Less)
            }
            Self::Outside(lo, hi) => {
                ord(lo) == Some(Ordering::Less) || ord(hi) == Some(Ordering::Greater)
            }
            Self::And(ps) => ps.iter().all(|p| p.test(v)),
            Self::Or(ps) => ps.iter().any(|p| p.test(v)),
            Self::Not(p) => !p.test(v),
            Self::Text(op, q) => v.as_str().is_some_and(|s| text_test(*op, s, q)),
            Self::Distance(op, q, d) => v.as_str().is_some_and(|s| distance_test(*op, s, q, *d)),
            Self::GeoInside(shape) => point_of(v).is_some_and(|p| shape.contains(p)),
        }
    }

    /// The predicate with every operand passed through `f` (`where(eq('a'))` turns step
    /// labels into the objects they name).
    pub fn map_operands(&self, f: &mut impl FnMut(&Value) -> Value) -> Self {
        let all = |vs: &[Value], f: &mut dyn FnMut(&Value) -> Value| vs.iter().map(f).collect();
        match self {
            Self::Compare(c, b) => Self::Compare(*c, f(b)),
            Self::Within(vs) => Self::Within(all(vs, f)),
            Self::Without(vs) => Self::Without(all(vs, f)),
            Self::Between(a, b) => Self::Between(f(a), f(b)),
            Self::Inside(a, b) => Self::Inside(f(a), f(b)),
            Self::Outside(a, b) => Self::Outside(f(a), f(b)),
            Self::And(ps) => Self::And(ps.iter().map(|p| p.map_operands(f)).collect()),
            Self::Or(ps) => Self::Or(ps.iter().map(|p| p.map_operands(f)).collect()),
            Self::Not(p) => Self::Not(Box::new(p.map_operands(f))),
            other => other.clone(),
        }
    }
}

/// Lowercase tokens: runs of letters and digits.
fn tokens(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether `re` matches the whole of `s` (an invalid pattern matches nothing).
fn full_match(re: &str, s: &str) -> bool {
    Regex::new(&format!("^(?:{re})$")).is_ok_and(|r| r.is_match(s))
}

fn text_test(op: TextOp, s: &str, q: &str) -> bool {
    let lower = q.to_lowercase();
    match op {
        TextOp::Containing => s.contains(q),
        TextOp::NotContaining => !s.contains(q),
        TextOp::StartingWith => s.starts_with(q),
        TextOp::NotStartingWith => !s.starts_with(q),
        TextOp::EndingWith => s.ends_with(q),
        TextOp::NotEndingWith => !s.ends_with(q),
        TextOp::Token => tokens(s).contains(&lower),
        TextOp::TokenPrefix => tokens(s).iter().any(|t| t.starts_with(&lower)),
        TextOp::TokenRegex => tokens(s).iter().any(|t| full_match(q, t)),
        TextOp::Prefix => s.starts_with(q),
        TextOp::Regex => full_match(q, s),
    }
}

fn distance_test(op: DistanceOp, s: &str, q: &str, d: i64) -> bool {
    let d = usize::try_from(d).unwrap_or(0);
    match op {
        DistanceOp::Fuzzy => edit_distance(s, q) <= d,
        DistanceOp::TokenFuzzy => tokens(s)
            .iter()
            .any(|t| edit_distance(t, &q.to_lowercase()) <= d),
        DistanceOp::Phrase => phrase(&tokens(s), &tokens(q), d),
    }
}

/// Whether `query` appears in `text` in order, each next token at most `slop` tokens
/// after the previous.
fn phrase(text: &[String], query: &[String], slop: usize) -> bool {
    let Some(first) = query.first() else {
        return true;
    };
    text.iter()
        .enumerate()
        .filter(|(_, t)| *t == first)
        .any(|(start, _)| {
            let mut at = start;
            query.iter().skip(1).all(|q| {
                let window = text.iter().enumerate().skip(at + 1).take(slop + 1);
                match window.into_iter().find(|(_, t)| *t == q) {
                    Some((i, _)) => {
                        at = i;
                        true
                    }
                    None => false,
                }
            })
        })
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let best = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            cur[j + 1] = best;
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

/// The coordinates of a `POINT (x y)` value.
fn point_of(v: &Value) -> Option<(f64, f64)> {
    match v {
        Value::Point(wkt) => parse_point(wkt),
        _ => None,
    }
}

/// `POINT (x y)`.
pub fn parse_point(wkt: &str) -> Option<(f64, f64)> {
    let inner = wkt.trim().strip_prefix("POINT")?.trim();
    let inner = inner.strip_prefix('(')?.strip_suffix(')')?;
    coordinates(inner)
}

fn coordinates(s: &str) -> Option<(f64, f64)> {
    let mut it = s.split_whitespace();
    let x = it.next()?.parse().ok()?;
    let y = it.next()?.parse().ok()?;
    it.next().is_none().then_some((x, y))
}

impl Shape {
    /// `DISTANCE((x y) r)`, as DSE's `Distance` is written.
    pub fn circle(text: &str) -> Option<Self> {
        let inner = text.trim().strip_prefix("DISTANCE")?.trim();
        let inner = inner.strip_prefix('(')?.strip_suffix(')')?.trim();
        let inner = inner.strip_prefix('(')?;
        let (centre, radius) = inner.split_once(')')?;
        let (x, y) = coordinates(centre)?;
        Some(Self::Circle {
            x,
            y,
            radius: radius.trim().parse().ok()?,
        })
    }

    /// `POLYGON ((x y, ...))`: the exterior ring.
    pub fn polygon(wkt: &str) -> Option<Self> {
        let inner = wkt.trim().strip_prefix("POLYGON")?.trim();
        let inner = inner.strip_prefix("((")?;
        let ring = inner.split(')').next()?;
        let points: Option<Vec<_>> = ring.split(',').map(coordinates).collect();
        Some(Self::Polygon(points?))
    }

    fn contains(&self, (px, py): (f64, f64)) -> bool {
        match self {
            Self::Circle { x, y, radius } => (px - x).hypot(py - y) <= *radius,
            Self::Polygon(ring) => {
                // Ray casting.
                let mut inside = false;
                let n = ring.len();
                for i in 0..n {
                    let (xi, yi) = ring[i];
                    let (xj, yj) = ring[(i + n - 1) % n];
                    if (yi > py) != (yj > py) && px < (xj - xi) * (py - yi) / (yj - yi) + xi {
                        inside = !inside;
                    }
                }
                inside
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(name: &str, v: Value) -> Predicate {
        Predicate::named(name, v).unwrap()
    }

    #[test]
    fn comparisons_and_ranges() {
        let i = Value::Int32;
        assert!(p("eq", i(29)).test(&Value::Int64(29)));
        assert!(p("neq", i(29)).test(&i(30)));
        assert!(p("lt", i(30)).test(&i(29)) && !p("lt", i(29)).test(&i(29)));
        assert!(p("lte", i(29)).test(&i(29)));
        assert!(p("gt", i(28)).test(&i(29)) && p("gte", i(29)).test(&i(29)));
        assert!(
            !p("gt", i(28)).test(&Value::text("x")),
            "kinds do not compare"
        );
        let two = |a, b| Value::List(vec![i(a), i(b)]);
        assert!(p("between", two(1, 3)).test(&i(1)) && !p("between", two(1, 3)).test(&i(3)));
        assert!(!p("inside", two(1, 3)).test(&i(1)) && p("inside", two(1, 3)).test(&i(2)));
        assert!(p("outside", two(1, 3)).test(&i(0)) && !p("outside", two(1, 3)).test(&i(2)));
        assert!(p("within", two(1, 3)).test(&i(3)) && p("without", two(1, 3)).test(&i(2)));
        assert!(Predicate::named("between", i(1)).is_err());
        let and = Predicate::And(vec![p("gt", i(1)), p("lt", i(5))]);
        assert!(and.test(&i(3)) && !and.test(&i(6)));
        let or = Predicate::Or(vec![p("lt", i(1)), p("gt", i(5))]);
        assert!(or.test(&i(6)) && !or.test(&i(3)));
        assert!(Predicate::Not(Box::new(p("eq", i(1)))).test(&i(2)));
        assert!(Predicate::named("bogus", i(1)).is_err());
    }

    #[test]
    fn text_and_search_predicates() {
        let t = Value::text("The quick brown Fox");
        assert!(p("containing", Value::text("quick")).test(&t));
        assert!(p("startingWith", Value::text("The")).test(&t));
        assert!(p("endingWith", Value::text("Fox")).test(&t));
        assert!(p("notContaining", Value::text("dog")).test(&t));
        assert!(p("token", Value::text("fox")).test(&t));
        assert!(!p("token", Value::text("qui")).test(&t));
        assert!(p("tokenPrefix", Value::text("qui")).test(&t));
        assert!(p("tokenRegex", Value::text("b.*n")).test(&t));
        assert!(p("prefix", Value::text("The q")).test(&t));
        assert!(p("regex", Value::text("The.*Fox")).test(&t));
        assert!(!p("regex", Value::text("quick")).test(&t), "whole text");
        let d = |op, q: &str, n| Predicate::Distance(op, q.into(), n);
        assert!(d(DistanceOp::Fuzzy, "The quick brown Fux", 1).test(&t));
        assert!(!d(DistanceOp::Fuzzy, "The quack brown Fux", 1).test(&t));
        assert!(d(DistanceOp::TokenFuzzy, "browm", 1).test(&t));
        assert!(d(DistanceOp::Phrase, "quick fox", 1).test(&t));
        assert!(!d(DistanceOp::Phrase, "quick fox", 0).test(&t));
        assert!(d(DistanceOp::Phrase, "quick brown", 0).test(&t));
        assert!(!p("token", Value::text("x")).test(&Value::Int32(1)));
    }

    #[test]
    fn geo_inside() {
        let circle = Predicate::GeoInside(Shape::circle("DISTANCE((1.0 2.0) 1.5)").unwrap());
        assert!(circle.test(&Value::Point("POINT (2 2)".into())));
        assert!(!circle.test(&Value::Point("POINT (3 2)".into())));
        let square =
            Predicate::GeoInside(Shape::polygon("POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0))").unwrap());
        assert!(square.test(&Value::Point("POINT (1 1)".into())));
        assert!(!square.test(&Value::Point("POINT (5 1)".into())));
        assert!(!square.test(&Value::text("POINT (1 1)")));
        assert!(Shape::circle("DISTANCE((1 x) 2)").is_none());
    }
}
