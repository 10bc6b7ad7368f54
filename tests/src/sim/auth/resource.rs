//! The resources of Cassandra's authorization: data (keyspaces, tables), functions, roles
//! and MBeans, each with the name Cassandra stores (`data/ks/t`, `functions/ks/f[types]`,
//! `roles/r`, `mbean/n`) and the form it prints (`<table ks.t>`).

use cql_core::types::ColumnType;

use crate::cql::ast::{Permission, ResourceName};
use crate::sim::error::{CqlError, CqlResult};
use crate::sim::schema::Schema;
use crate::sim::schema::model::function_type_string;
use crate::sim::schema::types;

/// A resource, resolved: its stored name and printed form.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Resource {
    /// Cassandra's name (`IResource.getName()`), e.g. `data/ks/t`.
    pub name: String,
    /// Cassandra's printed form (`toString()`), e.g. `<table ks.t>`.
    pub display: String,
}

impl core::fmt::Display for Resource {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.display)
    }
}

impl Resource {
    fn new(name: String, display: String) -> Self {
        Self { name, display }
    }

    /// `<all keyspaces>`
    pub fn all_keyspaces() -> Self {
        Self::new("data".into(), "<all keyspaces>".into())
    }

    /// `<keyspace ks>`
    pub fn keyspace(ks: &str) -> Self {
        Self::new(format!("data/{ks}"), format!("<keyspace {ks}>"))
    }

    /// `<table ks.t>`
    pub fn table(ks: &str, table: &str) -> Self {
        Self::new(
            format!("data/{ks}/{table}"),
            format!("<table {ks}.{table}>"),
        )
    }

    /// `<all functions>`
    pub fn all_functions() -> Self {
        Self::new("functions".into(), "<all functions>".into())
    }

    /// `<all functions in ks>`
    pub fn functions_in(ks: &str) -> Self {
        Self::new(
            format!("functions/{ks}"),
            format!("<all functions in {ks}>"),
        )
    }

    /// `<function ks.f(int, text)>`
    pub fn function(ks: &str, name: &str, arguments: &[ColumnType]) -> Self {
        let classes: Vec<String> = arguments.iter().map(marshal_class).collect();
        let cql: Vec<String> = arguments.iter().map(function_type_string).collect();
        Self::new(
            format!("functions/{ks}/{name}[{}]", classes.join("^")),
            format!("<function {ks}.{name}({})>", cql.join(", ")),
        )
    }

    /// `<all roles>`
    pub fn all_roles() -> Self {
        Self::new("roles".into(), "<all roles>".into())
    }

    /// `<role r>`
    pub fn role(role: &str) -> Self {
        Self::new(format!("roles/{role}"), format!("<role {role}>"))
    }

    /// `<all mbeans>`
    pub fn all_mbeans() -> Self {
        Self::new("mbean".into(), "<all mbeans>".into())
    }

    /// `<mbean name>`
    pub fn mbean(name: &str) -> Self {
        Self::new(format!("mbean/{name}"), format!("<mbean {name}>"))
    }

    /// The names of the resource and its parents, the resource first
    /// (`Resources.chain`).
    pub fn chain(&self) -> Vec<String> {
        let parts: Vec<&str> = self.name.splitn(3, '/').collect();
        (1..=parts.len())
            .rev()
            .map(|n| parts.iter().take(n).copied().collect::<Vec<_>>().join("/"))
            .collect()
    }

    /// The resource's parents, nearest first, as resources.
    pub fn parents(&self) -> Vec<Resource> {
        let parts: Vec<&str> = self.name.splitn(3, '/').collect();
        let (kind, first) = (parts.first().copied(), parts.get(1).copied());
        let mut out = Vec::new();
        if parts.len() == 3 {
            let ks = first.unwrap_or_default();
            out.push(match kind {
                Some("functions") => Self::functions_in(ks),
                _ => Self::keyspace(ks),
            });
        }
        if parts.len() >= 2 {
            out.push(match kind {
                Some("functions") => Self::all_functions(),
                Some("roles") => Self::all_roles(),
                Some("mbean") => Self::all_mbeans(),
                _ => Self::all_keyspaces(),
            });
        }
        out
    }

    /// The permissions that apply to the resource (`applicablePermissions()`).
    pub fn applicable_permissions(&self) -> &'static [Permission] {
        use Permission::*;
        let depth = self.name.splitn(3, '/').count();
        match (self.name.split('/').next().unwrap_or_default(), depth) {
            ("data", 3) => &[Alter, Drop, Select, Modify, Authorize],
            ("data", _) => &[Create, Alter, Drop, Select, Modify, Authorize],
            ("functions", 3) => &[Alter, Drop, Authorize, Execute],
            ("functions", _) => &[Create, Alter, Drop, Authorize, Execute],
            ("roles", 1) => &[Create, Alter, Drop, Authorize, Describe],
            ("roles", _) => &[Alter, Drop, Authorize],
            _ => &[Authorize, Describe, Execute, Modify, Select],
        }
    }

    /// Resolves a resource as written, with the session's keyspace for a bare table name,
    /// and says whether it exists.
    ///
    /// # Errors
    /// `Invalid` when a bare table name has no keyspace to go to; unknown argument types.
    pub fn resolve(
        written: &ResourceName,
        keyspace: Option<&str>,
        schema: &Schema,
        role_exists: impl Fn(&str) -> bool,
    ) -> CqlResult<(Resource, bool)> {
        Ok(match written {
            ResourceName::AllKeyspaces => (Self::all_keyspaces(), true),
            ResourceName::Keyspace(ks) => (Self::keyspace(ks), schema.keyspace(ks).is_some()),
            ResourceName::Table(t) => {
                let ks = t.keyspace.as_deref().or(keyspace).ok_or_else(|| {
                    CqlError::invalid("No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename")
                })?;
                let exists = schema.keyspace(ks).is_some_and(|k| {
                    k.tables.contains_key(&t.name) || k.views.contains_key(&t.name)
                });
                (Self::table(ks, &t.name), exists)
            }
            ResourceName::AllFunctions => (Self::all_functions(), true),
            ResourceName::FunctionsIn(ks) => {
                (Self::functions_in(ks), schema.keyspace(ks).is_some())
            }
            ResourceName::Function { name, arguments } => {
                let ks = name.keyspace.as_deref().or(keyspace).ok_or_else(|| {
                    CqlError::invalid(
                        "In this context function name must be explictly qualified by a keyspace",
                    )
                })?;
                let Some(k) = schema.keyspace(ks) else {
                    return Err(CqlError::invalid(format!("Keyspace {ks} doesn't exist")));
                };
                let mut resolved = Vec::with_capacity(arguments.len());
                for a in arguments {
                    resolved.push(types::resolve(a, ks, &k.types)?.typ);
                }
                let strings: Vec<String> = resolved.iter().map(function_type_string).collect();
                let key = (name.name.clone(), strings);
                let exists = k.functions.contains_key(&key) || k.aggregates.contains_key(&key);
                (Self::function(ks, &name.name, &resolved), exists)
            }
            ResourceName::AllRoles => (Self::all_roles(), true),
            ResourceName::Role(r) => (Self::role(r), role_exists(r)),
            ResourceName::AllMbeans => (Self::all_mbeans(), true),
            ResourceName::Mbean(m) => (Self::mbean(m), true),
        })
    }
}

/// The `org.apache.cassandra.db.marshal` class of a type, as function resource names
/// spell argument types.
pub fn marshal_class(typ: &ColumnType) -> String {
    const M: &str = "org.apache.cassandra.db.marshal.";
    let simple = match typ {
        ColumnType::Ascii => "AsciiType",
        ColumnType::BigInt => "LongType",
        ColumnType::Blob => "BytesType",
        ColumnType::Boolean => "BooleanType",
        ColumnType::Counter => "CounterColumnType",
        ColumnType::Date => "SimpleDateType",
        ColumnType::Decimal => "DecimalType",
        ColumnType::Double => "DoubleType",
        ColumnType::Duration => "DurationType",
        ColumnType::Float => "FloatType",
        ColumnType::Inet => "InetAddressType",
        ColumnType::Int => "Int32Type",
        ColumnType::SmallInt => "ShortType",
        ColumnType::Text => "UTF8Type",
        ColumnType::Time => "TimeType",
        ColumnType::Timestamp => "TimestampType",
        ColumnType::Timeuuid => "TimeUUIDType",
        ColumnType::TinyInt => "ByteType",
        ColumnType::Uuid => "UUIDType",
        ColumnType::Varint => "IntegerType",
        ColumnType::List(t) => return format!("{M}ListType({})", marshal_class(t)),
        ColumnType::Set(t) => return format!("{M}SetType({})", marshal_class(t)),
        ColumnType::Map(k, v) => {
            return format!("{M}MapType({},{})", marshal_class(k), marshal_class(v));
        }
        other => return function_type_string(other),
    };
    format!("{M}{simple}")
}
