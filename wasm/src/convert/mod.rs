//! JavaScript ⇄ CQL value conversions.

pub mod from_js;
pub mod params;
pub mod to_js;
