//! (placeholder until the SELECT renderer lands)
use super::model::ModelSchema;
use super::spec::{InvalidQuery, Rendered, SelectSpec};
/// placeholder
pub fn render_select(
    _s: &ModelSchema,
    _k: Option<&str>,
    _spec: &SelectSpec,
) -> Result<Rendered, InvalidQuery> {
    Err(InvalidQuery {
        model: alloc::string::String::new(),
        reason: alloc::string::String::new(),
    })
}
/// placeholder
pub fn check_select(_s: &ModelSchema, _spec: &SelectSpec) -> Result<(), InvalidQuery> {
    Ok(())
}
