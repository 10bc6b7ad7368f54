//! Runs traversal bytecode on a [`Graph`]: every step takes all traversers and gives the
//! next ones (breadth first, fully materialized), each traverser carrying its object and
//! its path with step labels.
//!
//! Steps: `V`, `E`, `addV`, `addE` (with `from`/`to` a step label, a vertex or a
//! traversal), `property` (with an optional cardinality and meta-properties), `drop`,
//! `has` (key; key and value or predicate; label, key and value; `T.id`/`T.label`),
//! `hasLabel`, `hasId`, `hasNot`, `hasKey`, `hasValue`, `out`, `in`, `both`, `outE`,
//! `inE`, `bothE`, `outV`, `inV`, `bothV`, `otherV`, `values`, `valueMap` (with or without
//! `true`), `elementMap`, `properties`, `id`, `label`, `key`, `value`, `count`, `sum`,
//! `min`, `max`, `mean`, `limit`, `range`, `skip`, `tail`, `order` with `by`, `dedup`,
//! `path`, `as`, `select` (labels, `Pop`, `Column`), `where` (predicate or traversal),
//! `is`, `not`, `and`, `or`, `fold`, `unfold`, `group`/`by`, `groupCount`/`by`,
//! `project`/`by`, `constant`, `identity`, `inject`, `barrier`, `union`, `coalesce`,
//! `optional`, `local`. Anything else is refused with its name.

use core::cmp::Ordering;

use super::predicate::{Comparison, Predicate};
use super::reader::{Arg, Bytecode, Instruction, MAX_DEPTH};
use super::store::{Graph, PropRec, property};
use super::value::{Path, Token, Value, same, sort_order};

mod read;
mod reshape;
mod write;

/// The steps the engine runs (modulators `as`, `by`, `from`, `to`, `with` attach to the
/// step before them).
pub const STEPS: &[&str] = &[
    "V",
    "E",
    "addV",
    "addE",
    "property",
    "drop",
    "has",
    "hasLabel",
    "hasId",
    "hasNot",
    "hasKey",
    "hasValue",
    "out",
    "in",
    "both",
    "outE",
    "inE",
    "bothE",
    "outV",
    "inV",
    "bothV",
    "otherV",
    "values",
    "valueMap",
    "elementMap",
    "properties",
    "id",
    "label",
    "key",
    "value",
    "count",
    "sum",
    "min",
    "max",
    "mean",
    "limit",
    "range",
    "skip",
    "tail",
    "order",
    "dedup",
    "path",
    "select",
    "where",
    "is",
    "not",
    "and",
    "or",
    "fold",
    "unfold",
    "group",
    "groupCount",
    "project",
    "constant",
    "identity",
    "inject",
    "barrier",
    "union",
    "coalesce",
    "optional",
    "local",
];

/// Steps that reduce all traversers to one.
const REDUCERS: &[&str] = &[
    "count",
    "fold",
    "sum",
    "min",
    "max",
    "mean",
    "group",
    "groupCount",
];

/// The most traversers a traversal may hold at once.
const MAX_TRAVERSERS: usize = 1_000_000;

type Res<T> = Result<T, String>;

/// What a traverser stands on: an element of the graph (by number), a property of one,
/// or a value; collections keep their elements as objects so later steps can walk them.
#[derive(Debug, Clone, PartialEq)]
enum Obj {
    /// Before the first step.
    Seed,
    /// A vertex.
    V(u64),
    /// An edge.
    E(u64),
    /// A vertex property: vertex and property id.
    Vp(u64, i64),
    /// An edge property: edge and key.
    Ep(u64, String),
    /// A meta-property: vertex, property id and key.
    Mp(u64, i64, String),
    /// A value.
    Val(Value),
    /// A list (`fold()`).
    List(Vec<Obj>),
    /// A map (`group()`, `valueMap()`, `select('a', 'b')`).
    Map(Vec<(Obj, Obj)>),
}

#[derive(Debug, Clone)]
struct Traverser {
    obj: Obj,
    path: Vec<(Obj, Vec<String>)>,
}

impl Traverser {
    /// The traverser moved on to `obj` (recorded in its path).
    fn to(&self, obj: Obj) -> Self {
        let mut path = self.path.clone();
        path.push((obj.clone(), Vec::new()));
        Self { obj, path }
    }

    /// A fresh traverser on `obj` (after a reducing step).
    fn fresh(obj: Obj) -> Self {
        Self {
            path: vec![(obj.clone(), Vec::new())],
            obj,
        }
    }
}

/// One step with its modulators.
#[derive(Debug, Clone)]
struct Step {
    name: String,
    args: Vec<Arg>,
    labels: Vec<String>,
    by: Vec<Vec<Arg>>,
    from: Option<Arg>,
    to: Option<Arg>,
}

/// Runs `bytecode` on `graph` and answers its results.
///
/// # Errors
/// An unsupported step or source (named), bad arguments, or a traversal that grows
/// beyond the engine's bounds; `graph` may have been changed up to the failing step
/// (callers run on a copy).
pub fn execute(graph: &mut Graph, bytecode: &Bytecode) -> Res<Vec<Value>> {
    let mut engine = Engine { graph, depth: 0 };
    let seed = Traverser {
        obj: Obj::Seed,
        path: Vec::new(),
    };
    let out = engine.run(bytecode, vec![seed])?;
    Ok(out.iter().map(|t| engine.render(&t.obj)).collect())
}

/// Runs simple steps built in code (the `gremlin-groovy` forms the node understands).
///
/// # Errors
/// As [`execute`].
pub fn execute_steps(graph: &mut Graph, steps: &[(&str, Vec<Arg>)]) -> Res<Vec<Value>> {
    let bytecode = Bytecode {
        sources: Vec::new(),
        steps: steps
            .iter()
            .map(|(name, args)| Instruction {
                name: (*name).to_string(),
                args: args.clone(),
            })
            .collect(),
    };
    execute(graph, &bytecode)
}

fn compile(bytecode: &Bytecode) -> Res<Vec<Step>> {
    if let Some(source) = bytecode.sources.first() {
        return Err(format!(
            "Unsupported traversal source step '{}' (cql-sim's graph engine runs g without sources)",
            source.name
        ));
    }
    let mut steps: Vec<Step> = Vec::new();
    for i in &bytecode.steps {
        let modulator = matches!(i.name.as_str(), "as" | "by" | "from" | "to" | "with");
        if modulator {
            let Some(last) = steps.last_mut() else {
                return Err(format!("'{}' modulates no step", i.name));
            };
            match i.name.as_str() {
                "as" => last
                    .labels
                    .extend(i.args.iter().filter_map(|a| a.text().map(str::to_string))),
                "by" => last.by.push(i.args.clone()),
                "from" => last.from = i.args.first().cloned(),
                "to" => last.to = i.args.first().cloned(),
                // `valueMap().with(WithOptions.tokens)`
                _ if last.name == "valueMap" => last.args.insert(0, Arg::Value(Value::Bool(true))),
                _ => return Err(format!("Unsupported modulator 'with' on '{}'", last.name)),
            }
            continue;
        }
        if !STEPS.contains(&i.name.as_str()) {
            return Err(format!(
                "Unsupported step '{}' (cql-sim's graph engine supports: {})",
                i.name,
                STEPS.join(", ")
            ));
        }
        steps.push(Step {
            name: i.name.clone(),
            args: i.args.clone(),
            labels: Vec::new(),
            by: Vec::new(),
            from: None,
            to: None,
        });
    }
    Ok(steps)
}

struct Engine<'g> {
    graph: &'g mut Graph,
    depth: usize,
}

/// The keys named by string arguments.
fn keys(args: &[Arg]) -> Vec<String> {
    args.iter()
        .filter_map(|a| a.text().map(str::to_string))
        .collect()
}

fn wants(keys: &[String], key: &str) -> bool {
    keys.is_empty() || keys.iter().any(|k| k == key)
}

/// An integer argument.
fn int_arg(step: &str, arg: Option<&Arg>) -> Res<i64> {
    arg.and_then(Arg::value)
        .and_then(Value::as_i64)
        .ok_or_else(|| format!("{step} wants an integer"))
}

/// The predicate an argument stands for (a plain value means `eq`).
fn predicate(arg: &Arg) -> Res<Predicate> {
    match arg {
        Arg::Predicate(p) => Ok(p.clone()),
        Arg::Value(v) => Ok(Predicate::Compare(Comparison::Eq, v.clone())),
        other => Err(format!("expected a value or predicate, got {other:?}")),
    }
}

/// The ids a `V(...)`/`hasId(...)` argument list names (lists flattened).
fn ids(args: &[Arg]) -> Vec<Value> {
    let mut out = Vec::new();
    for a in args {
        match a.value() {
            Some(Value::List(l) | Value::Set(l)) => out.extend(l.iter().cloned()),
            Some(v) => out.push(v.clone()),
            None => {}
        }
    }
    out
}

impl Engine<'_> {
    fn run(&mut self, bytecode: &Bytecode, input: Vec<Traverser>) -> Res<Vec<Traverser>> {
        if self.depth > MAX_DEPTH {
            return Err(format!("traversals nested deeper than {MAX_DEPTH}"));
        }
        let steps = compile(bytecode)?;
        self.depth += 1;
        let mut ts = input;
        for step in &steps {
            ts = self.step(step, ts)?;
            if ts.len() > MAX_TRAVERSERS {
                self.depth -= 1;
                return Err(format!(
                    "the traversal holds more than {MAX_TRAVERSERS} traversers"
                ));
            }
            if !step.labels.is_empty() {
                for t in &mut ts {
                    if let Some((_, labels)) = t.path.last_mut() {
                        labels.extend(step.labels.iter().cloned());
                    }
                }
            }
        }
        self.depth -= 1;
        Ok(ts)
    }

    /// Runs an anonymous traversal from one traverser.
    fn sub(&mut self, bytecode: &Bytecode, t: &Traverser) -> Res<Vec<Traverser>> {
        self.run(bytecode, vec![t.clone()])
    }

    /// The object a step label names in the traverser's path (the last one so labelled,
    /// or the first with `first`), or the entry of that key when the traverser is on a
    /// map.
    fn labelled(&self, t: &Traverser, label: &str, first: bool) -> Option<Obj> {
        let mut hits = t
            .path
            .iter()
            .filter(|(_, ls)| ls.iter().any(|l| l == label))
            .map(|(o, _)| o.clone());
        let hit = if first { hits.next() } else { hits.next_back() };
        hit.or_else(|| match &t.obj {
            Obj::Map(entries) => entries
                .iter()
                .find(|(k, _)| matches!(k, Obj::Val(Value::Text(s)) if s == label))
                .map(|(_, v)| v.clone()),
            _ => None,
        })
    }

    /// `by()` modulator projections: the object, a property's first value, `T.id` /
    /// `T.label`, or a traversal's first result. `None` when there is nothing.
    fn project(&mut self, t: &Traverser, by: &[Arg]) -> Res<Option<Obj>> {
        Ok(match by.first() {
            None | Some(Arg::Enum(..)) => Some(t.obj.clone()),
            Some(Arg::Value(Value::Token(Token::Id))) => Some(Obj::Val(self.id(&t.obj)?)),
            Some(Arg::Value(Value::Token(Token::Label))) => {
                Some(Obj::Val(Value::Text(self.label(&t.obj)?)))
            }
            Some(Arg::Value(Value::Text(key))) => match &t.obj {
                Obj::Map(_) => self.labelled(t, key, false),
                obj => self.values(obj, key).into_iter().next().map(Obj::Val),
            },
            Some(Arg::Traversal(bc)) => self.sub(bc, t)?.into_iter().next().map(|r| r.obj),
            Some(other) => return Err(format!("unsupported by() modulator {other:?}")),
        })
    }

    /// Moves every traverser to each object `f` gives it.
    fn flat_map(
        &mut self,
        input: Vec<Traverser>,
        mut f: impl FnMut(&mut Self, &Traverser) -> Res<Vec<Obj>>,
    ) -> Res<Vec<Traverser>> {
        let mut out = Vec::new();
        for t in &input {
            for obj in f(self, t)? {
                out.push(t.to(obj));
            }
        }
        Ok(out)
    }

    /// Keeps the traversers `f` accepts.
    fn filter(
        &mut self,
        input: Vec<Traverser>,
        mut f: impl FnMut(&mut Self, &Traverser) -> Res<bool>,
    ) -> Res<Vec<Traverser>> {
        let mut out = Vec::new();
        for t in input {
            if f(self, &t)? {
                out.push(t);
            }
        }
        Ok(out)
    }

    fn step(&mut self, step: &Step, input: Vec<Traverser>) -> Res<Vec<Traverser>> {
        let args = step.args.as_slice();
        let name = step.name.as_str();
        match name {
            "V" | "E" => {
                let wanted = ids(args);
                self.flat_map(input, |e, _| {
                    let g = &*e.graph;
                    Ok(if name == "V" {
                        match wanted.is_empty() {
                            true => g.vertex_numbers().into_iter().map(Obj::V).collect(),
                            false => wanted
                                .iter()
                                .filter_map(|id| g.find_vertex(id))
                                .map(Obj::V)
                                .collect(),
                        }
                    } else {
                        match wanted.is_empty() {
                            true => g.edge_numbers().into_iter().map(Obj::E).collect(),
                            false => wanted
                                .iter()
                                .filter_map(|id| g.find_edge(id))
                                .map(Obj::E)
                                .collect(),
                        }
                    })
                })
            }
            "addV" => {
                let label = args
                    .first()
                    .and_then(Arg::text)
                    .unwrap_or("vertex")
                    .to_string();
                self.flat_map(input, |e, _| Ok(vec![Obj::V(e.graph.add_vertex(&label))]))
            }
            "addE" => {
                let label = args
                    .first()
                    .and_then(Arg::text)
                    .ok_or("addE wants an edge label")?
                    .to_string();
                self.flat_map(input, |e, t| {
                    let current = match &t.obj {
                        Obj::V(n) => Some(*n),
                        _ => None,
                    };
                    let out = match &step.from {
                        Some(a) => e.endpoint(a, t)?,
                        None => current.ok_or("addE needs from() outside a vertex")?,
                    };
                    let inv = match &step.to {
                        Some(a) => e.endpoint(a, t)?,
                        None => current.ok_or("addE needs to() outside a vertex")?,
                    };
                    Ok(vec![Obj::E(e.graph.add_edge(&label, out, inv))])
                })
            }
            "property" => {
                for t in &input {
                    self.set_property(t, args)?;
                }
                Ok(input)
            }
            "drop" => {
                for t in &input {
                    self.drop(&t.obj);
                }
                Ok(Vec::new())
            }
            "has" => {
                let (label, key, p) = match args {
                    [key] => (None, key, None),
                    [key, value] => (None, key, Some(predicate(value)?)),
                    [label, key, value] => (Some(label), key, Some(predicate(value)?)),
                    _ => return Err(format!("has() with {} arguments", args.len())),
                };
                let label = match label {
                    Some(l) => Some(predicate(l)?),
                    None => None,
                };
                self.filter(input, |e, t| {
                    if let Some(l) = &label {
                        if !l.test(&Value::Text(e.label(&t.obj)?)) {
                            return Ok(false);
                        }
                    }
                    e.has(&t.obj, key, p.as_ref())
                })
            }
            "hasNot" => {
                let key = args.first().ok_or("hasNot wants a key")?;
                self.filter(input, |e, t| Ok(!e.has(&t.obj, key, None)?))
            }
            "hasLabel" | "hasKey" => {
                let ps = args.iter().map(predicate).collect::<Res<Vec<_>>>()?;
                self.filter(input, |e, t| {
                    let label = Value::Text(e.label(&t.obj)?);
                    Ok(ps.iter().any(|p| p.test(&label)))
                })
            }
            "hasId" => {
                let ps: Vec<Predicate> = match args {
                    [Arg::Predicate(p)] => vec![p.clone()],
                    _ => ids(args)
                        .into_iter()
                        .map(|v| Predicate::Compare(Comparison::Eq, v))
                        .collect(),
                };
                self.filter(input, |e, t| {
                    let id = e.id(&t.obj)?;
                    Ok(ps.iter().any(|p| p.test(&id)))
                })
            }
            "hasValue" => {
                let ps = args.iter().map(predicate).collect::<Res<Vec<_>>>()?;
                self.filter(input, |e, t| {
                    let v = e.property_value(&t.obj);
                    Ok(ps.iter().any(|p| p.test(&v)))
                })
            }
            "out" | "in" | "both" => {
                let labels = keys(args);
                let (o, i) = (name != "in", name != "out");
                self.flat_map(input, |e, t| Ok(e.adjacent(&t.obj, &labels, o, i)))
            }
            "outE" | "inE" | "bothE" => {
                let labels = keys(args);
                let (o, i) = (name != "inE", name != "outE");
                self.flat_map(input, |e, t| Ok(e.incident(&t.obj, &labels, o, i)))
            }
            "outV" | "inV" | "bothV" | "otherV" => self.flat_map(input, |e, t| {
                let Obj::E(n) = &t.obj else {
                    return Err(format!("{name}() of a non-edge"));
                };
                let Some(rec) = e.graph.edge(*n) else {
                    return Ok(Vec::new());
                };
                Ok(match name {
                    "outV" => vec![Obj::V(rec.out)],
                    "inV" => vec![Obj::V(rec.inv)],
                    "bothV" => vec![Obj::V(rec.out), Obj::V(rec.inv)],
                    _ => {
                        let before = t.path.iter().rev().nth(1).map(|(o, _)| o);
                        match before {
                            Some(Obj::V(v)) if *v == rec.out => vec![Obj::V(rec.inv)],
                            Some(Obj::V(v)) if *v == rec.inv => vec![Obj::V(rec.out)],
                            _ => {
                                return Err(
                                    "otherV() needs the vertex the edge was reached from".into()
                                );
                            }
                        }
                    }
                })
            }),
            "properties" => {
                let keys = keys(args);
                self.flat_map(input, |e, t| Ok(e.properties(&t.obj, &keys)))
            }
            "values" => {
                let keys = keys(args);
                self.flat_map(input, |e, t| {
                    Ok(e.properties(&t.obj, &keys)
                        .iter()
                        .map(|p| Obj::Val(e.property_value(p)))
                        .collect())
                })
            }
            "valueMap" | "elementMap" => {
                let tokens = name == "elementMap"
                    || matches!(args.first(), Some(Arg::Value(Value::Bool(true))));
                let keys = keys(args);
                let lists = name == "valueMap";
                self.flat_map(input, |e, t| {
                    Ok(vec![e.value_map(&t.obj, &keys, tokens, lists)?])
                })
            }
            "id" => self.flat_map(input, |e, t| Ok(vec![Obj::Val(e.id(&t.obj)?)])),
            "label" => self.flat_map(input, |e, t| {
                Ok(vec![Obj::Val(Value::Text(e.label(&t.obj)?))])
            }),
            "key" => self.flat_map(input, |e, t| {
                let key = e.property_key(&t.obj).ok_or("key() of a non-property")?;
                Ok(vec![Obj::Val(Value::Text(key))])
            }),
            "value" => self.flat_map(input, |e, t| Ok(vec![Obj::Val(e.property_value(&t.obj))])),
            "count" if args.iter().any(|a| a.is_enum("g:Scope") == Some("local")) => {
                self.flat_map(input, |_, t| {
                    let n = match &t.obj {
                        Obj::List(l) => l.len(),
                        Obj::Map(m) => m.len(),
                        _ => 1,
                    };
                    Ok(vec![Obj::Val(Value::Int64(
                        i64::try_from(n).unwrap_or(i64::MAX),
                    ))])
                })
            }
            "count" => {
                let n = i64::try_from(input.len()).unwrap_or(i64::MAX);
                Ok(vec![Traverser::fresh(Obj::Val(Value::Int64(n)))])
            }
            "sum" | "min" | "max" | "mean" => {
                let values: Vec<Value> = input.iter().map(|t| self.render(&t.obj)).collect();
                Ok(aggregate(name, &values)?
                    .map(|v| vec![Traverser::fresh(Obj::Val(v))])
                    .unwrap_or_default())
            }
            "limit" => {
                let n = usize::try_from(int_arg(name, args.last())?).unwrap_or(0);
                Ok(input.into_iter().take(n).collect())
            }
            "skip" => {
                let n = usize::try_from(int_arg(name, args.last())?).unwrap_or(0);
                Ok(input.into_iter().skip(n).collect())
            }
            "range" => {
                let lo = usize::try_from(int_arg(name, args.first())?).unwrap_or(0);
                let hi = int_arg(name, args.get(1))?;
                let hi = if hi < 0 {
                    usize::MAX
                } else {
                    usize::try_from(hi).unwrap_or(0)
                };
                Ok(input
                    .into_iter()
                    .skip(lo)
                    .take(hi.saturating_sub(lo))
                    .collect())
            }
            "tail" => {
                let n = match args.last() {
                    Some(a) => usize::try_from(int_arg(name, Some(a))?).unwrap_or(0),
                    None => 1,
                };
                let skip = input.len().saturating_sub(n);
                Ok(input.into_iter().skip(skip).collect())
            }
            "order" => self.order(step, input),
            "dedup" => {
                let by = step.by.first().cloned().unwrap_or_default();
                let mut seen: Vec<Value> = Vec::new();
                self.filter(input, |e, t| {
                    let key = e.project(t, &by)?.map_or(Value::Null, |o| e.render(&o));
                    if seen.iter().any(|s| same(s, &key)) {
                        return Ok(false);
                    }
                    seen.push(key);
                    Ok(true)
                })
            }
            "path" => self.flat_map(input, |e, t| {
                let mut objects = Vec::with_capacity(t.path.len());
                for (i, (o, _)) in t.path.iter().enumerate() {
                    let obj = match step.by.is_empty() {
                        true => o.clone(),
                        false => {
                            let by = &step.by[i % step.by.len()];
                            let at = Traverser {
                                obj: o.clone(),
                                path: t.path.clone(),
                            };
                            e.project(&at, by)?.unwrap_or(Obj::Val(Value::Null))
                        }
                    };
                    objects.push(e.render(&obj));
                }
                let labels = t.path.iter().map(|(_, l)| l.clone()).collect();
                Ok(vec![Obj::Val(Value::Path(Path { labels, objects }))])
            }),
            "select" => self.select(step, input),
            "where" => self.where_(args, input),
            "is" => {
                let p = predicate(args.first().ok_or("is() wants a value")?)?;
                self.filter(input, |e, t| Ok(p.test(&e.render(&t.obj))))
            }
            "not" | "and" | "or" => {
                let subs = traversals(name, args)?;
                self.filter(input, |e, t| {
                    let mut results = Vec::with_capacity(subs.len());
                    for s in &subs {
                        results.push(!e.sub(s, t)?.is_empty());
                    }
                    Ok(match name {
                        "not" => !results.iter().any(|r| *r),
                        "and" => results.iter().all(|r| *r),
                        _ => results.iter().any(|r| *r),
                    })
                })
            }
            "fold" => {
                let items = input.into_iter().map(|t| t.obj).collect();
                Ok(vec![Traverser::fresh(Obj::List(items))])
            }
            "unfold" => self.flat_map(input, |_, t| {
                Ok(match &t.obj {
                    Obj::List(items) => items.clone(),
                    Obj::Map(entries) => {
                        entries.iter().map(|e| Obj::Map(vec![e.clone()])).collect()
                    }
                    Obj::Val(Value::List(items) | Value::Set(items)) => {
                        items.iter().cloned().map(Obj::Val).collect()
                    }
                    other => vec![other.clone()],
                })
            }),
            "group" | "groupCount" => self.group(step, input),
            "project" => {
                let names = keys(args);
                self.flat_map(input, |e, t| {
                    let mut entries = Vec::with_capacity(names.len());
                    for (i, n) in names.iter().enumerate() {
                        let by = match step.by.is_empty() {
                            true => Vec::new(),
                            false => step.by[i % step.by.len()].clone(),
                        };
                        if let Some(o) = e.project(t, &by)? {
                            entries.push((Obj::Val(Value::Text(n.clone())), o));
                        }
                    }
                    Ok(vec![Obj::Map(entries)])
                })
            }
            "constant" => {
                let v = args
                    .first()
                    .and_then(Arg::value)
                    .cloned()
                    .unwrap_or(Value::Null);
                self.flat_map(input, |_, _| Ok(vec![Obj::Val(v.clone())]))
            }
            "identity" | "barrier" => Ok(input),
            "inject" => {
                let mut out: Vec<Traverser> =
                    input.into_iter().filter(|t| t.obj != Obj::Seed).collect();
                for a in args {
                    let v = a.value().cloned().ok_or("inject() wants values")?;
                    out.push(Traverser::fresh(Obj::Val(v)));
                }
                Ok(out)
            }
            "union" | "coalesce" | "optional" | "local" => {
                let subs = traversals(name, args)?;
                let mut out = Vec::new();
                for t in &input {
                    match name {
                        "union" | "local" => {
                            for s in &subs {
                                out.extend(self.sub(s, t)?);
                            }
                        }
                        "coalesce" => {
                            for s in &subs {
                                let r = self.sub(s, t)?;
                                if !r.is_empty() {
                                    out.extend(r);
                                    break;
                                }
                            }
                        }
                        _ => {
                            let r = match subs.first() {
                                Some(s) => self.sub(s, t)?,
                                None => Vec::new(),
                            };
                            if r.is_empty() {
                                out.push(t.clone());
                            } else {
                                out.extend(r);
                            }
                        }
                    }
                }
                Ok(out)
            }
            other => Err(format!("Unsupported step '{other}'")),
        }
    }
}

/// The anonymous traversals of `not`/`and`/`or`/`union`/... arguments.
fn traversals(step: &str, args: &[Arg]) -> Res<Vec<Bytecode>> {
    args.iter()
        .map(|a| match a {
            Arg::Traversal(bc) => Ok(bc.clone()),
            other => Err(format!("{step}() wants traversals, got {other:?}")),
        })
        .collect()
}

/// `sum`, `min`, `max`, `mean` over numbers (`None` for no input).
fn aggregate(name: &str, values: &[Value]) -> Res<Option<Value>> {
    let numbers: Vec<&Value> = values.iter().filter(|v| v.as_f64().is_some()).collect();
    if numbers.len() != values.len() {
        return Err(format!("{name}() of non-numbers"));
    }
    let Some(first) = numbers.first() else {
        return Ok(None);
    };
    Ok(Some(match name {
        "min" => (*numbers.iter().fold(first, |m, v| {
            if sort_order(v, m) == Ordering::Less {
                v
            } else {
                m
            }
        }))
        .clone(),
        "max" => (*numbers.iter().fold(first, |m, v| {
            if sort_order(v, m) == Ordering::Greater {
                v
            } else {
                m
            }
        }))
        .clone(),
        "sum" if numbers.iter().all(|v| v.as_i64().is_some()) => Value::Int64(
            numbers
                .iter()
                .filter_map(|v| v.as_i64())
                .fold(0i64, i64::wrapping_add),
        ),
        "sum" => Value::Double(numbers.iter().filter_map(|v| v.as_f64()).sum()),
        _ => {
            let total: f64 = numbers.iter().filter_map(|v| v.as_f64()).sum();
            Value::Double(total / numbers.len() as f64)
        }
    }))
}
