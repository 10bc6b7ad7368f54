//! The metadata of prepared statements: one column spec per bind marker (named as
//! Cassandra names them: the column, `[limit]`, `[ttl]`, `in(c)`, `key(m)`, ...), the
//! partition key indexes and the result columns.

use cql_core::types::{ColumnSpec, ColumnType};

use super::functions;
use super::terms::{Env, udf_keyspace};
use super::udf::{self, Udf, UdfScope};
use super::{PreparedShape, resolve_table, select};
use crate::cql::Parsed;
use crate::cql::ast::{
    Assignment, BatchStatement, ConditionTest, DeleteTarget, IfClause, InValues, InsertValues,
    Relation, Selection, Selector, Statement, Term, Using,
};
use crate::sim::error::{CqlError, CqlResult};
use crate::sim::outcome::{BoundValue, BoundValues};
use crate::sim::schema::{Schema, Table};

struct Specs<'t> {
    table: &'t Table,
    out: Vec<Option<ColumnSpec>>,
    /// Marker indexes bound by `pk = ?` (or INSERT values), by column name.
    key_markers: Vec<(String, usize)>,
    /// Where user-defined functions are found, to type the markers passed to them.
    udfs: UdfScope<'t>,
}

impl Specs<'_> {
    fn set(&mut self, index: usize, name: &str, typ: ColumnType) {
        if let Some(slot) = self.out.get_mut(index) {
            *slot = Some(ColumnSpec {
                keyspace: self.table.keyspace.clone(),
                table: self.table.name.clone(),
                name: name.to_string(),
                typ,
            });
        }
    }

    fn col(&self, name: &str) -> CqlResult<ColumnType> {
        self.table
            .column(name)
            .map(|c| c.typ.clone())
            .ok_or_else(|| CqlError::invalid(format!("Undefined column name {name}")))
    }

    fn term(&mut self, t: &Term, name: &str, typ: &ColumnType) {
        match t {
            Term::Bind(m) => self.set(m.index, name, typ.clone()),
            Term::List(items) | Term::Set(items) => {
                let elem = match typ {
                    ColumnType::List(e) | ColumnType::Set(e) => (**e).clone(),
                    ColumnType::Vector { element, .. } => (**element).clone(),
                    _ => ColumnType::Blob,
                };
                for i in items {
                    self.term(i, &format!("value({name})"), &elem);
                }
            }
            Term::Map(entries) => {
                let (k, v) = match typ {
                    ColumnType::Map(k, v) => ((**k).clone(), (**v).clone()),
                    _ => (ColumnType::Blob, ColumnType::Blob),
                };
                for (a, b) in entries {
                    self.term(a, &format!("key({name})"), &k);
                    self.term(b, &format!("value({name})"), &v);
                }
            }
            Term::Tuple(items) => {
                let types = match typ {
                    ColumnType::Tuple(ts) => ts.clone(),
                    _ => Vec::new(),
                };
                for (i, it) in items.iter().enumerate() {
                    let t = types.get(i).cloned().unwrap_or(ColumnType::Blob);
                    self.term(it, name, &t);
                }
            }
            Term::Udt(fields) => {
                let types = match typ {
                    ColumnType::Udt { fields, .. } => fields.clone(),
                    _ => Vec::new(),
                };
                for (f, it) in fields {
                    let t = types
                        .iter()
                        .find(|(n, _)| n == f)
                        .map_or(ColumnType::Blob, |(_, t)| t.clone());
                    self.term(it, &format!("{name}.{f}"), &t);
                }
            }
            Term::Function { name: fname, args } => {
                let f = functions::base_name(fname.keyspace.as_deref(), &fname.name);
                if f == "token" {
                    let pk: Vec<(String, ColumnType)> = self
                        .table
                        .partition_key()
                        .map(|c| (c.name.clone(), c.typ.clone()))
                        .collect();
                    for (a, (n, t)) in args.iter().zip(pk) {
                        self.term(a, &n, &t);
                    }
                    return;
                }
                let params = match self.udf_params(fname, args.len()) {
                    Some(p) => p,
                    None => functions::param_types(&f, args.len()).unwrap_or_default(),
                };
                let qualified = self.function_name(fname, args.len());
                for (i, a) in args.iter().enumerate() {
                    let t = params.get(i).cloned().unwrap_or(ColumnType::Blob);
                    self.term(a, &format!("arg{i}({qualified})"), &t);
                }
            }
            Term::Cast(_, inner) => self.term(inner, name, typ),
            Term::Literal(_) | Term::Null => {}
        }
    }

    /// A called function's name as Cassandra names its argument markers
    /// (`Functions.makeArgSpec`: `arg0(system.mintimeuuid)`, `arg1(ks.f)`).
    fn function_name(&self, name: &crate::cql::ast::QualifiedName, arity: usize) -> String {
        match udf_keyspace(&self.udfs, name, arity) {
            Some(ks) => format!("{ks}.{}", name.name).to_lowercase(),
            None => format!("system.{}", name.name.to_lowercase()),
        }
    }

    /// The parameter types of the user-defined function or aggregate a call names, when
    /// it names exactly one by its arity.
    fn udf_params(
        &self,
        name: &crate::cql::ast::QualifiedName,
        arity: usize,
    ) -> Option<Vec<ColumnType>> {
        let ks = udf_keyspace(&self.udfs, name, arity)?;
        let untyped = vec![(None, String::new()); arity];
        match udf::resolve(self.udfs.schema, ks, &name.name, &untyped).ok()?? {
            Udf::Scalar(f) => Some(f.arguments.into_iter().map(|(_, t)| t).collect()),
            Udf::Aggregate(a) => Some(a.aggregate.argument_types),
        }
    }

    fn using(&mut self, u: &Using) {
        if let Some(t) = &u.ttl {
            self.term(t, "[ttl]", &ColumnType::Int);
        }
        if let Some(t) = &u.timestamp {
            self.term(t, "[timestamp]", &ColumnType::BigInt);
        }
    }

    fn relations(&mut self, rels: &[Relation]) -> CqlResult<()> {
        for r in rels {
            match r {
                Relation::Compare { column, op, value } => {
                    let t = self.col(column)?;
                    if let (Term::Bind(m), crate::cql::ast::Operator::Eq) = (value, op) {
                        self.key_markers.push((column.clone(), m.index));
                    }
                    self.term(value, column, &t);
                }
                Relation::In { column, values } => {
                    let t = self.col(column)?;
                    match values {
                        InValues::List(ts) => {
                            for v in ts {
                                self.term(v, column, &t);
                            }
                        }
                        InValues::Bind(m) => {
                            self.set(
                                m.index,
                                &format!("in({column})"),
                                ColumnType::List(Box::new(t)),
                            );
                        }
                    }
                }
                Relation::Contains { column, key, value } => {
                    let t = match (self.col(column)?, key) {
                        (ColumnType::Map(k, _), true) => *k,
                        (ColumnType::Map(_, v), false) => *v,
                        (ColumnType::List(e) | ColumnType::Set(e), _) => *e,
                        (t, _) => t,
                    };
                    self.term(value, column, &t);
                }
                Relation::Like { column, value } => {
                    let t = self.col(column)?;
                    self.term(value, column, &t);
                }
                Relation::Element {
                    column, key, value, ..
                } => {
                    let (k, v) = match self.col(column)? {
                        ColumnType::Map(k, v) => (*k, *v),
                        t => (ColumnType::Blob, t),
                    };
                    self.term(key, &format!("key({column})"), &k);
                    self.term(value, &format!("value({column})"), &v);
                }
                Relation::Token { value, .. } => {
                    self.term(value, "partition key token", &ColumnType::BigInt);
                }
                Relation::MultiCompare { columns, value, .. } => {
                    let types: Vec<ColumnType> = columns
                        .iter()
                        .map(|c| self.col(c))
                        .collect::<CqlResult<_>>()?;
                    match value {
                        Term::Tuple(items) => {
                            for ((it, c), t) in items.iter().zip(columns).zip(&types) {
                                self.term(it, c, t);
                            }
                        }
                        other => self.term(
                            other,
                            &format!("({})", columns.join(",")),
                            &ColumnType::Tuple(types),
                        ),
                    }
                }
                Relation::MultiIn { columns, values } => {
                    let types: Vec<ColumnType> = columns
                        .iter()
                        .map(|c| self.col(c))
                        .collect::<CqlResult<_>>()?;
                    match values {
                        InValues::List(ts) => {
                            for v in ts {
                                match v {
                                    Term::Tuple(items) => {
                                        for ((it, c), t) in items.iter().zip(columns).zip(&types) {
                                            self.term(it, c, t);
                                        }
                                    }
                                    other => self.term(
                                        other,
                                        &format!("({})", columns.join(",")),
                                        &ColumnType::Tuple(types.clone()),
                                    ),
                                }
                            }
                        }
                        InValues::Bind(m) => self.set(
                            m.index,
                            &format!("in({})", columns.join(",")),
                            ColumnType::List(Box::new(ColumnType::Tuple(types))),
                        ),
                    }
                }
                Relation::IsNotNull { .. } => {}
            }
        }
        Ok(())
    }

    fn if_clause(&mut self, c: &Option<IfClause>) -> CqlResult<()> {
        let Some(IfClause::Conditions(conds)) = c else {
            return Ok(());
        };
        for c in conds {
            let mut t = self.col(&c.column)?;
            let mut name = c.column.clone();
            if let Some(k) = &c.element {
                let (kt, vt) = match &t {
                    ColumnType::Map(k, v) => ((**k).clone(), (**v).clone()),
                    ColumnType::List(e) => (ColumnType::Int, (**e).clone()),
                    _ => (ColumnType::Blob, t.clone()),
                };
                self.term(k, &format!("key({})", c.column), &kt);
                t = vt;
                name = format!("value({})", c.column);
            }
            if let (Some(f), ColumnType::Udt { fields, .. }) = (&c.field, &t) {
                t = fields
                    .iter()
                    .find(|(n, _)| n == f)
                    .map_or(ColumnType::Blob, |(_, t)| t.clone());
                name = format!("{}.{f}", c.column);
            }
            match &c.test {
                ConditionTest::Compare(_, v) => self.term(v, &name, &t),
                ConditionTest::In(InValues::List(vs)) => {
                    for v in vs {
                        self.term(v, &name, &t);
                    }
                }
                ConditionTest::In(InValues::Bind(m)) => {
                    self.set(
                        m.index,
                        &format!("in({})", c.column),
                        ColumnType::List(Box::new(t)),
                    );
                }
            }
        }
        Ok(())
    }

    fn assignment(&mut self, a: &Assignment) -> CqlResult<()> {
        match a {
            Assignment::Set { column, value } => {
                let t = self.col(column)?;
                self.term(value, column, &t);
            }
            Assignment::Add { column, value } | Assignment::Prepend { column, value } => {
                let t = self.col(column)?;
                let t = if t == ColumnType::Counter {
                    ColumnType::Counter
                } else {
                    t
                };
                self.term(value, column, &t);
            }
            Assignment::Subtract { column, value } => {
                let t = match self.col(column)? {
                    ColumnType::Map(k, _) => ColumnType::Set(k),
                    t => t,
                };
                self.term(value, column, &t);
            }
            Assignment::SetElement { column, key, value } => {
                let (k, kn, v) = match self.col(column)? {
                    ColumnType::Map(k, v) => (*k, format!("key({column})"), *v),
                    ColumnType::List(e) => (ColumnType::Int, format!("idx({column})"), *e),
                    t => (ColumnType::Blob, format!("key({column})"), t),
                };
                self.term(key, &kn, &k);
                self.term(value, &format!("value({column})"), &v);
            }
            Assignment::SetField {
                column,
                field,
                value,
            } => {
                let t = match self.col(column)? {
                    ColumnType::Udt { fields, .. } => fields
                        .iter()
                        .find(|(n, _)| n == field)
                        .map_or(ColumnType::Blob, |(_, t)| t.clone()),
                    t => t,
                };
                self.term(value, &format!("{column}.{field}"), &t);
            }
        }
        Ok(())
    }
}

fn statement_specs(
    schema: &Schema,
    stmt: &Statement,
    keyspace: Option<&str>,
    shape: &mut PreparedShape,
    out: &mut Vec<Option<ColumnSpec>>,
) -> CqlResult<()> {
    if !matches!(stmt, Statement::Select(_) | Statement::Batch(_)) {
        super::refuse_view_writes(schema, stmt, keyspace)?;
    }
    let table = match stmt {
        Statement::Select(s) => resolve_table(schema, &s.table, keyspace)?,
        Statement::Insert(i) => resolve_table(schema, &i.table, keyspace)?,
        Statement::Update(u) => resolve_table(schema, &u.table, keyspace)?,
        Statement::Delete(d) => resolve_table(schema, &d.table, keyspace)?,
        Statement::Batch(b) => {
            for s in &b.statements {
                let s = match s {
                    BatchStatement::Insert(i) => Statement::Insert(i.clone()),
                    BatchStatement::Update(u) => Statement::Update(u.clone()),
                    BatchStatement::Delete(d) => Statement::Delete(d.clone()),
                };
                statement_specs(schema, &s, keyspace, &mut PreparedShape::default(), out)?;
            }
            let mut specs = Specs {
                table: dummy_table(),
                out: std::mem::take(out),
                key_markers: Vec::new(),
                udfs: UdfScope { schema, keyspace },
            };
            specs.using(&b.using);
            *out = specs.out;
            return Ok(());
        }
        _ => return Ok(()),
    };
    let mut specs = Specs {
        table,
        out: std::mem::take(out),
        key_markers: Vec::new(),
        udfs: UdfScope { schema, keyspace },
    };
    match stmt {
        Statement::Select(s) => {
            if let Selection::Items(items) = &s.selection {
                for it in items {
                    selector_terms(&mut specs, &it.selector);
                }
            }
            specs.relations(&s.where_clause)?;
            if let Some(t) = &s.per_partition_limit {
                specs.term(t, "[per_partition_limit]", &ColumnType::Int);
            }
            if let Some(t) = &s.limit {
                specs.term(t, "[limit]", &ColumnType::Int);
            }
            // Markers of the selection are typed by now: placeholders stand for them.
            let vals = BoundValues {
                values: specs
                    .out
                    .iter()
                    .map(|spec| {
                        let t = spec.as_ref().map_or(ColumnType::Blob, |s| s.typ.clone());
                        BoundValue::Bytes(super::validate::placeholder(&t))
                    })
                    .collect(),
                names: None,
            };
            let env = Env {
                values: &vals,
                now_micros: 0,
                udfs: Some(super::udf::UdfScope { schema, keyspace }),
            };
            shape.result = select::selection(table, s, &env)?.1;
        }
        Statement::Insert(i) => {
            if let InsertValues::Values { columns, values } = &i.values {
                for (c, v) in columns.iter().zip(values) {
                    let t = specs.col(c)?;
                    if let Term::Bind(m) = v {
                        specs.key_markers.push((c.clone(), m.index));
                    }
                    specs.term(v, c, &t);
                }
            } else if let InsertValues::Json { value, .. } = &i.values {
                specs.term(value, "[json]", &ColumnType::Text);
            }
            specs.using(&i.using);
        }
        Statement::Update(u) => {
            specs.using(&u.using);
            for a in &u.assignments {
                specs.assignment(a)?;
            }
            specs.relations(&u.where_clause)?;
            specs.if_clause(&u.if_clause)?;
        }
        Statement::Delete(d) => {
            for t in &d.targets {
                if let DeleteTarget::Element(c, k) = t {
                    let (kt, kn) = match specs.col(c)? {
                        ColumnType::Map(k, _) | ColumnType::Set(k) => (*k, format!("key({c})")),
                        _ => (ColumnType::Int, format!("idx({c})")),
                    };
                    specs.term(k, &kn, &kt);
                }
            }
            specs.using(&d.using);
            specs.relations(&d.where_clause)?;
            specs.if_clause(&d.if_clause)?;
        }
        _ => {}
    }
    let mut pk_indexes = Vec::new();
    for c in table.partition_key() {
        match specs.key_markers.iter().find(|(n, _)| *n == c.name) {
            Some((_, i)) => pk_indexes.push(*i as u16),
            None => {
                pk_indexes.clear();
                break;
            }
        }
    }
    shape.pk_indexes = pk_indexes;
    *out = specs.out;
    Ok(())
}

fn dummy_table() -> &'static Table {
    use std::sync::OnceLock;
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| Table {
        keyspace: String::new(),
        name: String::new(),
        id: uuid::Uuid::nil(),
        columns: Vec::new(),
        options: Default::default(),
        indexes: Default::default(),
        triggers: Default::default(),
        is_virtual: false,
    })
}

fn selector_terms(specs: &mut Specs<'_>, s: &Selector) {
    match s {
        Selector::Term(t) => specs.term(t, "[selection]", &ColumnType::Blob),
        Selector::Function { name, args } => {
            let params = specs.udf_params(name, args.len()).unwrap_or_default();
            let qualified = specs.function_name(name, args.len());
            for (i, a) in args.iter().enumerate() {
                match (a, params.get(i)) {
                    (Selector::Term(t), Some(p)) => {
                        specs.term(t, &format!("arg{i}({qualified})"), p);
                    }
                    _ => selector_terms(specs, a),
                }
            }
        }
        Selector::Cast(inner, _) | Selector::Field(inner, _) => selector_terms(specs, inner),
        _ => {}
    }
}

/// The prepared shape of a statement.
///
/// # Errors
/// Unknown keyspace, table or column; the checks of [`super::validate`].
pub fn shape(schema: &Schema, parsed: &Parsed, keyspace: Option<&str>) -> CqlResult<PreparedShape> {
    let n = parsed.bind_markers.len();
    let mut out = vec![None; n];
    let mut shape = PreparedShape::default();
    statement_specs(schema, &parsed.statement, keyspace, &mut shape, &mut out)?;
    let table_of_first = out.iter().flatten().next().cloned();
    shape.bind = out
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            s.unwrap_or_else(|| ColumnSpec {
                keyspace: table_of_first
                    .as_ref()
                    .map(|t| t.keyspace.clone())
                    .unwrap_or_default(),
                table: table_of_first
                    .as_ref()
                    .map(|t| t.table.clone())
                    .unwrap_or_default(),
                name: parsed
                    .bind_markers
                    .get(i)
                    .and_then(|m| m.name.clone())
                    .unwrap_or_else(|| format!("[marker{i}]")),
                typ: ColumnType::Blob,
            })
        })
        .collect();
    super::validate::check(schema, parsed, keyspace, &shape.bind)?;
    // Named markers keep their own name, as Cassandra reports them.
    for (spec, m) in shape.bind.iter_mut().zip(&parsed.bind_markers) {
        if let Some(n) = &m.name {
            spec.name = n.clone();
        }
    }
    Ok(shape)
}
