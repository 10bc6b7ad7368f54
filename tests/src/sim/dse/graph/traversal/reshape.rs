//! Steps that reshape the traversers as a whole: `order`/`by`, `select`, `where`, and
//! `group`/`groupCount`.

use super::*;

impl Engine<'_> {
    pub(super) fn order(&mut self, step: &Step, input: Vec<Traverser>) -> Res<Vec<Traverser>> {
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

    pub(super) fn select(&mut self, step: &Step, input: Vec<Traverser>) -> Res<Vec<Traverser>> {
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

    pub(super) fn where_(&mut self, args: &[Arg], input: Vec<Traverser>) -> Res<Vec<Traverser>> {
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
    pub(super) fn resolve_labels(&self, p: &Predicate, t: &Traverser) -> Predicate {
        p.map_operands(&mut |v| match v {
            Value::Text(label) => self
                .labelled(t, label, false)
                .map_or_else(|| v.clone(), |o| self.render(&o)),
            other => other.clone(),
        })
    }

    pub(super) fn group(&mut self, step: &Step, input: Vec<Traverser>) -> Res<Vec<Traverser>> {
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
