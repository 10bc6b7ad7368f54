//! Layer 2: the CQL type model, value codecs, and the mapping between Rust and CQL values.

pub mod base64;
pub mod calendar;
pub mod codec;
#[cfg(feature = "column-encryption")]
pub mod column_encryption;
pub mod column_type;
pub mod cql_syntax;
pub mod date_range;
#[doc(hidden)]
pub mod derive_support;
pub mod deserialize;
pub mod dse_types;
pub mod error;
pub(crate) mod float_repr;
pub mod geo;
pub mod marshal;
mod natural;
pub mod numeric;
pub mod row;
#[cfg(feature = "serde")]
pub mod serde;
pub mod serialize;
pub mod serialized_values;
pub mod timeuuid;
pub mod value;

#[cfg(feature = "serde")]
pub use self::serde::{SerdeRow, SerdeValue, SerdeValues};
pub use column_type::{ColumnSpec, ColumnType};
#[cfg(feature = "derive")]
pub use cql_derive::{DeserializeRow, DeserializeValue, SerializeRow, SerializeValue};
pub use date_range::{DateRange, DateRangeBound, DateRangePrecision};
pub use deserialize::DeserializeValue;
pub use error::{DeserializeError, SerializeError, TypeParseError};
pub use geo::{LineString, Point, Polygon};
pub use numeric::ParseNumberError;
pub use row::{ColumnIterator, DeserializeRow, OwnedRow, RawColumn, RowIterator};
pub use serialize::{MaybeUnset, SerializeRow, SerializeValue, Unset, serialize_natural};
pub use serialized_values::SerializedValues;
pub use value::{CqlDate, CqlDecimal, CqlDuration, CqlTime, CqlTimestamp, CqlValue, CqlVarint};
