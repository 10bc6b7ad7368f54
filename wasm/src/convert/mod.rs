//! JavaScript ⇄ CQL value conversions.

pub mod from_js;
pub mod graph;
pub mod params;
pub mod to_js;
