//! (placeholder until the DDL module lands)
#![allow(missing_docs, clippy::missing_errors_doc)]
use alloc::string::String;
use alloc::vec::Vec;
use super::model::ModelSchema;
use crate::cluster::schema::{TableMetadata, UserTypeMetadata};
use crate::types::ColumnType;
pub enum Replication { Simple { replication_factor: u32 }, NetworkTopology(Vec<(String, u32)>) }
pub struct Incompatible { pub model: String, pub differences: Vec<String> }
pub fn create_table(_s: &ModelSchema, _k: Option<&str>) -> String { String::new() }
pub fn create_index(_s: &ModelSchema, _k: Option<&str>, _c: usize) -> Option<String> { None }
pub fn create_type(_k: Option<&str>, _n: &str, _f: &[(String, ColumnType)]) -> String { String::new() }
#[allow(clippy::type_complexity)]
pub fn user_types_of(_s: &ModelSchema) -> Vec<(Option<String>, String, Vec<(String, ColumnType)>)> { Vec::new() }
pub fn create_keyspace(_n: &str, _r: &Replication, _d: bool) -> String { String::new() }
pub fn drop_keyspace(_n: &str) -> String { String::new() }
pub fn drop_table(_s: &ModelSchema, _k: Option<&str>) -> String { String::new() }
pub fn diff_table(_s: &ModelSchema, _k: Option<&str>, _e: &TableMetadata) -> Result<Vec<String>, Incompatible> { Ok(Vec::new()) }
pub fn diff_type(_k: Option<&str>, _n: &str, _f: &[(String, ColumnType)], _e: &UserTypeMetadata) -> Result<Vec<String>, Incompatible> { Ok(Vec::new()) }
