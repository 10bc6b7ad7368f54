//! Writing the graph for the steps: the ends of an added edge (`from`/`to`), `property`
//! (with cardinality and meta-properties) and `drop`.

use super::*;

impl Engine<'_> {
    /// A vertex given as `from()`/`to()`: a step label, a vertex or its id, or a
    /// traversal's first vertex.
    pub(super) fn endpoint(&mut self, arg: &Arg, t: &Traverser) -> Res<u64> {
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

    pub(super) fn set_property(&mut self, t: &Traverser, args: &[Arg]) -> Res<()> {
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

    pub(super) fn drop(&mut self, obj: &Obj) {
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
}
