//! JavaScript ⇄ CQL value conversions.

pub mod from_js;
pub mod to_js;
