//! Support for the code `#[derive(Model)]`, `#[derive(UserType)]` and
//! `#[derive(Polymorphic)]` generate (reached as `mapper::__private`). Not a stable API:
//! only the derives should call these.

use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::ToString;
use alloc::vec::Vec;

use super::model::{IndexDef, IndexTarget, Model, ModelSchema, SchemaError};
use crate::types::error::{DeserializeError, SerializeError};
use crate::types::row::ColumnIterator;
use crate::types::{ColumnSpec, ColumnType};

/// The type `text` of a `#[cql(type = "..")]` on `field` of `model`.
///
/// # Errors
/// A [`SchemaError`] naming the model and field when `text` is no CQL type.
pub fn parse_column_type(model: &str, field: &str, text: &str) -> Result<ColumnType, SchemaError> {
    ColumnType::parse_cql(text).map_err(|e| SchemaError {
        model: model.to_owned(),
        field: Some(field.to_owned()),
        reason: format!("invalid CQL type {text:?} in #[cql(type = ..)]: {e}"),
    })
}

/// The type `text` of a `#[cql(type = "..")]` on a user type's field; text that does not
/// parse is kept as a [`ColumnType::Custom`] type of that name (the server then refuses
/// it when the type is created).
pub fn parse_field_type(text: &str) -> ColumnType {
    ColumnType::parse_cql(text).unwrap_or_else(|_| ColumnType::Custom(text.to_owned()))
}

/// The index a `#[cql(index(..))]` declares.
pub fn index_def(
    name: Option<&str>,
    target: IndexTarget,
    custom_class: Option<&str>,
    options: &[(&str, &str)],
) -> IndexDef {
    IndexDef {
        name: name.map(ToOwned::to_owned),
        target,
        custom_class: custom_class.map(ToOwned::to_owned),
        options: options
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    }
}

/// The error of asking model `model` for a column index it does not have.
pub fn no_such_column(model: &str, column: usize) -> SerializeError {
    SerializeError::Custom(format!("model {model} has no column {column}").into())
}

/// A schema error met while writing a row.
pub fn schema_error_writing(e: &SchemaError) -> SerializeError {
    SerializeError::Custom(e.to_string().into())
}

/// A schema error met while reading a row.
pub fn schema_error_reading(e: &SchemaError) -> DeserializeError {
    DeserializeError::Custom(e.to_string().into())
}

/// The name of the discriminator column of the polymorphic model `union`.
///
/// # Errors
/// [`DeserializeError::Custom`] when the schema has no discriminator.
pub fn discriminator_column(union: &ModelSchema) -> Result<&str, DeserializeError> {
    union
        .discriminator
        .as_ref()
        .and_then(|d| union.columns.get(d.column))
        .map(|c| c.name.as_str())
        .ok_or_else(|| {
            DeserializeError::Custom(
                format!("model {} has no discriminator column", union.model_name).into(),
            )
        })
}

/// Checks the result has the discriminator column of `union`, as text.
///
/// # Errors
/// [`DeserializeError::MissingColumn`], or a type mismatch in that column.
pub fn check_discriminator(
    specs: &[ColumnSpec],
    union: &ModelSchema,
) -> Result<(), DeserializeError> {
    let name = discriminator_column(union)?;
    let (index, spec) = crate::types::derive_support::find_column(specs, name)?;
    <&str as crate::types::DeserializeValue<'_>>::type_check(&spec.typ)
        .map_err(|e| e.in_column(index, &spec.name))
}

/// The discriminator of the row `row` is at (read from a copy: `row` does not move);
/// `None` when it is null.
///
/// # Errors
/// [`DeserializeError::MissingColumn`], or the column's decoding error.
pub fn read_discriminator<'f>(
    row: &ColumnIterator<'f>,
    union: &ModelSchema,
) -> Result<Option<&'f str>, DeserializeError> {
    let name = discriminator_column(union)?;
    let mut scan = row.clone();
    let mut index = 0usize;
    while let Some(col) = scan.next_column() {
        let col = col?;
        if col.spec.name == name {
            return <Option<&'f str> as crate::types::DeserializeValue<'f>>::deserialize(
                &col.spec.typ,
                col.bytes,
            )
            .map_err(|e| e.in_column(index, &col.spec.name));
        }
        index += 1;
    }
    Err(DeserializeError::MissingColumn(name.into()))
}

/// Whether rows whose discriminator is `value` are read as the variant `M`.
///
/// # Errors
/// `M`'s schema error.
pub fn is_variant<M: Model>(value: Option<&str>) -> Result<bool, DeserializeError> {
    let schema = M::schema().map_err(|e| schema_error_reading(&e))?;
    Ok(value.is_some()
        && schema
            .discriminator
            .as_ref()
            .and_then(|d| d.value.as_deref())
            == value)
}

/// The error of a row whose discriminator no variant of `model` has.
pub fn unknown_discriminator(model: &str, value: Option<&str>) -> DeserializeError {
    DeserializeError::Custom(
        match value {
            Some(v) => format!("model {model}: no variant has the discriminator value {v:?}"),
            None => format!("model {model}: the discriminator is null"),
        }
        .into(),
    )
}

/// The index in the variant `M` of the polymorphic union's column `column` (same CQL name).
fn variant_column<M: Model>(
    union: &ModelSchema,
    column: usize,
) -> Result<Option<usize>, SchemaError> {
    let Some(c) = union.columns.get(column) else {
        return Ok(None);
    };
    Ok(M::schema()?.column(&c.name).map(|(i, _)| i))
}

/// Writes the union's column `column` from the variant value `value`: its column of the
/// same name, or unset when the variant has none.
///
/// # Errors
/// The variant's serialization or schema error; [`SerializeError::Custom`] for a column
/// the union does not have.
pub fn variant_serialize_column<M: Model>(
    value: &M,
    union: &ModelSchema,
    column: usize,
    typ: &ColumnType,
    out: &mut Vec<u8>,
) -> Result<(), SerializeError> {
    if union.columns.get(column).is_none() {
        return Err(no_such_column(&union.model_name, column));
    }
    match variant_column::<M>(union, column).map_err(|e| schema_error_writing(&e))? {
        Some(i) => value.serialize_column(i, typ, out),
        None => {
            out.extend_from_slice(&(-2i32).to_be_bytes());
            Ok(())
        }
    }
}

/// Whether the union's column `column` holds no value in the variant value `value`
/// (true when the variant has no such column).
pub fn variant_column_is_null<M: Model>(value: &M, union: &ModelSchema, column: usize) -> bool {
    match variant_column::<M>(union, column) {
        Ok(Some(i)) => value.column_is_null(i),
        _ => true,
    }
}

/// Writes the default of the union's column `column` as the variant `M` declares it; the
/// union has a default only when every variant has one, so any variant will do.
///
/// # Errors
/// The variant's serialization or schema error.
pub fn variant_write_default<M: Model>(
    union: &ModelSchema,
    column: usize,
    typ: &ColumnType,
    out: &mut Vec<u8>,
) -> Result<bool, SerializeError> {
    if !union.columns.get(column).is_some_and(|c| c.has_default) {
        return Ok(false);
    }
    match variant_column::<M>(union, column).map_err(|e| schema_error_writing(&e))? {
        Some(i) => M::write_default(i, typ, out),
        None => Ok(false),
    }
}
