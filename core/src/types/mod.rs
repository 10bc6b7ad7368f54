//! Layer 2: the CQL type model, value codecs, and the mapping between Rust and CQL values.

pub mod codec;
pub mod column_type;
pub mod cql_syntax;
pub mod deserialize;
#[doc(hidden)]
pub mod derive_support;
pub mod error;
pub mod marshal;
pub mod numeric;
pub mod row;
pub mod serialize;
pub mod serialized_values;
#[cfg(feature = "serde")]
pub mod serde;
pub mod value;

pub use column_type::{ColumnSpec, ColumnType};
pub use deserialize::DeserializeValue;
pub use error::{DeserializeError, SerializeError, TypeParseError};
pub use numeric::ParseNumberError;
pub use row::{ColumnIterator, DeserializeRow, RawColumn, Row, RowIterator};
pub use serialize::{MaybeUnset, SerializeRow, SerializeValue, Unset};
pub use serialized_values::SerializedValues;
#[cfg(feature = "serde")]
pub use self::serde::{SerdeRow, SerdeValue, SerdeValues};
#[cfg(feature = "derive")]
pub use cql_derive::{FromRow, SerializeRow, UserType};
pub use value::{CqlDate, CqlDecimal, CqlDuration, CqlTime, CqlTimestamp, CqlValue, CqlVarint};
