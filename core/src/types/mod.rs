//! Layer 2: the CQL type model, value codecs, and the mapping between Rust and CQL values.

pub mod column_type;
pub mod marshal;
pub mod serialized_values;
pub mod value;

pub use column_type::{ColumnSpec, ColumnType};
pub use serialized_values::SerializedValues;
pub use value::{CqlDate, CqlDecimal, CqlDuration, CqlTime, CqlTimestamp, CqlValue, CqlVarint};
