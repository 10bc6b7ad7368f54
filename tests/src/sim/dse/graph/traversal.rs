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

    fn render(&self, obj: &Obj) -> Value {
        let g = &*self.graph;
        match obj {
            Obj::Seed => Value::Null,
            Obj::V(n) => g.vertex_value(*n),
            Obj::E(n) => g.edge_value(*n),
            Obj::Vp(v, id) => self
                .prop(*v, *id)
                .map_or(Value::Null, |p| Value::VertexProperty(g.prop_value(p))),
            Obj::Ep(_, key) | Obj::Mp(_, _, key) => {
                Value::Property(property(key, &self.property_value(obj)))
            }
            Obj::Val(v) => v.clone(),
            Obj::List(items) => Value::List(items.iter().map(|o| self.render(o)).collect()),
            Obj::Map(entries) => Value::Map(
                entries
                    .iter()
                    .map(|(k, v)| (self.render(k), self.render(v)))
                    .collect(),
            ),
        }
    }

    fn prop(&self, v: u64, id: i64) -> Option<&PropRec> {
        self.graph.vertex(v)?.props.iter().find(|p| p.id == id)
    }

    /// The value of a property object.
    fn property_value(&self, obj: &Obj) -> Value {
        let found = match obj {
            Obj::Vp(v, id) => self.prop(*v, *id).map(|p| p.value.clone()),
            Obj::Ep(e, key) => self
                .graph
                .edge(*e)
                .and_then(|e| e.props.iter().find(|(k, _)| k == key))
                .map(|(_, v)| v.clone()),
            Obj::Mp(v, id, key) => self
                .prop(*v, *id)
                .and_then(|p| p.meta.iter().find(|(k, _)| k == key))
                .map(|(_, v)| v.clone()),
            _ => None,
        };
        found.unwrap_or(Value::Null)
    }

    /// The key of a property object.
    fn property_key(&self, obj: &Obj) -> Option<String> {
        match obj {
            Obj::Vp(v, id) => self.prop(*v, *id).map(|p| p.key.clone()),
            Obj::Ep(_, key) | Obj::Mp(_, _, key) => Some(key.clone()),
            _ => None,
        }
    }

    /// The properties of an element with one of `keys` (all when empty).
    fn properties(&self, obj: &Obj, keys: &[String]) -> Vec<Obj> {
        match obj {
            Obj::V(n) => self.graph.vertex(*n).map_or_else(Vec::new, |v| {
                v.props
                    .iter()
                    .filter(|p| wants(keys, &p.key))
                    .map(|p| Obj::Vp(*n, p.id))
                    .collect()
            }),
            Obj::E(n) => self.graph.edge(*n).map_or_else(Vec::new, |e| {
                e.props
                    .iter()
                    .filter(|(k, _)| wants(keys, k))
                    .map(|(k, _)| Obj::Ep(*n, k.clone()))
                    .collect()
            }),
            Obj::Vp(v, id) => self.prop(*v, *id).map_or_else(Vec::new, |p| {
                p.meta
                    .iter()
                    .filter(|(k, _)| wants(keys, k))
                    .map(|(k, _)| Obj::Mp(*v, *id, k.clone()))
                    .collect()
            }),
            _ => Vec::new(),
        }
    }

    fn values(&self, obj: &Obj, key: &str) -> Vec<Value> {
        self.properties(obj, &[key.to_string()])
            .iter()
            .map(|p| self.property_value(p))
            .collect()
    }

    fn id(&self, obj: &Obj) -> Res<Value> {
        match obj {
            Obj::V(n) => Ok(self.graph.vertex_id(*n)),
            Obj::E(n) => Ok(self.graph.edge_id(*n)),
            Obj::Vp(_, id) => Ok(Value::Int64(*id)),
            other => Err(format!("id() of {:?}", self.render(other))),
        }
    }

    fn label(&self, obj: &Obj) -> Res<String> {
        match obj {
            Obj::V(n) => Ok(self
                .graph
                .vertex(*n)
                .map(|v| v.label.clone())
                .unwrap_or_default()),
            Obj::E(n) => Ok(self
                .graph
                .edge(*n)
                .map(|e| e.label.clone())
                .unwrap_or_default()),
            other => self
                .property_key(other)
                .ok_or_else(|| format!("label() of {:?}", self.render(other))),
        }
    }

    /// Whether `obj` has `key` (a property key or `T.id`/`T.label`) with a value passing
    /// `p` (any value when `p` is `None`).
    fn has(&self, obj: &Obj, key: &Arg, p: Option<&Predicate>) -> Res<bool> {
        let values = match key {
            Arg::Value(Value::Token(Token::Id)) => vec![self.id(obj)?],
            Arg::Value(Value::Token(Token::Label)) => vec![Value::Text(self.label(obj)?)],
            Arg::Value(Value::Text(k)) => self.values(obj, k),
            other => return Err(format!("has() wants a property key, got {other:?}")),
        };
        Ok(match p {
            None => !values.is_empty(),
            Some(p) => values.iter().any(|v| p.test(v)),
        })
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

    /// A vertex given as `from()`/`to()`: a step label, a vertex or its id, or a
    /// traversal's first vertex.
    fn endpoint(&mut self, arg: &Arg, t: &Traverser) -> Res<u64> {
        let found = match arg {
            Arg::Value(Value::Text(label)) if self.labelled(t, label, false).is_some() => {
                match self.labelled(t, label, false) {
                    Some(Obj::V(n)) => Some(n),
                    _ => None,
                }
            }
            Arg::Value(v) => self.graph.find_vertex(v),
            Arg::Traversal(bc) => self.sub(bc, t)?.into_iter().find_map(|r| match r.obj {
                Obj::V(n) => Some(n),
                _ => None,
            }),
            _ => None,
        };
        found.ok_or_else(|| format!("addE: {arg:?} is not a vertex of the graph"))
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

    /// The vertices adjacent to a vertex over edges with one of `labels`.
    fn adjacent(&self, obj: &Obj, labels: &[String], out: bool, inv: bool) -> Vec<Obj> {
        let Obj::V(n) = obj else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for e in self.graph.edges_of(*n, out, inv) {
            let Some(rec) = self.graph.edge(e) else {
                continue;
            };
            if !wants(labels, &rec.label) {
                continue;
            }
            if out && rec.out == *n {
                found.push(Obj::V(rec.inv));
            }
            if inv && rec.inv == *n {
                found.push(Obj::V(rec.out));
            }
        }
        found
    }

    fn incident(&self, obj: &Obj, labels: &[String], out: bool, inv: bool) -> Vec<Obj> {
        let Obj::V(n) = obj else {
            return Vec::new();
        };
        self.graph
            .edges_of(*n, out, inv)
            .into_iter()
            .filter(|e| self.graph.edge(*e).is_some_and(|r| wants(labels, &r.label)))
            .map(Obj::E)
            .collect()
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

    fn value_map(&self, obj: &Obj, keys: &[String], tokens: bool, lists: bool) -> Res<Obj> {
        let key = |k: &str| Obj::Val(Value::Text(k.to_string()));
        let mut entries = Vec::new();
        if tokens {
            entries.push((Obj::Val(Value::Token(Token::Id)), Obj::Val(self.id(obj)?)));
            entries.push((
                Obj::Val(Value::Token(Token::Label)),
                Obj::Val(Value::Text(self.label(obj)?)),
            ));
        }
        if let (false, Obj::E(n)) = (lists, obj) {
            // elementMap() of an edge: its two vertices.
            if let Some(rec) = self.graph.edge(*n).cloned() {
                for (dir, v) in [(Token::In, rec.inv), (Token::Out, rec.out)] {
                    let label = self.label(&Obj::V(v))?;
                    entries.push((
                        Obj::Val(Value::Token(dir)),
                        Obj::Map(vec![
                            (
                                Obj::Val(Value::Token(Token::Id)),
                                Obj::Val(self.graph.vertex_id(v)),
                            ),
                            (
                                Obj::Val(Value::Token(Token::Label)),
                                Obj::Val(Value::Text(label)),
                            ),
                        ]),
                    ));
                }
            }
        }
        let props = self.properties(obj, keys);
        let mut order: Vec<String> = Vec::new();
        for p in &props {
            if let Some(k) = self.property_key(p) {
                if !order.contains(&k) {
                    order.push(k);
                }
            }
        }
        let multi = matches!(obj, Obj::V(_));
        for k in order {
            let mut values: Vec<Obj> = props
                .iter()
                .filter(|p| self.property_key(p).as_deref() == Some(k.as_str()))
                .map(|p| Obj::Val(self.property_value(p)))
                .collect();
            let value = match lists && multi {
                true => Obj::List(values),
                false if values.is_empty() => continue,
                false => values.swap_remove(0),
            };
            entries.push((key(&k), value));
        }
        Ok(Obj::Map(entries))
    }

    fn set_property(&mut self, t: &Traverser, args: &[Arg]) -> Res<()> {
        let (cardinality, rest) = match args.first().and_then(|a| a.is_enum("g:Cardinality")) {
            Some(c) => (Some(c.to_string()), args.get(1..).unwrap_or_default()),
            None => (None, args),
        };
        let [key, value, meta @ ..] = rest else {
            return Err("property() wants a key and a value".to_string());
        };
        let key = match key {
            Arg::Value(Value::Text(k)) => k.clone(),
            other => {
                return Err(format!(
                    "property() key {other:?} is not supported (ids and labels are set when adding)"
                ));
            }
        };
        let value = match value {
            Arg::Value(v) => v.clone(),
            Arg::Traversal(bc) => match self.sub(bc, t)?.into_iter().next() {
                Some(r) => self.render(&r.obj),
                None => {
                    return Err(format!(
                        "property('{key}', traversal): the traversal gave nothing"
                    ));
                }
            },
            other => return Err(format!("property() value {other:?}")),
        };
        if meta.len() % 2 != 0 {
            return Err("property() meta-properties come in key/value pairs".to_string());
        }
        let meta: Vec<(String, Value)> = meta
            .chunks(2)
            .map(|kv| match kv {
                [Arg::Value(Value::Text(k)), Arg::Value(v)] => Ok((k.clone(), v.clone())),
                other => Err(format!("bad meta-property {other:?}")),
            })
            .collect::<Res<_>>()?;
        match &t.obj {
            Obj::V(n) => {
                let id = self.graph.next_property_id();
                let Some(v) = self.graph.vertex_mut(*n) else {
                    return Ok(());
                };
                match cardinality.as_deref() {
                    Some("list") => {}
                    Some("set")
                        if v.props
                            .iter()
                            .any(|p| p.key == key && same(&p.value, &value)) =>
                    {
                        return Ok(());
                    }
                    Some("set") => {}
                    _ => v.props.retain(|p| p.key != key),
                }
                v.props.push(PropRec {
                    id,
                    key,
                    value,
                    meta,
                });
            }
            Obj::E(n) => {
                if let Some(e) = self.graph.edge_mut(*n) {
                    match e.props.iter_mut().find(|(k, _)| *k == key) {
                        Some(slot) => slot.1 = value,
                        None => e.props.push((key, value)),
                    }
                }
            }
            Obj::Vp(v, id) => {
                let prop = self
                    .graph
                    .vertex_mut(*v)
                    .and_then(|v| v.props.iter_mut().find(|p| p.id == *id));
                if let Some(p) = prop {
                    match p.meta.iter_mut().find(|(k, _)| *k == key) {
                        Some(slot) => slot.1 = value,
                        None => p.meta.push((key, value)),
                    }
                }
            }
            other => return Err(format!("property() on {:?}", self.render(other))),
        }
        Ok(())
    }

    fn drop(&mut self, obj: &Obj) {
        match obj {
            Obj::V(n) => self.graph.remove_vertex(*n),
            Obj::E(n) => self.graph.remove_edge(*n),
            Obj::Vp(v, id) => {
                if let Some(v) = self.graph.vertex_mut(*v) {
                    v.props.retain(|p| p.id != *id);
                }
            }
            Obj::Ep(e, key) => {
                if let Some(e) = self.graph.edge_mut(*e) {
                    e.props.retain(|(k, _)| k != key);
                }
            }
            Obj::Mp(v, id, key) => {
                let prop = self
                    .graph
                    .vertex_mut(*v)
                    .and_then(|v| v.props.iter_mut().find(|p| p.id == *id));
                if let Some(p) = prop {
                    p.meta.retain(|(k, _)| k != key);
                }
            }
            _ => {}
        }
    }

    fn order(&mut self, step: &Step, input: Vec<Traverser>) -> Res<Vec<Traverser>> {
        let bys: Vec<Vec<Arg>> = match step.by.is_empty() {
            true => vec![Vec::new()],
            false => step.by.clone(),
        };
        let mut keyed = Vec::with_capacity(input.len());
        for t in input {
            let mut keys = Vec::with_capacity(bys.len());
            for by in &bys {
                let projection: Vec<Arg> = by
                    .iter()
                    .filter(|a| a.is_enum("g:Order").is_none())
                    .cloned()
                    .collect();
                let v = self
                    .project(&t, &projection)?
                    .map_or(Value::Null, |o| self.render(&o));
                keys.push(v);
            }
            keyed.push((keys, t));
        }
        let descending: Vec<Option<bool>> = bys
            .iter()
            .map(|by| match by.iter().find_map(|a| a.is_enum("g:Order")) {
                Some("desc" | "decr") => Some(true),
                Some("shuffle") => None,
                _ => Some(false),
            })
            .collect();
        keyed.sort_by(|(a, _), (b, _)| {
            for ((x, y), desc) in a.iter().zip(b).zip(&descending) {
                let o = match desc {
                    None => Ordering::Equal,
                    Some(true) => sort_order(y, x),
                    Some(false) => sort_order(x, y),
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        });
        Ok(keyed.into_iter().map(|(_, t)| t).collect())
    }

    fn select(&mut self, step: &Step, input: Vec<Traverser>) -> Res<Vec<Traverser>> {
        let args = &step.args;
        if let Some(column) = args.first().and_then(|a| a.is_enum("g:Column")) {
            let keys = column == "keys";
            return self.flat_map(input, |_, t| match &t.obj {
                Obj::Map(entries) => Ok(vec![Obj::List(
                    entries
                        .iter()
                        .map(|(k, v)| if keys { k.clone() } else { v.clone() })
                        .collect(),
                )]),
                _ => Ok(Vec::new()),
            });
        }
        let pop = args
            .first()
            .and_then(|a| a.is_enum("g:Pop"))
            .map(str::to_string);
        let labels = keys(args);
        let mut out = Vec::new();
        for t in &input {
            let mut picked = Vec::with_capacity(labels.len());
            for l in &labels {
                let obj = match pop.as_deref() {
                    Some("all") => {
                        let all: Vec<Obj> = t
                            .path
                            .iter()
                            .filter(|(_, ls)| ls.contains(l))
                            .map(|(o, _)| o.clone())
                            .collect();
                        (!all.is_empty()).then_some(Obj::List(all))
                    }
                    p => self.labelled(t, l, p == Some("first")),
                };
                let Some(obj) = obj else { break };
                picked.push((l.clone(), obj));
            }
            if picked.len() != labels.len() {
                continue;
            }
            let mut projected = Vec::with_capacity(picked.len());
            for (i, (l, obj)) in picked.into_iter().enumerate() {
                let obj = match step.by.is_empty() {
                    true => obj,
                    false => {
                        let at = Traverser {
                            obj,
                            path: t.path.clone(),
                        };
                        let by = &step.by[i % step.by.len()];
                        match self.project(&at, by)? {
                            Some(o) => o,
                            None => continue,
                        }
                    }
                };
                projected.push((l, obj));
            }
            let result = match projected.len() {
                1 => projected.into_iter().next().map(|(_, o)| o),
                _ => Some(Obj::Map(
                    projected
                        .into_iter()
                        .map(|(l, o)| (Obj::Val(Value::Text(l)), o))
                        .collect(),
                )),
            };
            if let Some(r) = result {
                out.push(t.to(r));
            }
        }
        Ok(out)
    }

    fn where_(&mut self, args: &[Arg], input: Vec<Traverser>) -> Res<Vec<Traverser>> {
        match args {
            [Arg::Traversal(bc)] => self.filter(input, |e, t| Ok(!e.sub(bc, t)?.is_empty())),
            [Arg::Predicate(p)] => self.filter(input, |e, t| {
                let p = e.resolve_labels(p, t);
                Ok(p.test(&e.render(&t.obj)))
            }),
            [Arg::Value(Value::Text(start)), Arg::Predicate(p)] => self.filter(input, |e, t| {
                let Some(obj) = e.labelled(t, start, false) else {
                    return Ok(false);
                };
                let p = e.resolve_labels(p, t);
                Ok(p.test(&e.render(&obj)))
            }),
            other => Err(format!("unsupported where() arguments {other:?}")),
        }
    }

    /// `where(eq('a'))`: the predicate's step labels replaced by the objects they name.
    fn resolve_labels(&self, p: &Predicate, t: &Traverser) -> Predicate {
        p.map_operands(&mut |v| match v {
            Value::Text(label) => self
                .labelled(t, label, false)
                .map_or_else(|| v.clone(), |o| self.render(&o)),
            other => other.clone(),
        })
    }

    fn group(&mut self, step: &Step, input: Vec<Traverser>) -> Res<Vec<Traverser>> {
        let key_by = step.by.first().cloned().unwrap_or_default();
        let mut groups: Vec<(Value, Obj, Vec<Traverser>)> = Vec::new();
        for t in input {
            let Some(key) = self.project(&t, &key_by)? else {
                continue;
            };
            let rendered = self.render(&key);
            match groups.iter_mut().find(|(k, _, _)| same(k, &rendered)) {
                Some((_, _, members)) => members.push(t),
                None => groups.push((rendered, key, vec![t])),
            }
        }
        let mut entries = Vec::with_capacity(groups.len());
        for (_, key, members) in groups {
            let value = if step.name == "groupCount" {
                Obj::Val(Value::Int64(
                    i64::try_from(members.len()).unwrap_or(i64::MAX),
                ))
            } else {
                match step.by.get(1).map(Vec::as_slice) {
                    Some([Arg::Traversal(bc)]) => {
                        let reduces = bc
                            .steps
                            .last()
                            .is_some_and(|s| REDUCERS.contains(&s.name.as_str()));
                        let results = self.run(bc, members)?;
                        match reduces {
                            true => results
                                .into_iter()
                                .next()
                                .map_or(Obj::Val(Value::Null), |r| r.obj),
                            false => Obj::List(results.into_iter().map(|r| r.obj).collect()),
                        }
                    }
                    Some(by) => {
                        let mut items = Vec::with_capacity(members.len());
                        for m in &members {
                            items.extend(self.project(m, by)?);
                        }
                        Obj::List(items)
                    }
                    None => Obj::List(members.into_iter().map(|m| m.obj).collect()),
                }
            };
            entries.push((key, value));
        }
        Ok(vec![Traverser::fresh(Obj::Map(entries))])
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
