//! Java marshal class names (`org.apache.cassandra.db.marshal.*`) ⇄ [`ColumnType`].

use alloc::string::String;

use super::ColumnType;

/// Parses a custom type's marshal class name into a [`ColumnType`] when it names a type
/// the model knows (e.g. `VectorType`); `None` keeps it as [`ColumnType::Custom`].
pub fn parse_marshal_class(_class: &str) -> Option<ColumnType> {
    None
}

/// The marshal class name of a type.
pub fn marshal_class(_typ: &ColumnType) -> String {
    String::new()
}
