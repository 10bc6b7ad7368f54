//! `client.metadata`: a snapshot of the cluster's schema and ring (the core's
//! [`Metadata`](cql_core::session::Metadata), two reference counts to take) with lookups
//! by name, replicas by partition key values and the schema as CQL.
//!
//! The snapshot is a wasm class rather than one tree of plain objects: taking it costs
//! nothing whatever the schema's size, and only what a caller looks up is converted (to
//! plain objects, see [`objects`]). Lookups of what is not there answer `null`.

mod objects;

use cql_core::cluster::schema::ExportStyle;
use cql_core::types::ColumnSpec;
use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

use crate::call::Site;
use crate::convert::params::{self, Subject};
use crate::error::{self, argument};

/// An immutable snapshot of the schema and the ring; `client.metadata` takes a new one
/// each time it is read.
#[wasm_bindgen]
pub struct Metadata {
    inner: cql_core::session::Metadata,
}

impl Metadata {
    /// The snapshot of `inner`.
    pub fn new(inner: cql_core::session::Metadata) -> Self {
        Self { inner }
    }
}

/// A name argument: a string, or an `ArgumentError` naming `what`.
fn name_arg(v: &JsValue, what: &str) -> Result<String, JsValue> {
    v.as_string().ok_or_else(|| {
        argument(format!(
            "{what} must be a string (a name as stored: case-sensitive, without quotes)"
        ))
    })
}

/// `exportAsString`'s `style`: `"describe"` (the default) or `"python"`.
fn style(v: &JsValue) -> Result<ExportStyle, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(ExportStyle::Describe);
    }
    match v.as_string().as_deref() {
        Some("describe") => Ok(ExportStyle::Describe),
        Some("python") => Ok(ExportStyle::PythonDriver),
        _ => Err(argument(
            "the export style must be \"describe\" (as Cassandra's DESCRIBE prints it) or \"python\" (as the Python driver's export_as_string prints it)",
        )),
    }
}

/// Runs a synchronous method: its `ArgumentError`s carry the caller's stack.
fn checked(f: impl FnOnce() -> Result<JsValue, JsValue>) -> Result<JsValue, JsValue> {
    let site = Site::here();
    f().map_err(|e| site.fail(e, &JsValue::UNDEFINED))
}

#[wasm_bindgen]
impl Metadata {
    /// Every keyspace whose schema the client keeps (see the `schemaMetadata` option),
    /// by name: `{ name, durableWrites, replication, strategy, virtual, graphEngine,
    /// tables, views, userTypes, functions, aggregates, parseError }`.
    #[wasm_bindgen(getter, unchecked_return_type = "Record<string, KeyspaceMetadata>")]
    pub fn keyspaces(&self) -> Object {
        let o = Object::new();
        for k in self.inner.keyspaces() {
            objects::entry(&o, &k.name, &objects::keyspace(k));
        }
        o
    }

    /// A keyspace by name, or `null`.
    #[wasm_bindgen(unchecked_return_type = "KeyspaceMetadata | null")]
    pub fn keyspace(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] keyspace: JsValue,
    ) -> Result<JsValue, JsValue> {
        checked(|| {
            let ks = name_arg(&keyspace, "keyspace")?;
            Ok(self
                .inner
                .keyspace(&ks)
                .map_or(JsValue::NULL, objects::keyspace))
        })
    }

    /// A table by keyspace and name, or `null`.
    #[wasm_bindgen(unchecked_return_type = "TableMetadata | null")]
    pub fn table(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] keyspace: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] table: JsValue,
    ) -> Result<JsValue, JsValue> {
        checked(|| {
            let (ks, t) = (name_arg(&keyspace, "keyspace")?, name_arg(&table, "table")?);
            Ok(self
                .inner
                .table(&ks, &t)
                .map_or(JsValue::NULL, objects::table))
        })
    }

    /// A materialized view by keyspace and name, or `null`.
    #[wasm_bindgen(unchecked_return_type = "ViewMetadata | null")]
    pub fn view(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] keyspace: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
    ) -> Result<JsValue, JsValue> {
        checked(|| {
            let (ks, v) = (name_arg(&keyspace, "keyspace")?, name_arg(&name, "view")?);
            Ok(self
                .inner
                .view(&ks, &v)
                .map_or(JsValue::NULL, objects::view))
        })
    }

    /// A user-defined type by keyspace and name, or `null`.
    #[wasm_bindgen(js_name = userType, unchecked_return_type = "UserTypeMetadata | null")]
    pub fn user_type(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] keyspace: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
    ) -> Result<JsValue, JsValue> {
        checked(|| {
            let (ks, u) = (name_arg(&keyspace, "keyspace")?, name_arg(&name, "type")?);
            Ok(self
                .inner
                .schema()
                .user_type(&ks, &u)
                .map_or(JsValue::NULL, objects::user_type))
        })
    }

    /// Every overload of the function `name` in `keyspace` (empty when there is none),
    /// or `null` for an unknown keyspace.
    #[wasm_bindgen(unchecked_return_type = "FunctionMetadata[] | null")]
    pub fn functions(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] keyspace: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
    ) -> Result<JsValue, JsValue> {
        checked(|| {
            let (ks, f) = (
                name_arg(&keyspace, "keyspace")?,
                name_arg(&name, "function")?,
            );
            Ok(self.inner.keyspace(&ks).map_or(JsValue::NULL, |k| {
                k.functions_named(&f)
                    .map(objects::function)
                    .collect::<Array>()
                    .into()
            }))
        })
    }

    /// Every overload of the aggregate `name` in `keyspace` (empty when there is none),
    /// or `null` for an unknown keyspace.
    #[wasm_bindgen(unchecked_return_type = "AggregateMetadata[] | null")]
    pub fn aggregates(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] keyspace: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
    ) -> Result<JsValue, JsValue> {
        checked(|| {
            let (ks, a) = (
                name_arg(&keyspace, "keyspace")?,
                name_arg(&name, "aggregate")?,
            );
            Ok(self.inner.keyspace(&ks).map_or(JsValue::NULL, |k| {
                k.aggregates_named(&a)
                    .map(objects::aggregate)
                    .collect::<Array>()
                    .into()
            }))
        })
    }

    /// The replicas of the partition of `keyspace.table` whose partition key columns
    /// have `keyValues` (an array in key order, or an object by column name; converted
    /// to the columns' types as statement parameters are), in ring order:
    /// `{ address, hostId, datacenter, rack }`. `null` for an unknown table.
    #[wasm_bindgen(js_name = getReplicas, unchecked_return_type = "ReplicaInfo[] | null")]
    pub fn get_replicas(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] keyspace: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] table: JsValue,
        #[wasm_bindgen(js_name = keyValues, unchecked_param_type = "PartitionKeyValues")]
        key_values: JsValue,
    ) -> Result<JsValue, JsValue> {
        checked(|| {
            let (ks, t) = (name_arg(&keyspace, "keyspace")?, name_arg(&table, "table")?);
            let Some(meta) = self.inner.table(&ks, &t) else {
                return Ok(JsValue::NULL);
            };
            let specs = meta
                .partition_key()
                .map(|c| {
                    c.column_type.clone().map(|typ| ColumnSpec {
                        keyspace: ks.clone(),
                        table: t.clone(),
                        name: c.name.clone(),
                        typ,
                    })
                })
                .collect::<Option<Vec<ColumnSpec>>>()
                .ok_or_else(|| {
                    argument(format!(
                        "the partition key of {ks}.{t} has a type the driver cannot read"
                    ))
                })?;
            let whole = format!("the partition key of {ks}.{t}");
            let subject = Subject {
                whole: &whole,
                item: "key value",
                count: "column(s)",
            };
            let values = params::typed(&key_values, &specs, subject)?;
            let hosts = self
                .inner
                .replicas(&ks, &t, &values)
                .map_err(|e| error::to_js(&e))?;
            Ok(hosts
                .iter()
                .map(|h| objects::host(h))
                .collect::<Array>()
                .into())
        })
    }

    /// The schema as CQL: one keyspace and everything in it, or every non-system
    /// keyspace when `keyspace` is `undefined` or `null`; `null` for an unknown keyspace.
    /// `style`: `"describe"` (default; as Cassandra 4.1's `DESCRIBE` prints it) or
    /// `"python"` (as the Python driver's `export_as_string()` does).
    #[wasm_bindgen(js_name = exportAsString, skip_typescript)]
    // Typed in types.ts (optional parameters).
    pub fn export_as_string(
        &self,
        keyspace: Option<JsValue>,
        style_name: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        checked(|| {
            let keyspace = keyspace.unwrap_or(JsValue::UNDEFINED);
            let style = style(&style_name.unwrap_or(JsValue::UNDEFINED))?;
            if keyspace.is_undefined() || keyspace.is_null() {
                return Ok(JsValue::from_str(&self.inner.export_as_string(style)));
            }
            let ks = name_arg(&keyspace, "keyspace")?;
            Ok(self.inner.keyspace(&ks).map_or(JsValue::NULL, |k| {
                JsValue::from_str(&k.export_as_string(style))
            }))
        })
    }
}
