//! The syntax tree of the CQL statements the simulated node understands.
//!
//! Identifiers are stored as Cassandra stores them: unquoted ones lower-cased, quoted ones
//! as written. Literals keep their text (numbers are not converted): the executor converts
//! them once it knows the target column type.

use core::fmt;

mod auth;
mod objects;

pub use auth::{AuthStatement, Permission, Permissions, ResourceName, RoleOptions};

pub use objects::{
    AlterView, CreateAggregate, CreateFunction, CreateTrigger, CreateView, DropFunction,
    DropTrigger,
};

/// A name optionally qualified by a keyspace: `ks.name` or `name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualifiedName {
    /// The keyspace, when written.
    pub keyspace: Option<String>,
    /// The table, type, index or function name.
    pub name: String,
}

impl QualifiedName {
    /// A name without keyspace.
    pub fn bare(name: &str) -> Self {
        QualifiedName {
            keyspace: None,
            name: name.to_string(),
        }
    }
    /// A name with a keyspace.
    pub fn qualified(keyspace: &str, name: &str) -> Self {
        QualifiedName {
            keyspace: Some(keyspace.to_string()),
            name: name.to_string(),
        }
    }
}

/// The native (non-parameterised) CQL types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NativeType {
    /// `ascii`
    Ascii,
    /// `bigint`
    BigInt,
    /// `blob`
    Blob,
    /// `boolean`
    Boolean,
    /// `counter`
    Counter,
    /// `date`
    Date,
    /// `decimal`
    Decimal,
    /// `double`
    Double,
    /// `duration`
    Duration,
    /// `float`
    Float,
    /// `inet`
    Inet,
    /// `int`
    Int,
    /// `smallint`
    SmallInt,
    /// `text` (and its alias `varchar`)
    Text,
    /// `time`
    Time,
    /// `timestamp`
    Timestamp,
    /// `timeuuid`
    TimeUuid,
    /// `tinyint`
    TinyInt,
    /// `uuid`
    Uuid,
    /// `varint`
    VarInt,
}

impl NativeType {
    /// Every native type with its CQL name (`varchar` is listed as an alias of `text`).
    pub const NAMES: [(&'static str, NativeType); 21] = [
        ("ascii", NativeType::Ascii),
        ("bigint", NativeType::BigInt),
        ("blob", NativeType::Blob),
        ("boolean", NativeType::Boolean),
        ("counter", NativeType::Counter),
        ("date", NativeType::Date),
        ("decimal", NativeType::Decimal),
        ("double", NativeType::Double),
        ("duration", NativeType::Duration),
        ("float", NativeType::Float),
        ("inet", NativeType::Inet),
        ("int", NativeType::Int),
        ("smallint", NativeType::SmallInt),
        ("text", NativeType::Text),
        ("varchar", NativeType::Text),
        ("time", NativeType::Time),
        ("timestamp", NativeType::Timestamp),
        ("timeuuid", NativeType::TimeUuid),
        ("tinyint", NativeType::TinyInt),
        ("uuid", NativeType::Uuid),
        ("varint", NativeType::VarInt),
    ];

    /// The type for a (lower-case) CQL name, if it is a native type.
    pub fn from_name(name: &str) -> Option<NativeType> {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
    }

    /// The canonical CQL name.
    pub fn name(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(_, t)| *t == self)
            .map_or("?", |(n, _)| n)
    }
}

/// A CQL type as written in DDL or a cast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CqlType {
    /// A native type.
    Native(NativeType),
    /// `list<T>`
    List(Box<CqlType>),
    /// `set<T>`
    Set(Box<CqlType>),
    /// `map<K, V>`
    Map(Box<CqlType>, Box<CqlType>),
    /// `tuple<A, B, ...>`
    Tuple(Vec<CqlType>),
    /// `vector<T, N>`
    Vector(Box<CqlType>, u32),
    /// `frozen<T>`
    Frozen(Box<CqlType>),
    /// A user-defined type, by name.
    Udt(QualifiedName),
    /// A custom type named by its Java class (`'org.example.MyType'`).
    Custom(String),
}

/// Quotes an identifier when Cassandra would have to: anything not a lower-case plain name,
/// and reserved words.
pub fn quote_ident(name: &str) -> String {
    if super::parser::is_reserved(name) {
        return format!("\"{name}\"");
    }
    quote_unless_plain(name)
}

/// Quotes a name unless it is a lower-case plain word (reserved words stay bare: used for
/// function names such as `token`).
pub(crate) fn quote_unless_plain(name: &str) -> String {
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(ks) = &self.keyspace {
            write!(f, "{}.", quote_ident(ks))?;
        }
        f.write_str(&quote_ident(&self.name))
    }
}

impl fmt::Display for CqlType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CqlType::Native(t) => f.write_str(t.name()),
            CqlType::List(t) => write!(f, "list<{t}>"),
            CqlType::Set(t) => write!(f, "set<{t}>"),
            CqlType::Map(k, v) => write!(f, "map<{k}, {v}>"),
            CqlType::Tuple(ts) => {
                f.write_str("tuple<")?;
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str(">")
            }
            CqlType::Vector(t, n) => write!(f, "vector<{t}, {n}>"),
            CqlType::Frozen(t) => write!(f, "frozen<{t}>"),
            CqlType::Udt(n) => write!(f, "{n}"),
            CqlType::Custom(c) => write!(f, "'{}'", c.replace('\'', "''")),
        }
    }
}

/// A constant written in the query. Numbers keep their text, sign included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    /// `'text'` or `$$text$$`
    String(String),
    /// An integer such as `42` or `-7`.
    Integer(String),
    /// A float such as `1.5`, `-2e3`, `NaN`, `Infinity` or `-Infinity`.
    Float(String),
    /// `true` / `false`
    Boolean(bool),
    /// A blob: the hex digits after `0x`.
    Hex(String),
    /// A uuid.
    Uuid(String),
    /// A duration such as `1h30m` or `-2d`.
    Duration(String),
}

impl Literal {
    /// The literal's value as text (for table options, replication maps and the like).
    pub fn as_text(&self) -> String {
        match self {
            Literal::String(s)
            | Literal::Integer(s)
            | Literal::Float(s)
            | Literal::Uuid(s)
            | Literal::Duration(s) => s.clone(),
            Literal::Boolean(b) => b.to_string(),
            Literal::Hex(h) => format!("0x{h}"),
        }
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::String(s) => write!(f, "'{}'", s.replace('\'', "''")),
            Literal::Hex(h) => write!(f, "0x{h}"),
            other => f.write_str(&other.as_text()),
        }
    }
}

/// A bind marker: `?` or `:name`, numbered in order of appearance from 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindMarker {
    /// Position among the statement's markers (0-based).
    pub index: usize,
    /// The name of a `:name` marker.
    pub name: Option<String>,
}

/// A value expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// A constant.
    Literal(Literal),
    /// `null`
    Null,
    /// `?` or `:name`
    Bind(BindMarker),
    /// `[a, b]`
    List(Vec<Term>),
    /// `{a, b}`
    Set(Vec<Term>),
    /// `{k: v, ...}`; an empty `{}` is an empty map, meaning an empty set or map depending on
    /// the column type.
    Map(Vec<(Term, Term)>),
    /// `(a, b)`
    Tuple(Vec<Term>),
    /// `{field: value, ...}`
    Udt(Vec<(String, Term)>),
    /// `name(args)`, e.g. `now()`, `token(?)`, `blobAsText(0x61)`.
    Function {
        /// The function name (keyspace-qualified when written so).
        name: QualifiedName,
        /// The arguments.
        args: Vec<Term>,
    },
    /// `(type) term`
    Cast(CqlType, Box<Term>),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    /// `=`
    Eq,
    /// `!=`
    Neq,
    /// `<`
    Lt,
    /// `<=`
    Lte,
    /// `>`
    Gt,
    /// `>=`
    Gte,
}

impl Operator {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Eq => "=",
            Operator::Neq => "!=",
            Operator::Lt => "<",
            Operator::Lte => "<=",
            Operator::Gt => ">",
            Operator::Gte => ">=",
        }
    }
}

/// The right-hand side of an `IN`: a list of terms or one marker bound to a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InValues {
    /// `IN (a, b, c)`
    List(Vec<Term>),
    /// `IN ?`
    Bind(BindMarker),
}

/// One restriction in a WHERE clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Relation {
    /// `col op term`
    Compare {
        /// The column.
        column: String,
        /// The operator.
        op: Operator,
        /// The value.
        value: Term,
    },
    /// `col IN (...)` / `col IN ?`
    In {
        /// The column.
        column: String,
        /// The values.
        values: InValues,
    },
    /// `col CONTAINS term` / `col CONTAINS KEY term`
    Contains {
        /// The collection column.
        column: String,
        /// `true` for `CONTAINS KEY`.
        key: bool,
        /// The value looked for.
        value: Term,
    },
    /// `col LIKE term` (a SASI index's pattern: `'ab%'`, `'%ab'`, `'%ab%'`, `'ab'`).
    Like {
        /// The text column.
        column: String,
        /// The pattern (a string literal or marker).
        value: Term,
    },
    /// `col[key] op term` (map element restriction).
    Element {
        /// The map column.
        column: String,
        /// The element key.
        key: Term,
        /// The operator.
        op: Operator,
        /// The value.
        value: Term,
    },
    /// `token(a, b) op term`, where the term is often `token(?, ?)` or `?`.
    Token {
        /// The partition key columns inside `token(...)`.
        columns: Vec<String>,
        /// The operator.
        op: Operator,
        /// The value.
        value: Term,
    },
    /// `(c1, c2) op (1, 2)` or `(c1, c2) op ?`.
    MultiCompare {
        /// The clustering columns.
        columns: Vec<String>,
        /// The operator.
        op: Operator,
        /// A tuple literal or marker.
        value: Term,
    },
    /// `(c1, c2) IN ((1, 2), (3, 4))` / `(c1, c2) IN ?`
    MultiIn {
        /// The clustering columns.
        columns: Vec<String>,
        /// The tuples.
        values: InValues,
    },
    /// `col IS NOT NULL` (materialized views).
    IsNotNull {
        /// The column.
        column: String,
    },
}

/// Sort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// `ASC`
    Asc,
    /// `DESC`
    Desc,
}

/// One item of a SELECT clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// A column.
    Column(String),
    /// A constant or marker.
    Term(Term),
    /// `count(*)`
    CountStar,
    /// `writetime(col)`
    WriteTime(String),
    /// `maxwritetime(col)`
    MaxWriteTime(String),
    /// `ttl(col)`
    Ttl(String),
    /// `cast(selector AS type)`
    Cast(Box<Selector>, CqlType),
    /// `name(args)`: `count(1)`, `token(a, b)`, `toTimestamp(now())`, `min(c)`, ...
    Function {
        /// The function name.
        name: QualifiedName,
        /// The arguments.
        args: Vec<Selector>,
    },
    /// `selector.field` (a UDT field).
    Field(Box<Selector>, String),
}

/// A selector with its optional alias.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectItem {
    /// What is selected.
    pub selector: Selector,
    /// The `AS alias`.
    pub alias: Option<String>,
}

/// What a SELECT returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// `*`
    Star,
    /// An explicit list.
    Items(Vec<SelectItem>),
}

/// `SELECT ...`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Select {
    /// `SELECT JSON`
    pub json: bool,
    /// `SELECT DISTINCT`
    pub distinct: bool,
    /// The selection.
    pub selection: Selection,
    /// The table.
    pub table: QualifiedName,
    /// The WHERE restrictions (joined by AND).
    pub where_clause: Vec<Relation>,
    /// `GROUP BY` columns.
    pub group_by: Vec<String>,
    /// `ORDER BY` columns.
    pub order_by: Vec<(String, Order)>,
    /// `PER PARTITION LIMIT`
    pub per_partition_limit: Option<Term>,
    /// `LIMIT`
    pub limit: Option<Term>,
    /// `ALLOW FILTERING`
    pub allow_filtering: bool,
}

/// `USING TTL ... AND TIMESTAMP ...`
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Using {
    /// `TTL n` / `TTL ?`
    pub ttl: Option<Term>,
    /// `TIMESTAMP n` / `TIMESTAMP ?`
    pub timestamp: Option<Term>,
}

/// What INSERT writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InsertValues {
    /// `(cols) VALUES (terms)`
    Values {
        /// The columns.
        columns: Vec<String>,
        /// One term per column.
        values: Vec<Term>,
    },
    /// `JSON 'doc' [DEFAULT NULL | DEFAULT UNSET]`
    Json {
        /// The JSON document (a string literal or marker).
        value: Term,
        /// `DEFAULT UNSET` (the default is `DEFAULT NULL`).
        default_unset: bool,
    },
}

/// `INSERT INTO ...`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insert {
    /// The table.
    pub table: QualifiedName,
    /// The values.
    pub values: InsertValues,
    /// `IF NOT EXISTS`
    pub if_not_exists: bool,
    /// `USING ...`
    pub using: Using,
}

/// One `SET` item of an UPDATE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assignment {
    /// `c = term`
    Set {
        /// The column.
        column: String,
        /// The value.
        value: Term,
    },
    /// `c[key] = term` (list index or map key).
    SetElement {
        /// The column.
        column: String,
        /// The index or key.
        key: Term,
        /// The value.
        value: Term,
    },
    /// `c.field = term` (UDT field).
    SetField {
        /// The column.
        column: String,
        /// The field.
        field: String,
        /// The value.
        value: Term,
    },
    /// `c = c + term` / `c += term`: append, add to set, put into map, counter increment.
    Add {
        /// The column.
        column: String,
        /// The value added.
        value: Term,
    },
    /// `c = c - term` / `c -= term`: remove from collection, counter decrement.
    Subtract {
        /// The column.
        column: String,
        /// The value removed.
        value: Term,
    },
    /// `c = term + c`: list prepend.
    Prepend {
        /// The column.
        column: String,
        /// The value prepended.
        value: Term,
    },
}

/// One condition of an `IF` clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The column.
    pub column: String,
    /// `col[key]`: the element looked at.
    pub element: Option<Term>,
    /// `col.field`: the UDT field looked at.
    pub field: Option<String>,
    /// The test.
    pub test: ConditionTest,
}

/// The test of a [`Condition`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConditionTest {
    /// `op term`
    Compare(Operator, Term),
    /// `IN (...)` / `IN ?`
    In(InValues),
}

/// The lightweight-transaction clause of UPDATE and DELETE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfClause {
    /// `IF EXISTS`
    Exists,
    /// `IF c = v AND ...`
    Conditions(Vec<Condition>),
}

/// `UPDATE ...`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    /// The table.
    pub table: QualifiedName,
    /// `USING ...`
    pub using: Using,
    /// The SET items.
    pub assignments: Vec<Assignment>,
    /// The WHERE restrictions.
    pub where_clause: Vec<Relation>,
    /// The IF clause.
    pub if_clause: Option<IfClause>,
}

/// What a DELETE removes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeleteTarget {
    /// A whole column.
    Column(String),
    /// `c[key]`: a list index or map key.
    Element(String, Term),
    /// `c.field`: a UDT field.
    Field(String, String),
}

/// `DELETE ...`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delete {
    /// The columns removed (empty: the whole row(s)).
    pub targets: Vec<DeleteTarget>,
    /// The table.
    pub table: QualifiedName,
    /// `USING TIMESTAMP ...`
    pub using: Using,
    /// The WHERE restrictions.
    pub where_clause: Vec<Relation>,
    /// The IF clause.
    pub if_clause: Option<IfClause>,
}

/// The kind of BATCH.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchKind {
    /// `BEGIN BATCH`
    Logged,
    /// `BEGIN UNLOGGED BATCH`
    Unlogged,
    /// `BEGIN COUNTER BATCH`
    Counter,
}

/// A statement allowed inside a BATCH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchStatement {
    /// An INSERT.
    Insert(Insert),
    /// An UPDATE.
    Update(Update),
    /// A DELETE.
    Delete(Delete),
}

/// `BEGIN BATCH ... APPLY BATCH`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// Logged, unlogged or counter.
    pub kind: BatchKind,
    /// `USING TIMESTAMP ...`
    pub using: Using,
    /// The statements, in order.
    pub statements: Vec<BatchStatement>,
}

/// The value of a `WITH name = value` property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PropertyValue {
    /// A constant.
    Literal(Literal),
    /// A bare word such as `NONE` (lower-cased).
    Word(String),
    /// A map of constants, e.g. the replication map.
    Map(Vec<(Literal, Literal)>),
}

impl PropertyValue {
    /// The map's entries as text pairs, when the value is a map.
    pub fn as_text_map(&self) -> Option<Vec<(String, String)>> {
        match self {
            PropertyValue::Map(m) => {
                Some(m.iter().map(|(k, v)| (k.as_text(), v.as_text())).collect())
            }
            _ => None,
        }
    }
    /// The constant as text, when the value is a constant or word.
    pub fn as_text(&self) -> Option<String> {
        match self {
            PropertyValue::Literal(l) => Some(l.as_text()),
            PropertyValue::Word(w) => Some(w.clone()),
            PropertyValue::Map(_) => None,
        }
    }
}

/// `WITH a = x AND b = {...}` properties, in the order written (names lower-cased).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Properties(pub Vec<(String, PropertyValue)>);

impl Properties {
    /// The value of a property by (lower-case) name.
    pub fn get(&self, name: &str) -> Option<&PropertyValue> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

/// `CREATE KEYSPACE`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateKeyspace {
    /// The keyspace.
    pub name: String,
    /// `IF NOT EXISTS`
    pub if_not_exists: bool,
    /// `replication`, `durable_writes`, ...
    pub properties: Properties,
}

/// `ALTER KEYSPACE`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlterKeyspace {
    /// The keyspace.
    pub name: String,
    /// `IF EXISTS`
    pub if_exists: bool,
    /// The new properties.
    pub properties: Properties,
}

/// A column of CREATE TABLE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnDef {
    /// The column name.
    pub name: String,
    /// Its type.
    pub ty: CqlType,
    /// `STATIC`
    pub is_static: bool,
}

/// `CREATE TABLE`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateTable {
    /// The table.
    pub name: QualifiedName,
    /// `IF NOT EXISTS`
    pub if_not_exists: bool,
    /// The columns, in the order written.
    pub columns: Vec<ColumnDef>,
    /// The partition key columns.
    pub partition_key: Vec<String>,
    /// The clustering columns.
    pub clustering_key: Vec<String>,
    /// `WITH CLUSTERING ORDER BY (...)`
    pub clustering_order: Vec<(String, Order)>,
    /// The other `WITH` options.
    pub properties: Properties,
    /// DSE 6.8's `WITH VERTEX LABEL` / `WITH EDGE LABEL` (refused outside DSE mode).
    pub graph_label: Option<GraphLabel>,
}

/// A DSE 6.8 graph label of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GraphLabel {
    /// `VERTEX LABEL [name]`: the table holds vertices (named after the table when no
    /// name is given).
    Vertex(Option<String>),
    /// `EDGE LABEL [name] FROM v(cols) TO v(cols)`: the table holds edges.
    Edge {
        /// The label (the table's name when not given).
        label: Option<String>,
        /// The outgoing vertex label and the columns holding its key.
        from: EdgeEnd,
        /// The incoming vertex label and the columns holding its key.
        to: EdgeEnd,
    },
}

/// One end of an edge table: `person((a, b), c)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeEnd {
    /// The vertex label.
    pub label: String,
    /// The edge table's columns holding the vertex's partition key.
    pub partition_key: Vec<String>,
    /// The edge table's columns holding the vertex's clustering columns.
    pub clustering: Vec<String>,
}

/// What ALTER TABLE does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlterTableAction {
    /// `ADD [IF NOT EXISTS] c type [STATIC]` or `ADD (c type, ...)`
    Add {
        /// `IF NOT EXISTS`
        if_not_exists: bool,
        /// The new columns.
        columns: Vec<ColumnDef>,
    },
    /// `DROP [IF EXISTS] c` or `DROP (c, d) [USING TIMESTAMP n]`
    Drop {
        /// `IF EXISTS`
        if_exists: bool,
        /// The dropped columns.
        columns: Vec<String>,
        /// `USING TIMESTAMP`
        timestamp: Option<Term>,
    },
    /// `RENAME [IF EXISTS] a TO b [AND c TO d]`
    Rename {
        /// `IF EXISTS`
        if_exists: bool,
        /// The (old, new) pairs.
        renames: Vec<(String, String)>,
    },
    /// `ALTER c TYPE t` (no longer supported by Cassandra 4; the executor rejects it).
    AlterType {
        /// The column.
        column: String,
        /// The new type.
        ty: CqlType,
    },
    /// `WITH ...`
    With(Properties),
}

/// `ALTER TABLE`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlterTable {
    /// The table.
    pub name: QualifiedName,
    /// `IF EXISTS`
    pub if_exists: bool,
    /// What changes.
    pub action: AlterTableAction,
}

/// `CREATE TYPE`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateType {
    /// The type.
    pub name: QualifiedName,
    /// `IF NOT EXISTS`
    pub if_not_exists: bool,
    /// The fields, in order.
    pub fields: Vec<(String, CqlType)>,
}

/// What ALTER TYPE does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlterTypeAction {
    /// `ADD [IF NOT EXISTS] f type`
    Add {
        /// `IF NOT EXISTS`
        if_not_exists: bool,
        /// The field.
        field: String,
        /// Its type.
        ty: CqlType,
    },
    /// `RENAME [IF EXISTS] a TO b [AND ...]`
    Rename {
        /// `IF EXISTS`
        if_exists: bool,
        /// The (old, new) pairs.
        renames: Vec<(String, String)>,
    },
}

/// `ALTER TYPE`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlterType {
    /// The type.
    pub name: QualifiedName,
    /// `IF EXISTS`
    pub if_exists: bool,
    /// What changes.
    pub action: AlterTypeAction,
}

/// Which part of a column an index covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexKind {
    /// `(c)`: the value (for a collection: its values).
    Simple,
    /// `(keys(c))`
    Keys,
    /// `(values(c))`
    Values,
    /// `(entries(c))`
    Entries,
    /// `(full(c))`
    Full,
}

/// `CREATE [CUSTOM] INDEX`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateIndex {
    /// The index name, when given.
    pub name: Option<String>,
    /// `IF NOT EXISTS`
    pub if_not_exists: bool,
    /// The table.
    pub table: QualifiedName,
    /// The indexed column.
    pub column: String,
    /// What of the column is indexed.
    pub kind: IndexKind,
    /// `CUSTOM ... USING 'class'`
    pub custom_class: Option<String>,
    /// `WITH OPTIONS = {...}` and the like.
    pub properties: Properties,
}

/// A parsed statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Statement {
    /// `SELECT`
    Select(Select),
    /// `INSERT`
    Insert(Insert),
    /// `UPDATE`
    Update(Update),
    /// `DELETE`
    Delete(Delete),
    /// `BEGIN ... BATCH`
    Batch(Batch),
    /// `USE ks`
    Use(String),
    /// `TRUNCATE [TABLE] t`
    Truncate(QualifiedName),
    /// `CREATE KEYSPACE`
    CreateKeyspace(CreateKeyspace),
    /// `ALTER KEYSPACE`
    AlterKeyspace(AlterKeyspace),
    /// `DROP KEYSPACE [IF EXISTS] ks`
    DropKeyspace {
        /// The keyspace.
        name: String,
        /// `IF EXISTS`
        if_exists: bool,
    },
    /// `CREATE TABLE`
    CreateTable(CreateTable),
    /// `ALTER TABLE`
    AlterTable(AlterTable),
    /// `DROP TABLE [IF EXISTS] t`
    DropTable {
        /// The table.
        name: QualifiedName,
        /// `IF EXISTS`
        if_exists: bool,
    },
    /// `CREATE TYPE`
    CreateType(CreateType),
    /// `ALTER TYPE`
    AlterType(AlterType),
    /// `DROP TYPE [IF EXISTS] t`
    DropType {
        /// The type.
        name: QualifiedName,
        /// `IF EXISTS`
        if_exists: bool,
    },
    /// `CREATE INDEX`
    CreateIndex(CreateIndex),
    /// `DROP INDEX [IF EXISTS] [ks.]i`
    DropIndex {
        /// The index.
        name: QualifiedName,
        /// `IF EXISTS`
        if_exists: bool,
    },
    /// `CREATE FUNCTION`
    CreateFunction(CreateFunction),
    /// `DROP FUNCTION`
    DropFunction(DropFunction),
    /// `CREATE AGGREGATE`
    CreateAggregate(CreateAggregate),
    /// `DROP AGGREGATE`
    DropAggregate(DropFunction),
    /// `CREATE MATERIALIZED VIEW`
    CreateView(CreateView),
    /// `ALTER MATERIALIZED VIEW`
    AlterView(AlterView),
    /// `DROP MATERIALIZED VIEW [IF EXISTS] [ks.]v`
    DropView {
        /// The view.
        name: QualifiedName,
        /// `IF EXISTS`
        if_exists: bool,
    },
    /// `CREATE TRIGGER`
    CreateTrigger(CreateTrigger),
    /// `DROP TRIGGER`
    DropTrigger(DropTrigger),
    /// `DESCRIBE ...` / `DESC ...` (answered by the server since Cassandra 4.0)
    Describe(Describe),
    /// A role or permission statement (`CREATE ROLE`, `GRANT`, `LIST PERMISSIONS`, ...).
    Auth(AuthStatement),
}

/// A `DESCRIBE` (or `DESC`) statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Describe {
    /// What is described.
    pub target: DescribeTarget,
    /// `WITH INTERNALS`: table ids (and, in Cassandra, dropped columns) are included.
    pub with_internals: bool,
}

/// What a `DESCRIBE` statement describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DescribeTarget {
    /// `DESCRIBE CLUSTER`
    Cluster,
    /// `DESCRIBE [FULL] SCHEMA` (`full` includes the system keyspaces)
    Schema {
        /// `FULL`
        full: bool,
    },
    /// `DESCRIBE KEYSPACES`
    Keyspaces,
    /// `DESCRIBE [ONLY] KEYSPACE [ks]` (without a name: the current keyspace)
    Keyspace {
        /// The keyspace, if named.
        name: Option<String>,
        /// `ONLY`: the keyspace alone, without its types, tables and indexes.
        only: bool,
    },
    /// `DESCRIBE TABLES` (or `COLUMNFAMILIES`)
    Tables,
    /// `DESCRIBE TABLE [ks.]t` (or `COLUMNFAMILY`)
    Table(QualifiedName),
    /// `DESCRIBE INDEX [ks.]i`
    Index(QualifiedName),
    /// `DESCRIBE MATERIALIZED VIEW [ks.]v`
    MaterializedView(QualifiedName),
    /// `DESCRIBE TYPES`
    Types,
    /// `DESCRIBE TYPE [ks.]t`
    Type(QualifiedName),
    /// `DESCRIBE FUNCTIONS`
    Functions,
    /// `DESCRIBE FUNCTION [ks.]f`
    Function(QualifiedName),
    /// `DESCRIBE AGGREGATES`
    Aggregates,
    /// `DESCRIBE AGGREGATE [ks.]a`
    Aggregate(QualifiedName),
    /// `DESCRIBE [ks.]name`: a keyspace, else a table, an index or a materialized view of
    /// the keyspace given (or the current one), in that order.
    Generic(QualifiedName),
}
