//! `DESCRIBE` / `DESC` statements, with Cassandra 4.1's grammar: the listing words
//! (`CLUSTER`, `KEYSPACES`, `TABLES`, `TYPES`, `FUNCTIONS`, `AGGREGATES`) always take
//! their keyword meaning; `TYPE`, `FUNCTION`, `AGGREGATE`, `ONLY` and `MATERIALIZED` do
//! only when what follows fits, otherwise the word is the name of a generic `DESCRIBE x`.

use super::{PResult, Parser};
use crate::cql::ast::{Describe, DescribeTarget, Statement};

/// Words that, first after `DESCRIBE`, always start a listing form; a generic `DESCRIBE`
/// of something named so needs the name quoted.
pub(crate) const LISTING_WORDS: [&str; 7] = [
    "cluster",
    "keyspaces",
    "tables",
    "columnfamilies",
    "types",
    "functions",
    "aggregates",
];

impl Parser<'_> {
    /// `(DESCRIBE | DESC) what [WITH INTERNALS]`
    pub(crate) fn describe(&mut self) -> PResult<Statement> {
        if !self.eat_kw("describe") {
            self.expect_kw("desc")?;
        }
        let target = self.describe_target()?;
        let with_internals = if self.eat_kw("with") {
            self.expect_kw("internals")?;
            true
        } else {
            false
        };
        Ok(Statement::Describe(Describe {
            target,
            with_internals,
        }))
    }

    fn describe_target(&mut self) -> PResult<DescribeTarget> {
        let listing = [
            ("cluster", DescribeTarget::Cluster),
            ("keyspaces", DescribeTarget::Keyspaces),
            ("tables", DescribeTarget::Tables),
            ("columnfamilies", DescribeTarget::Tables),
            ("types", DescribeTarget::Types),
            ("functions", DescribeTarget::Functions),
            ("aggregates", DescribeTarget::Aggregates),
        ];
        for (word, target) in listing {
            if self.eat_kw(word) {
                return Ok(target);
            }
        }
        if self.eat_kw("full") {
            self.expect_kw("schema")?;
            return Ok(DescribeTarget::Schema { full: true });
        }
        if self.eat_kw("schema") {
            return Ok(DescribeTarget::Schema { full: false });
        }
        let only = self.at_kw("only") && self.at_kw_n(1, "keyspace");
        if only {
            self.advance();
        }
        if self.eat_kw("keyspace") {
            let name = if self.at_ident() {
                Some(self.ident()?)
            } else {
                None
            };
            return Ok(DescribeTarget::Keyspace { name, only });
        }
        if self.eat_kw("table") || self.eat_kw("columnfamily") {
            return self.qualified_name().map(DescribeTarget::Table);
        }
        if self.eat_kw("index") {
            return self.qualified_name().map(DescribeTarget::Index);
        }
        if self.at_kw("materialized") && self.at_kw_n(1, "view") {
            self.advance();
            self.advance();
            return self.qualified_name().map(DescribeTarget::MaterializedView);
        }
        type Named = fn(crate::cql::ast::QualifiedName) -> DescribeTarget;
        let named: [(&str, Named); 3] = [
            ("type", DescribeTarget::Type),
            ("function", DescribeTarget::Function),
            ("aggregate", DescribeTarget::Aggregate),
        ];
        for (word, make) in named {
            if self.at_kw(word) && self.at_ident_n(1) {
                self.advance();
                return self.qualified_name().map(make);
            }
        }
        self.qualified_name().map(DescribeTarget::Generic)
    }
}
