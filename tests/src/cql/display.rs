//! CQL text for syntax trees: `Display` for statements, terms, selectors and relations.
//!
//! The output parses back to the same tree (the round trip is tested); identifiers are quoted
//! only when they must be.

use core::fmt::{self, Display, Formatter, Write};

use super::ast::*;

mod auth;
mod objects;

/// Writes items separated by `, `.
fn comma<T>(
    f: &mut Formatter<'_>,
    items: &[T],
    mut each: impl FnMut(&mut Formatter<'_>, &T) -> fmt::Result,
) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        each(f, item)?;
    }
    Ok(())
}

fn idents(f: &mut Formatter<'_>, names: &[String]) -> fmt::Result {
    comma(f, names, |f, n| f.write_str(&quote_ident(n)))
}

fn function_name(f: &mut Formatter<'_>, name: &QualifiedName) -> fmt::Result {
    if let Some(ks) = &name.keyspace {
        write!(f, "{}.", quote_ident(ks))?;
    }
    f.write_str(&quote_unless_plain(&name.name))
}

impl Display for BindMarker {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(n) => write!(f, ":{}", quote_ident(n)),
            None => f.write_char('?'),
        }
    }
}

impl Display for Term {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Term::Literal(l) => write!(f, "{l}"),
            Term::Null => f.write_str("null"),
            Term::Bind(m) => write!(f, "{m}"),
            Term::List(items) => {
                f.write_char('[')?;
                comma(f, items, |f, t| write!(f, "{t}"))?;
                f.write_char(']')
            }
            Term::Set(items) => {
                f.write_char('{')?;
                comma(f, items, |f, t| write!(f, "{t}"))?;
                f.write_char('}')
            }
            Term::Map(entries) => {
                f.write_char('{')?;
                comma(f, entries, |f, (k, v)| write!(f, "{k}: {v}"))?;
                f.write_char('}')
            }
            Term::Tuple(items) => {
                f.write_char('(')?;
                comma(f, items, |f, t| write!(f, "{t}"))?;
                f.write_char(')')
            }
            Term::Udt(fields) => {
                f.write_char('{')?;
                comma(f, fields, |f, (n, v)| write!(f, "{}: {v}", quote_ident(n)))?;
                f.write_char('}')
            }
            Term::Function { name, args } => {
                function_name(f, name)?;
                f.write_char('(')?;
                comma(f, args, |f, t| write!(f, "{t}"))?;
                f.write_char(')')
            }
            Term::Cast(ty, t) => write!(f, "({ty}) {t}"),
        }
    }
}

impl Display for InValues {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            InValues::Bind(m) => write!(f, "{m}"),
            InValues::List(items) => {
                f.write_char('(')?;
                comma(f, items, |f, t| write!(f, "{t}"))?;
                f.write_char(')')
            }
        }
    }
}

impl Display for Relation {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Relation::Compare { column, op, value } => {
                write!(f, "{} {} {value}", quote_ident(column), op.as_str())
            }
            Relation::In { column, values } => write!(f, "{} IN {values}", quote_ident(column)),
            Relation::Contains { column, key, value } => write!(
                f,
                "{} CONTAINS {}{value}",
                quote_ident(column),
                if *key { "KEY " } else { "" }
            ),
            Relation::Like { column, value } => write!(f, "{} LIKE {value}", quote_ident(column)),
            Relation::Element {
                column,
                key,
                op,
                value,
            } => write!(f, "{}[{key}] {} {value}", quote_ident(column), op.as_str()),
            Relation::Token { columns, op, value } => {
                f.write_str("token(")?;
                idents(f, columns)?;
                write!(f, ") {} {value}", op.as_str())
            }
            Relation::MultiCompare { columns, op, value } => {
                f.write_char('(')?;
                idents(f, columns)?;
                write!(f, ") {} {value}", op.as_str())
            }
            Relation::MultiIn { columns, values } => {
                f.write_char('(')?;
                idents(f, columns)?;
                write!(f, ") IN {values}")
            }
            Relation::IsNotNull { column } => write!(f, "{} IS NOT NULL", quote_ident(column)),
        }
    }
}

fn where_clause(f: &mut Formatter<'_>, relations: &[Relation]) -> fmt::Result {
    for (i, r) in relations.iter().enumerate() {
        f.write_str(if i == 0 { " WHERE " } else { " AND " })?;
        write!(f, "{r}")?;
    }
    Ok(())
}

impl Display for Selector {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Selector::Column(c) => f.write_str(&quote_ident(c)),
            Selector::Term(t) => write!(f, "{t}"),
            Selector::CountStar => f.write_str("count(*)"),
            Selector::WriteTime(c) => write!(f, "writetime({})", quote_ident(c)),
            Selector::MaxWriteTime(c) => write!(f, "maxwritetime({})", quote_ident(c)),
            Selector::Ttl(c) => write!(f, "ttl({})", quote_ident(c)),
            Selector::Cast(s, ty) => write!(f, "cast({s} AS {ty})"),
            Selector::Function { name, args } => {
                function_name(f, name)?;
                f.write_char('(')?;
                comma(f, args, |f, s| write!(f, "{s}"))?;
                f.write_char(')')
            }
            Selector::Field(s, field) => write!(f, "{s}.{}", quote_ident(field)),
        }
    }
}

impl Display for Using {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match (&self.ttl, &self.timestamp) {
            (None, None) => Ok(()),
            (Some(t), None) => write!(f, " USING TTL {t}"),
            (None, Some(ts)) => write!(f, " USING TIMESTAMP {ts}"),
            (Some(t), Some(ts)) => write!(f, " USING TTL {t} AND TIMESTAMP {ts}"),
        }
    }
}

impl Display for Condition {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&quote_ident(&self.column))?;
        if let Some(e) = &self.element {
            write!(f, "[{e}]")?;
        }
        if let Some(field) = &self.field {
            write!(f, ".{}", quote_ident(field))?;
        }
        match &self.test {
            ConditionTest::Compare(op, t) => write!(f, " {} {t}", op.as_str()),
            ConditionTest::In(v) => write!(f, " IN {v}"),
        }
    }
}

fn if_clause(f: &mut Formatter<'_>, clause: &Option<IfClause>) -> fmt::Result {
    match clause {
        None => Ok(()),
        Some(IfClause::Exists) => f.write_str(" IF EXISTS"),
        Some(IfClause::Conditions(cs)) => {
            for (i, c) in cs.iter().enumerate() {
                f.write_str(if i == 0 { " IF " } else { " AND " })?;
                write!(f, "{c}")?;
            }
            Ok(())
        }
    }
}

impl Display for Assignment {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Assignment::Set { column, value } => write!(f, "{} = {value}", quote_ident(column)),
            Assignment::SetElement { column, key, value } => {
                write!(f, "{}[{key}] = {value}", quote_ident(column))
            }
            Assignment::SetField {
                column,
                field,
                value,
            } => write!(
                f,
                "{}.{} = {value}",
                quote_ident(column),
                quote_ident(field)
            ),
            Assignment::Add { column, value } => {
                let c = quote_ident(column);
                write!(f, "{c} = {c} + {value}")
            }
            Assignment::Subtract { column, value } => {
                let c = quote_ident(column);
                write!(f, "{c} = {c} - {value}")
            }
            Assignment::Prepend { column, value } => {
                let c = quote_ident(column);
                write!(f, "{c} = {value} + {c}")
            }
        }
    }
}

impl Display for Select {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("SELECT ")?;
        if self.json {
            f.write_str("JSON ")?;
        }
        if self.distinct {
            f.write_str("DISTINCT ")?;
        }
        match &self.selection {
            Selection::Star => f.write_char('*')?,
            Selection::Items(items) => comma(f, items, |f, item| {
                write!(f, "{}", item.selector)?;
                match &item.alias {
                    Some(a) => write!(f, " AS {}", quote_ident(a)),
                    None => Ok(()),
                }
            })?,
        }
        write!(f, " FROM {}", self.table)?;
        where_clause(f, &self.where_clause)?;
        if !self.group_by.is_empty() {
            f.write_str(" GROUP BY ")?;
            idents(f, &self.group_by)?;
        }
        if !self.order_by.is_empty() {
            f.write_str(" ORDER BY ")?;
            comma(f, &self.order_by, |f, (c, o)| {
                write!(f, "{} {o}", quote_ident(c))
            })?;
        }
        if let Some(l) = &self.per_partition_limit {
            write!(f, " PER PARTITION LIMIT {l}")?;
        }
        if let Some(l) = &self.limit {
            write!(f, " LIMIT {l}")?;
        }
        if self.allow_filtering {
            f.write_str(" ALLOW FILTERING")?;
        }
        Ok(())
    }
}

impl Display for Order {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Order::Asc => "ASC",
            Order::Desc => "DESC",
        })
    }
}

impl Display for Insert {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "INSERT INTO {}", self.table)?;
        match &self.values {
            InsertValues::Values { columns, values } => {
                f.write_str(" (")?;
                idents(f, columns)?;
                f.write_str(") VALUES (")?;
                comma(f, values, |f, t| write!(f, "{t}"))?;
                f.write_char(')')?;
            }
            InsertValues::Json {
                value,
                default_unset,
            } => {
                write!(f, " JSON {value}")?;
                if *default_unset {
                    f.write_str(" DEFAULT UNSET")?;
                }
            }
        }
        if self.if_not_exists {
            f.write_str(" IF NOT EXISTS")?;
        }
        write!(f, "{}", self.using)
    }
}

impl Display for Update {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "UPDATE {}{} SET ", self.table, self.using)?;
        comma(f, &self.assignments, |f, a| write!(f, "{a}"))?;
        where_clause(f, &self.where_clause)?;
        if_clause(f, &self.if_clause)
    }
}

impl Display for Delete {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("DELETE ")?;
        comma(f, &self.targets, |f, t| match t {
            DeleteTarget::Column(c) => f.write_str(&quote_ident(c)),
            DeleteTarget::Element(c, k) => write!(f, "{}[{k}]", quote_ident(c)),
            DeleteTarget::Field(c, n) => write!(f, "{}.{}", quote_ident(c), quote_ident(n)),
        })?;
        if !self.targets.is_empty() {
            f.write_char(' ')?;
        }
        write!(f, "FROM {}{}", self.table, self.using)?;
        where_clause(f, &self.where_clause)?;
        if_clause(f, &self.if_clause)
    }
}

impl Display for Batch {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self.kind {
            BatchKind::Logged => "BEGIN BATCH",
            BatchKind::Unlogged => "BEGIN UNLOGGED BATCH",
            BatchKind::Counter => "BEGIN COUNTER BATCH",
        })?;
        write!(f, "{}", self.using)?;
        for s in &self.statements {
            match s {
                BatchStatement::Insert(i) => write!(f, " {i};")?,
                BatchStatement::Update(u) => write!(f, " {u};")?,
                BatchStatement::Delete(d) => write!(f, " {d};")?,
            }
        }
        f.write_str(" APPLY BATCH")
    }
}

impl Display for PropertyValue {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            PropertyValue::Literal(l) => write!(f, "{l}"),
            PropertyValue::Word(w) => f.write_str(w),
            PropertyValue::Map(entries) => {
                f.write_char('{')?;
                comma(f, entries, |f, (k, v)| write!(f, "{k}: {v}"))?;
                f.write_char('}')
            }
        }
    }
}

impl Display for Properties {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, (name, value)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" AND ")?;
            }
            write!(f, "{} = {value}", quote_ident(name))?;
        }
        Ok(())
    }
}

fn column_def(f: &mut Formatter<'_>, c: &ColumnDef) -> fmt::Result {
    write!(f, "{} {}", quote_ident(&c.name), c.ty)?;
    if c.is_static {
        f.write_str(" STATIC")?;
    }
    Ok(())
}

impl Display for CreateTable {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("CREATE TABLE ")?;
        if self.if_not_exists {
            f.write_str("IF NOT EXISTS ")?;
        }
        write!(f, "{} (", self.name)?;
        for c in &self.columns {
            column_def(f, c)?;
            f.write_str(", ")?;
        }
        f.write_str("PRIMARY KEY ((")?;
        idents(f, &self.partition_key)?;
        f.write_char(')')?;
        for c in &self.clustering_key {
            write!(f, ", {}", quote_ident(c))?;
        }
        f.write_str("))")?;
        let mut first = true;
        let mut sep = |f: &mut Formatter<'_>| -> fmt::Result {
            let s = if first { " WITH " } else { " AND " };
            first = false;
            f.write_str(s)
        };
        if !self.clustering_order.is_empty() {
            sep(f)?;
            f.write_str("CLUSTERING ORDER BY (")?;
            comma(f, &self.clustering_order, |f, (c, o)| {
                write!(f, "{} {o}", quote_ident(c))
            })?;
            f.write_char(')')?;
        }
        if !self.properties.0.is_empty() {
            sep(f)?;
            write!(f, "{}", self.properties)?;
        }
        if let Some(label) = &self.graph_label {
            sep(f)?;
            write!(f, "{label}")?;
        }
        Ok(())
    }
}

impl Display for GraphLabel {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let (kind, label) = match self {
            GraphLabel::Vertex(l) => ("VERTEX", l),
            GraphLabel::Edge { label, .. } => ("EDGE", label),
        };
        write!(f, "{kind} LABEL")?;
        if let Some(l) = label {
            write!(f, " {}", quote_ident(l))?;
        }
        if let GraphLabel::Edge { from, to, .. } = self {
            write!(f, " FROM {from} TO {to}")?;
        }
        Ok(())
    }
}

impl Display for EdgeEnd {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}(", quote_ident(&self.label))?;
        match self.partition_key.as_slice() {
            [one] => f.write_str(&quote_ident(one))?,
            many => {
                f.write_char('(')?;
                idents(f, many)?;
                f.write_char(')')?;
            }
        }
        for c in &self.clustering {
            write!(f, ", {}", quote_ident(c))?;
        }
        f.write_char(')')
    }
}

impl Display for AlterTableAction {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            AlterTableAction::Add {
                if_not_exists,
                columns,
            } => {
                f.write_str("ADD ")?;
                if *if_not_exists {
                    f.write_str("IF NOT EXISTS ")?;
                }
                f.write_char('(')?;
                comma(f, columns, column_def)?;
                f.write_char(')')
            }
            AlterTableAction::Drop {
                if_exists,
                columns,
                timestamp,
            } => {
                f.write_str("DROP ")?;
                if *if_exists {
                    f.write_str("IF EXISTS ")?;
                }
                f.write_char('(')?;
                idents(f, columns)?;
                f.write_char(')')?;
                if let Some(ts) = timestamp {
                    write!(f, " USING TIMESTAMP {ts}")?;
                }
                Ok(())
            }
            AlterTableAction::Rename { if_exists, renames } => {
                f.write_str("RENAME ")?;
                if *if_exists {
                    f.write_str("IF EXISTS ")?;
                }
                renames_list(f, renames)
            }
            AlterTableAction::AlterType { column, ty } => {
                write!(f, "ALTER {} TYPE {ty}", quote_ident(column))
            }
            AlterTableAction::With(p) => write!(f, "WITH {p}"),
        }
    }
}

fn renames_list(f: &mut Formatter<'_>, renames: &[(String, String)]) -> fmt::Result {
    for (i, (a, b)) in renames.iter().enumerate() {
        if i > 0 {
            f.write_str(" AND ")?;
        }
        write!(f, "{} TO {}", quote_ident(a), quote_ident(b))?;
    }
    Ok(())
}

fn exists(f: &mut Formatter<'_>, keyword: &str, on: bool) -> fmt::Result {
    if on { write!(f, " {keyword}") } else { Ok(()) }
}

impl Display for Statement {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Statement::Select(s) => write!(f, "{s}"),
            Statement::Insert(s) => write!(f, "{s}"),
            Statement::Update(s) => write!(f, "{s}"),
            Statement::Delete(s) => write!(f, "{s}"),
            Statement::Batch(s) => write!(f, "{s}"),
            Statement::Use(k) => write!(f, "USE {}", quote_ident(k)),
            Statement::Truncate(t) => write!(f, "TRUNCATE {t}"),
            Statement::CreateKeyspace(k) => {
                f.write_str("CREATE KEYSPACE")?;
                exists(f, "IF NOT EXISTS", k.if_not_exists)?;
                write!(f, " {} WITH {}", quote_ident(&k.name), k.properties)
            }
            Statement::AlterKeyspace(k) => {
                f.write_str("ALTER KEYSPACE")?;
                exists(f, "IF EXISTS", k.if_exists)?;
                write!(f, " {} WITH {}", quote_ident(&k.name), k.properties)
            }
            Statement::DropKeyspace { name, if_exists } => {
                f.write_str("DROP KEYSPACE")?;
                exists(f, "IF EXISTS", *if_exists)?;
                write!(f, " {}", quote_ident(name))
            }
            Statement::CreateTable(t) => write!(f, "{t}"),
            Statement::AlterTable(t) => {
                f.write_str("ALTER TABLE")?;
                exists(f, "IF EXISTS", t.if_exists)?;
                write!(f, " {} {}", t.name, t.action)
            }
            Statement::DropTable { name, if_exists } => {
                f.write_str("DROP TABLE")?;
                exists(f, "IF EXISTS", *if_exists)?;
                write!(f, " {name}")
            }
            Statement::CreateType(t) => {
                f.write_str("CREATE TYPE")?;
                exists(f, "IF NOT EXISTS", t.if_not_exists)?;
                write!(f, " {} (", t.name)?;
                comma(f, &t.fields, |f, (n, ty)| {
                    write!(f, "{} {ty}", quote_ident(n))
                })?;
                f.write_char(')')
            }
            Statement::AlterType(t) => {
                f.write_str("ALTER TYPE")?;
                exists(f, "IF EXISTS", t.if_exists)?;
                write!(f, " {} ", t.name)?;
                match &t.action {
                    AlterTypeAction::Add {
                        if_not_exists,
                        field,
                        ty,
                    } => {
                        f.write_str("ADD")?;
                        exists(f, "IF NOT EXISTS", *if_not_exists)?;
                        write!(f, " {} {ty}", quote_ident(field))
                    }
                    AlterTypeAction::Rename { if_exists, renames } => {
                        f.write_str("RENAME ")?;
                        if *if_exists {
                            f.write_str("IF EXISTS ")?;
                        }
                        renames_list(f, renames)
                    }
                }
            }
            Statement::DropType { name, if_exists } => {
                f.write_str("DROP TYPE")?;
                exists(f, "IF EXISTS", *if_exists)?;
                write!(f, " {name}")
            }
            Statement::CreateIndex(i) => {
                f.write_str(if i.custom_class.is_some() {
                    "CREATE CUSTOM INDEX"
                } else {
                    "CREATE INDEX"
                })?;
                exists(f, "IF NOT EXISTS", i.if_not_exists)?;
                if let Some(n) = &i.name {
                    write!(f, " {}", quote_ident(n))?;
                }
                write!(f, " ON {} (", i.table)?;
                let column = quote_ident(&i.column);
                match i.kind {
                    IndexKind::Simple => f.write_str(&column)?,
                    IndexKind::Keys => write!(f, "keys({column})")?,
                    IndexKind::Values => write!(f, "values({column})")?,
                    IndexKind::Entries => write!(f, "entries({column})")?,
                    IndexKind::Full => write!(f, "full({column})")?,
                }
                f.write_char(')')?;
                if let Some(c) = &i.custom_class {
                    write!(f, " USING {}", Literal::String(c.clone()))?;
                }
                if !i.properties.0.is_empty() {
                    write!(f, " WITH {}", i.properties)?;
                }
                Ok(())
            }
            Statement::DropIndex { name, if_exists } => {
                f.write_str("DROP INDEX")?;
                exists(f, "IF EXISTS", *if_exists)?;
                write!(f, " {name}")
            }
            Statement::CreateFunction(s) => write!(f, "{s}"),
            Statement::DropFunction(d) => objects::drop_function(f, "FUNCTION", d),
            Statement::CreateAggregate(s) => write!(f, "{s}"),
            Statement::DropAggregate(d) => objects::drop_function(f, "AGGREGATE", d),
            Statement::CreateView(s) => write!(f, "{s}"),
            Statement::AlterView(s) => write!(f, "{s}"),
            Statement::DropView { name, if_exists } => {
                f.write_str("DROP MATERIALIZED VIEW")?;
                exists(f, "IF EXISTS", *if_exists)?;
                write!(f, " {name}")
            }
            Statement::CreateTrigger(s) => write!(f, "{s}"),
            Statement::DropTrigger(s) => write!(f, "{s}"),
            Statement::Auth(s) => write!(f, "{s}"),
            Statement::Describe(d) => {
                write!(f, "DESCRIBE {}", d.target)?;
                if d.with_internals {
                    f.write_str(" WITH INTERNALS")?;
                }
                Ok(())
            }
        }
    }
}

impl Display for DescribeTarget {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Self::Cluster => f.write_str("CLUSTER"),
            Self::Schema { full } => f.write_str(if *full { "FULL SCHEMA" } else { "SCHEMA" }),
            Self::Keyspaces => f.write_str("KEYSPACES"),
            Self::Keyspace { name, only } => {
                if *only {
                    f.write_str("ONLY ")?;
                }
                f.write_str("KEYSPACE")?;
                match name {
                    Some(n) => write!(f, " {}", quote_ident(n)),
                    None => Ok(()),
                }
            }
            Self::Tables => f.write_str("TABLES"),
            Self::Table(n) => write!(f, "TABLE {n}"),
            Self::Index(n) => write!(f, "INDEX {n}"),
            Self::MaterializedView(n) => write!(f, "MATERIALIZED VIEW {n}"),
            Self::Types => f.write_str("TYPES"),
            Self::Type(n) => write!(f, "TYPE {n}"),
            Self::Functions => f.write_str("FUNCTIONS"),
            Self::Function(n) => write!(f, "FUNCTION {n}"),
            Self::Aggregates => f.write_str("AGGREGATES"),
            Self::Aggregate(n) => write!(f, "AGGREGATE {n}"),
            Self::Generic(n) => {
                // A listing word first would be read as the listing: quote it.
                let first = n.keyspace.as_deref().unwrap_or(&n.name);
                let first = if super::parser::LISTING_WORDS.contains(&first) {
                    format!("\"{first}\"")
                } else {
                    quote_ident(first)
                };
                match &n.keyspace {
                    Some(_) => write!(f, "{first}.{}", quote_ident(&n.name)),
                    None => f.write_str(&first),
                }
            }
        }
    }
}
