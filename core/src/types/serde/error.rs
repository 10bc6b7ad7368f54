//! serde's error traits for this crate's errors, so the serde mapping reports the same
//! errors as the rest of the types layer.

use alloc::string::ToString;
use core::fmt::Display;

use crate::types::error::{DeserializeError, SerializeError};

impl serde::de::Error for DeserializeError {
    fn custom<T: Display>(msg: T) -> Self {
        Self::Custom(msg.to_string().into())
    }

    /// A struct field with no column (or UDT field) of its name.
    fn missing_field(field: &'static str) -> Self {
        Self::MissingColumn(field.into())
    }
}

impl serde::ser::Error for SerializeError {
    fn custom<T: Display>(msg: T) -> Self {
        Self::Custom(msg.to_string().into())
    }
}
