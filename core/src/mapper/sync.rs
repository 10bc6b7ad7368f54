//! Schema management from models: `sync_table`, `sync_type`, `drop_table`, and keyspace
//! creation — each runs its DDL and waits for schema agreement (cqlengine's `management`).

use alloc::string::String;
use alloc::vec::Vec;

use super::ddl::{
    self, Incompatible, Replication, create_index, create_table, create_type, diff_table,
    diff_type, user_types_of,
};
use super::error::MapperError;
use super::model::{Model, ModelSchema, UserTypeModel};
use super::run::Mapper;
use crate::types::ColumnType;

/// What a sync did: the DDL statements it ran, in order (none when the schema already
/// matched the model).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// The statements run.
    pub statements: Vec<String>,
}

impl SyncReport {
    /// Whether the schema already matched.
    pub fn is_unchanged(&self) -> bool {
        self.statements.is_empty()
    }
}

impl From<Incompatible> for MapperError {
    fn from(i: Incompatible) -> Self {
        MapperError::Incompatible {
            model: i.model,
            differences: i.differences.join("; "),
        }
    }
}

impl Mapper {
    /// The keyspace `schema`'s table lives in: the model's, the mapper's, or the session's.
    fn keyspace_of(&self, schema: &ModelSchema) -> Result<String, MapperError> {
        self.keyspace_for(schema.keyspace.as_deref())
            .ok_or_else(|| MapperError::Validation {
                model: schema.model_name.clone(),
                field: String::new(),
                reason: "no keyspace: name one on the model (#[cql(keyspace = ..)]), the mapper \
                         (Mapper::with_keyspace) or the session"
                    .into(),
            })
    }

    /// Runs DDL statements one by one (each waits for schema agreement), then re-reads
    /// the schema metadata.
    async fn run_ddl(&self, statements: &[String]) -> Result<(), MapperError> {
        for cql in statements {
            self.session().execute(cql.as_str(), ()).await?;
            if !self.session().await_schema_agreement().await? {
                return Err(MapperError::SchemaDisagreement { what: cql.clone() });
            }
        }
        if !statements.is_empty() {
            self.session().refresh_schema().await?;
        }
        Ok(())
    }

    /// Creates `M`'s table (with its user types and indexes) when it does not exist, or
    /// brings an existing one up to the model: adds missing columns, indexes and user-type
    /// fields, updates declared options. Never drops anything: a change it cannot make (a
    /// different primary key, a column of another type) is [`MapperError::Incompatible`]
    /// listing every difference.
    ///
    /// # Errors
    /// [`MapperError::Incompatible`], [`MapperError::SchemaDisagreement`], no keyspace
    /// known, or the requests' errors (e.g. the keyspace does not exist).
    pub async fn sync_table<M: Model>(&self) -> Result<SyncReport, MapperError> {
        let schema = M::schema()?;
        let keyspace = self.keyspace_of(schema)?;
        self.session().refresh_schema().await?;
        let mut report = SyncReport::default();
        for (ks, name, fields) in user_types_of(schema) {
            let ks = ks
                .filter(|k| !k.is_empty())
                .unwrap_or_else(|| keyspace.clone());
            let statements = self.type_statements(&ks, &name, &fields)?;
            self.run_ddl(&statements).await?;
            report.statements.extend(statements);
        }
        let metadata = self.session().metadata();
        if metadata.keyspace(&keyspace).is_none() {
            return Err(MapperError::Validation {
                model: schema.model_name.clone(),
                field: String::new(),
                reason: alloc::format!(
                    "keyspace {keyspace:?} does not exist (create it first, e.g. \
                     Mapper::create_keyspace_simple), or the session reads no schema metadata \
                     for it (SessionBuilder::schema_metadata)"
                ),
            });
        }
        let statements = match metadata.table(&keyspace, &schema.table) {
            None => {
                let mut s = alloc::vec![create_table(schema, Some(&keyspace))];
                s.extend(
                    (0..schema.columns.len())
                        .filter_map(|i| create_index(schema, Some(&keyspace), i)),
                );
                s
            }
            Some(existing) => diff_table(schema, Some(&keyspace), existing)?,
        };
        drop(metadata);
        self.run_ddl(&statements).await?;
        report.statements.extend(statements);
        Ok(report)
    }

    /// The statements creating or evolving the user type `ks.name`.
    fn type_statements(
        &self,
        ks: &str,
        name: &str,
        fields: &[(String, ColumnType)],
    ) -> Result<Vec<String>, MapperError> {
        let metadata = self.session().metadata();
        Ok(match metadata.schema().user_type(ks, name) {
            None => alloc::vec![create_type(Some(ks), name, fields)],
            Some(existing) => diff_type(Some(ks), name, fields, existing)?,
        })
    }

    /// Creates the user type `U` (and the types it uses) when it does not exist, or adds
    /// its missing fields.
    ///
    /// # Errors
    /// As [`sync_table`](Self::sync_table).
    pub async fn sync_type<U: UserTypeModel>(&self) -> Result<SyncReport, MapperError> {
        let keyspace = self
            .keyspace_for(U::keyspace())
            .ok_or_else(|| MapperError::Validation {
                model: U::type_name().into(),
                field: String::new(),
                reason: "no keyspace: name one on the type, the mapper or the session".into(),
            })?;
        self.session().refresh_schema().await?;
        // The type's own dependencies first, as a table's are.
        let mut probe = ModelSchema::new(U::type_name(), "");
        probe.columns.push(super::model::ColumnDef::new(
            "value",
            super::model::user_type_column::<U>(),
        ));
        let mut report = SyncReport::default();
        for (ks, name, fields) in user_types_of(&probe) {
            let ks = ks
                .filter(|k| !k.is_empty())
                .unwrap_or_else(|| keyspace.clone());
            let statements = self.type_statements(&ks, &name, &fields)?;
            self.run_ddl(&statements).await?;
            report.statements.extend(statements);
        }
        Ok(report)
    }

    /// Drops `M`'s table if it exists.
    ///
    /// # Errors
    /// The request's errors.
    pub async fn drop_table<M: Model>(&self) -> Result<(), MapperError> {
        let schema = M::schema()?;
        let keyspace = self.keyspace_of(schema)?;
        self.run_ddl(&[ddl::drop_table(schema, Some(&keyspace))])
            .await
    }

    /// Creates keyspace `name` with `SimpleStrategy` if it does not exist.
    ///
    /// # Errors
    /// The request's errors.
    pub async fn create_keyspace_simple(
        &self,
        name: &str,
        replication_factor: u32,
    ) -> Result<(), MapperError> {
        let replication = Replication::Simple { replication_factor };
        self.run_ddl(&[ddl::create_keyspace(name, &replication, true)])
            .await
    }

    /// Creates keyspace `name` with `NetworkTopologyStrategy` (a replication factor per
    /// data center) if it does not exist.
    ///
    /// # Errors
    /// The request's errors.
    pub async fn create_keyspace_network_topology(
        &self,
        name: &str,
        data_centers: &[(&str, u32)],
    ) -> Result<(), MapperError> {
        let replication = Replication::NetworkTopology(
            data_centers
                .iter()
                .map(|(dc, rf)| (String::from(*dc), *rf))
                .collect(),
        );
        self.run_ddl(&[ddl::create_keyspace(name, &replication, true)])
            .await
    }

    /// Drops keyspace `name` if it exists.
    ///
    /// # Errors
    /// The request's errors.
    pub async fn drop_keyspace(&self, name: &str) -> Result<(), MapperError> {
        self.run_ddl(&[ddl::drop_keyspace(name)]).await
    }
}
