//! (placeholder until the write renderer lands)
use super::model::{ColumnDef, ModelSchema};
use super::spec::{Assignment, DeleteSpec, InsertSpec, InvalidQuery, Rendered, UpdateSpec};
use crate::types::ColumnType;
fn e() -> InvalidQuery {
    InvalidQuery {
        model: alloc::string::String::new(),
        reason: alloc::string::String::new(),
    }
}
/// placeholder
pub fn render_insert(
    _s: &ModelSchema,
    _k: Option<&str>,
    _spec: &InsertSpec,
) -> Result<Rendered, InvalidQuery> {
    Err(e())
}
/// placeholder
pub fn render_update(
    _s: &ModelSchema,
    _k: Option<&str>,
    _spec: &UpdateSpec,
) -> Result<Rendered, InvalidQuery> {
    Err(e())
}
/// placeholder
pub fn render_delete(
    _s: &ModelSchema,
    _k: Option<&str>,
    _spec: &DeleteSpec,
) -> Result<Rendered, InvalidQuery> {
    Err(e())
}
/// placeholder
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignmentKind {
    /// x
    Set,
    /// x
    Append,
    /// x
    Prepend,
    /// x
    Remove,
    /// x
    Add,
    /// x
    PutEntry,
    /// x
    PutAll,
    /// x
    RemoveKeys,
    /// x
    Increment,
    /// x
    Decrement,
}
/// placeholder
pub struct AssignmentTypes {
    /// x
    pub key: Option<ColumnType>,
    /// x
    pub value: ColumnType,
}
/// placeholder
pub fn assignment_types(
    _m: &str,
    _c: &ColumnDef,
    _k: AssignmentKind,
) -> Result<AssignmentTypes, InvalidQuery> {
    Err(e())
}
/// placeholder
pub fn delete_element_key_type(_m: &str, _c: &ColumnDef) -> Result<ColumnType, InvalidQuery> {
    Err(e())
}
impl Assignment {
    /// x
    pub fn kind(&self) -> AssignmentKind {
        AssignmentKind::Set
    }
}
