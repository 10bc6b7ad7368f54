//! [`Metadata`]: what the session knows of the cluster at one moment — the schema
//! (keyspaces, tables, views, types, functions, aggregates) and the hosts with their
//! token ring — as one cheap immutable snapshot, with lookups by name, replica lookups
//! by partition key values, and CQL export.

use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

use super::error::Error;
use super::routing::token_of_values;
use crate::cluster::host::Host;
use crate::cluster::schema::{
    ExportStyle, KeyspaceMetadata, SchemaMetadata, TableMetadata, ViewMetadata,
};
use crate::cluster::token::{Partitioner, Token};
use crate::cluster::view::ClusterView;
use crate::types::{ColumnSpec, SerializeRow, SerializedValues};

/// A snapshot of the cluster's metadata (see the [module docs](self)). Taking one costs
/// two reference counts; it never changes afterwards.
#[derive(Clone)]
pub struct Metadata {
    schema: Arc<SchemaMetadata>,
    view: Arc<ClusterView>,
}

impl fmt::Debug for Metadata {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Metadata")
            .field("keyspaces", &self.schema.keyspaces.len())
            .field("hosts", &self.view.hosts().len())
            .finish_non_exhaustive()
    }
}

impl Metadata {
    /// A snapshot of `schema` and `view`.
    pub fn new(schema: Arc<SchemaMetadata>, view: Arc<ClusterView>) -> Self {
        Self { schema, view }
    }

    /// The whole schema.
    pub fn schema(&self) -> &SchemaMetadata {
        &self.schema
    }

    /// The schema, shared (to keep beyond this snapshot).
    pub fn schema_arc(&self) -> Arc<SchemaMetadata> {
        Arc::clone(&self.schema)
    }

    /// Every keyspace, by name.
    pub fn keyspaces(&self) -> impl Iterator<Item = &KeyspaceMetadata> {
        self.schema.keyspaces.values().map(|k| &**k)
    }

    /// A keyspace by name (case-sensitive, unquoted).
    pub fn keyspace(&self, name: &str) -> Option<&KeyspaceMetadata> {
        self.schema.keyspace(name)
    }

    /// A table by keyspace and name.
    pub fn table(&self, keyspace: &str, name: &str) -> Option<&TableMetadata> {
        self.schema.table(keyspace, name)
    }

    /// A materialized view by keyspace and name.
    pub fn view(&self, keyspace: &str, name: &str) -> Option<&ViewMetadata> {
        self.schema.view(keyspace, name)
    }

    /// The hosts, datacenters and token ring the load-balancing policies see.
    pub fn cluster_view(&self) -> &ClusterView {
        &self.view
    }

    /// Every known host.
    pub fn hosts(&self) -> &[Arc<Host>] {
        self.view.hosts()
    }

    /// The cluster's partitioner, once known.
    pub fn partitioner(&self) -> Option<Partitioner> {
        self.view.partitioner()
    }

    /// The token of a routing key (the serialized partition key), when the partitioner
    /// is known.
    pub fn token(&self, routing_key: &[u8]) -> Option<Token> {
        self.view.token(routing_key)
    }

    /// The replicas of the partition with `routing_key` in `keyspace`, in ring order.
    pub fn replicas_for_routing_key(&self, keyspace: &str, routing_key: &[u8]) -> Vec<Arc<Host>> {
        self.view
            .replicas_for_key(keyspace, routing_key)
            .iter()
            .cloned()
            .collect()
    }

    /// The replicas of the partition whose key columns of `keyspace.table` have
    /// `values` (in partition key order: `(id,)` or `(device, day)`), in ring order.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an unknown table, a value missing or null, or an
    /// unknown partitioner; [`Error::Serialize`] for values of the wrong types.
    pub fn replicas(
        &self,
        keyspace: &str,
        table: &str,
        values: &impl SerializeRow,
    ) -> Result<Vec<Arc<Host>>, Error> {
        let token = self.token_of(keyspace, table, values)?;
        Ok(self
            .view
            .replicas(keyspace, &token)
            .iter()
            .cloned()
            .collect())
    }

    /// The token of the partition whose key columns of `keyspace.table` have `values`.
    ///
    /// # Errors
    /// As [`replicas`](Self::replicas).
    pub fn token_of(
        &self,
        keyspace: &str,
        table: &str,
        values: &impl SerializeRow,
    ) -> Result<Token, Error> {
        let t = self.table(keyspace, table).ok_or_else(|| {
            Error::InvalidArgument(alloc::format!("unknown table {keyspace}.{table}"))
        })?;
        let specs = t
            .partition_key()
            .map(|c| {
                c.column_type.clone().map(|typ| ColumnSpec {
                    keyspace: keyspace.to_string(),
                    table: table.to_string(),
                    name: c.name.clone(),
                    typ,
                })
            })
            .collect::<Option<Vec<ColumnSpec>>>()
            .ok_or_else(|| {
                Error::InvalidArgument(alloc::format!(
                    "the partition key of {keyspace}.{table} has a type the driver cannot read"
                ))
            })?;
        let mut serialized = SerializedValues::new();
        values.serialize_row(&specs, &mut serialized)?;
        let partitioner = self.partitioner().ok_or_else(|| {
            Error::InvalidArgument(String::from("the cluster's partitioner is not known"))
        })?;
        let indexes: Vec<u16> = (0..specs.len())
            .map(|i| u16::try_from(i).unwrap_or(u16::MAX))
            .collect();
        token_of_values(partitioner, &indexes, &serialized).ok_or_else(|| {
            Error::InvalidArgument(String::from(
                "a partition key value is missing, null or unset",
            ))
        })
    }

    /// Every non-system keyspace as CQL (see [`ExportStyle`]).
    pub fn export_as_string(&self, style: ExportStyle) -> String {
        self.schema.export_as_string(style)
    }
}
