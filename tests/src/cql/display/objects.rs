//! CQL text for the function, aggregate, materialized view and trigger statements.

use core::fmt::{self, Display, Formatter, Write};

use super::{comma, exists, idents, where_clause};
use crate::cql::ast::*;

/// `'text'` or, when the text holds a quote, `$$text$$` (bodies read back unchanged).
fn body_literal(f: &mut Formatter<'_>, body: &str) -> fmt::Result {
    if body.contains('\'') && !body.contains("$$") {
        write!(f, "$${body}$$")
    } else {
        write!(f, "{}", Literal::String(body.to_string()))
    }
}

fn type_list(f: &mut Formatter<'_>, types: &[CqlType]) -> fmt::Result {
    f.write_char('(')?;
    comma(f, types, |f, t| write!(f, "{t}"))?;
    f.write_char(')')
}

impl Display for CreateFunction {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("CREATE")?;
        exists(f, "OR REPLACE", self.or_replace)?;
        f.write_str(" FUNCTION")?;
        exists(f, "IF NOT EXISTS", self.if_not_exists)?;
        write!(f, " {} (", self.name)?;
        comma(f, &self.arguments, |f, (n, t)| {
            write!(f, "{} {t}", quote_ident(n))
        })?;
        let null_input = if self.called_on_null_input {
            "CALLED"
        } else {
            "RETURNS NULL"
        };
        write!(
            f,
            ") {null_input} ON NULL INPUT RETURNS {} LANGUAGE {} AS ",
            self.return_type,
            quote_ident(&self.language)
        )?;
        body_literal(f, &self.body)
    }
}

impl Display for CreateAggregate {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("CREATE")?;
        exists(f, "OR REPLACE", self.or_replace)?;
        f.write_str(" AGGREGATE")?;
        exists(f, "IF NOT EXISTS", self.if_not_exists)?;
        write!(f, " {} ", self.name)?;
        type_list(f, &self.arguments)?;
        write!(
            f,
            " SFUNC {} STYPE {}",
            quote_ident(&self.state_function),
            self.state_type
        )?;
        if let Some(func) = &self.final_function {
            write!(f, " FINALFUNC {}", quote_ident(func))?;
        }
        if let Some(init) = &self.initcond {
            write!(f, " INITCOND {init}")?;
        }
        Ok(())
    }
}

/// `DROP FUNCTION ...` or `DROP AGGREGATE ...` (`what`).
pub(super) fn drop_function(f: &mut Formatter<'_>, what: &str, d: &DropFunction) -> fmt::Result {
    write!(f, "DROP {what}")?;
    exists(f, "IF EXISTS", d.if_exists)?;
    write!(f, " {}", d.name)?;
    match &d.arguments {
        Some(types) => type_list(f, types),
        None => Ok(()),
    }
}

impl Display for CreateView {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("CREATE MATERIALIZED VIEW")?;
        exists(f, "IF NOT EXISTS", self.if_not_exists)?;
        write!(f, " {} AS SELECT ", self.name)?;
        if self.columns.is_empty() {
            f.write_char('*')?;
        } else {
            comma(f, &self.columns, |f, item| {
                write!(f, "{}", item.selector)?;
                match &item.alias {
                    Some(a) => write!(f, " AS {}", quote_ident(a)),
                    None => Ok(()),
                }
            })?;
        }
        write!(f, " FROM {}", self.base)?;
        where_clause(f, &self.where_clause)?;
        f.write_str(" PRIMARY KEY ((")?;
        idents(f, &self.partition_key)?;
        f.write_char(')')?;
        for c in &self.clustering_key {
            write!(f, ", {}", quote_ident(c))?;
        }
        f.write_char(')')?;
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
        Ok(())
    }
}

impl Display for AlterView {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("ALTER MATERIALIZED VIEW")?;
        exists(f, "IF EXISTS", self.if_exists)?;
        write!(f, " {} WITH {}", self.name, self.properties)
    }
}

impl Display for CreateTrigger {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("CREATE TRIGGER")?;
        exists(f, "IF NOT EXISTS", self.if_not_exists)?;
        write!(
            f,
            " {} ON {} USING {}",
            quote_ident(&self.name),
            self.table,
            Literal::String(self.class.clone())
        )
    }
}

impl Display for DropTrigger {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("DROP TRIGGER")?;
        exists(f, "IF EXISTS", self.if_exists)?;
        write!(f, " {} ON {}", quote_ident(&self.name), self.table)
    }
}
