//! Reading the graph for the steps: what a traverser's object renders as, its id, label,
//! properties and values, `has` tests, adjacent vertices and incident edges, `valueMap`.

use super::*;

impl Engine<'_> {
    pub(super) fn render(&self, obj: &Obj) -> Value {
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

    pub(super) fn prop(&self, v: u64, id: i64) -> Option<&PropRec> {
        self.graph.vertex(v)?.props.iter().find(|p| p.id == id)
    }

    /// The value of a property object.
    pub(super) fn property_value(&self, obj: &Obj) -> Value {
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
    pub(super) fn property_key(&self, obj: &Obj) -> Option<String> {
        match obj {
            Obj::Vp(v, id) => self.prop(*v, *id).map(|p| p.key.clone()),
            Obj::Ep(_, key) | Obj::Mp(_, _, key) => Some(key.clone()),
            _ => None,
        }
    }

    /// The properties of an element with one of `keys` (all when empty).
    pub(super) fn properties(&self, obj: &Obj, keys: &[String]) -> Vec<Obj> {
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

    pub(super) fn values(&self, obj: &Obj, key: &str) -> Vec<Value> {
        self.properties(obj, &[key.to_string()])
            .iter()
            .map(|p| self.property_value(p))
            .collect()
    }

    pub(super) fn id(&self, obj: &Obj) -> Res<Value> {
        match obj {
            Obj::V(n) => Ok(self.graph.vertex_id(*n)),
            Obj::E(n) => Ok(self.graph.edge_id(*n)),
            Obj::Vp(_, id) => Ok(Value::Int64(*id)),
            other => Err(format!("id() of {:?}", self.render(other))),
        }
    }

    pub(super) fn label(&self, obj: &Obj) -> Res<String> {
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
    pub(super) fn has(&self, obj: &Obj, key: &Arg, p: Option<&Predicate>) -> Res<bool> {
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

    /// The vertices adjacent to a vertex over edges with one of `labels`.
    pub(super) fn adjacent(&self, obj: &Obj, labels: &[String], out: bool, inv: bool) -> Vec<Obj> {
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

    pub(super) fn incident(&self, obj: &Obj, labels: &[String], out: bool, inv: bool) -> Vec<Obj> {
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

    pub(super) fn value_map(
        &self,
        obj: &Obj,
        keys: &[String],
        tokens: bool,
        lists: bool,
    ) -> Res<Obj> {
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
}
