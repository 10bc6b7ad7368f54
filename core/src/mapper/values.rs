//! Values on their way to bind markers: a model's columns bound straight from its fields,
//! values serialized ahead of time, and `IN` lists.

use alloc::string::ToString;
use alloc::vec::Vec;
use core::borrow::Borrow;

use super::error::MapperError;
use super::model::{ColumnDef, Model, ModelSchema};
use super::spec::Bound;
use crate::types::error::SerializeError;
use crate::types::{ColumnSpec, ColumnType, SerializeRow, SerializeValue, SerializedValues};

/// Values serialized ahead of time, bound in the iterator's order (their types were
/// checked when they were serialized against the model's column types).
pub(crate) struct BoundRow<I>(pub I);

impl<'b, I: Iterator<Item = &'b Bound> + Clone> SerializeRow for BoundRow<I> {
    fn serialize_row(
        &self,
        specs: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeError> {
        let given = self.0.clone().count();
        if specs.len() != given {
            return Err(SerializeError::WrongValueCount {
                expected: specs.len(),
                given,
            });
        }
        for b in self.0.clone() {
            push_bound(out, b)?;
        }
        Ok(())
    }
}

/// Appends a value serialized ahead of time.
fn push_bound(out: &mut SerializedValues, b: &Bound) -> Result<(), SerializeError> {
    out.add_framed(|buf| {
        buf.extend_from_slice(&b.0);
        Ok::<(), SerializeError>(())
    })
}

/// Where a bind marker of a model write takes its value from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// The model's column at this index (`None` fields unset, or their default).
    Column(usize),
    /// The pre-serialized value at this index of the extra values.
    Extra(usize),
}

/// A model instance's columns (and extra values) bound straight from its fields, in the
/// prepared statement's types, with no intermediate copies.
pub(crate) struct ModelRow<'a, M> {
    pub model: &'a M,
    pub slots: &'a [Slot],
    pub extra: &'a [Bound],
    pub schema: &'a ModelSchema,
}

impl<M: Model> SerializeRow for ModelRow<'_, M> {
    fn serialize_row(
        &self,
        specs: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeError> {
        if specs.len() != self.slots.len() {
            return Err(SerializeError::WrongValueCount {
                expected: specs.len(),
                given: self.slots.len(),
            });
        }
        for (spec, slot) in specs.iter().zip(self.slots) {
            match *slot {
                Slot::Column(i) => {
                    let def = self.schema.columns.get(i);
                    let name = def.map_or("", |d| d.name.as_str());
                    out.add_framed(|buf| write_column(self.model, i, def, &spec.typ, buf))
                        .map_err(|e| e.in_column(name))?;
                }
                Slot::Extra(i) => {
                    let b = self.extra.get(i).ok_or(SerializeError::WrongValueCount {
                        expected: specs.len(),
                        given: self.extra.len(),
                    })?;
                    push_bound(out, b)?;
                }
            }
        }
        Ok(())
    }
}

/// Writes column `i` of `model`: its value; for a `None`, the declared default or unset
/// (so an insert writes no tombstone).
pub(crate) fn write_column<M: Model>(
    model: &M,
    i: usize,
    def: Option<&ColumnDef>,
    typ: &ColumnType,
    buf: &mut Vec<u8>,
) -> Result<(), SerializeError> {
    if def.is_some_and(|d| d.nullable) && model.column_is_null(i) {
        if def.is_some_and(|d| d.has_default) && M::write_default(i, typ, buf)? {
            return Ok(());
        }
        buf.extend_from_slice(&(-2i32).to_be_bytes());
        return Ok(());
    }
    model.serialize_column(i, typ, buf)
}

/// Serializes one column of a model instance as a [`Bound`] (for filters on its key).
pub(crate) fn column_bound<M: Model>(
    model: &M,
    schema: &ModelSchema,
    i: usize,
) -> Result<Bound, MapperError> {
    let def = schema.columns.get(i);
    let mut out = Vec::new();
    match def {
        Some(d) => model
            .serialize_column(i, &d.column_type, &mut out)
            .map_err(|source| value_error(schema, &d.field, source))?,
        None => {
            return Err(MapperError::Validation {
                model: schema.model_name.clone(),
                field: i.to_string(),
                reason: "no such column".into(),
            });
        }
    }
    Ok(Bound(out))
}

/// Serializes `value` as `typ` for the column `field` of `schema`.
pub(crate) fn bound<V: SerializeValue + ?Sized>(
    schema: &ModelSchema,
    field: &str,
    value: &V,
    typ: &ColumnType,
) -> Result<Bound, MapperError> {
    Bound::new(value, typ).map_err(|source| value_error(schema, field, source))
}

/// Serializes `values` as a `list<typ>` (the value of an `IN` marker).
pub(crate) fn bound_list<V, I>(
    schema: &ModelSchema,
    field: &str,
    values: I,
    typ: &ColumnType,
) -> Result<Bound, MapperError>
where
    V: SerializeValue + ?Sized,
    I: IntoIterator,
    I::Item: Borrow<V>,
{
    let mut body = Vec::new();
    body.extend_from_slice(&[0; 4]);
    let mut count: i32 = 0;
    for v in values {
        let start = body.len();
        v.borrow()
            .serialize(typ, &mut body)
            .map_err(|source| value_error(schema, field, source))?;
        if body
            .get(start..start + 4)
            .is_some_and(|l| l.starts_with(&[0xff]))
        {
            return Err(value_error(
                schema,
                field,
                SerializeError::NullElement("IN list"),
            ));
        }
        count = count.saturating_add(1);
    }
    if let Some(slot) = body.get_mut(0..4) {
        slot.copy_from_slice(&count.to_be_bytes());
    }
    let len = i32::try_from(body.len()).map_err(|_| {
        value_error(
            schema,
            field,
            SerializeError::InvalidValue {
                typ: "list",
                reason: "longer than 2 GiB",
            },
        )
    })?;
    let mut out = Vec::with_capacity(body.len() + 4);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&body);
    Ok(Bound(out))
}

/// An `int` value (limits, TTLs).
pub(crate) fn int_bound(v: i32) -> Bound {
    let mut out = Vec::with_capacity(8);
    out.extend_from_slice(&4i32.to_be_bytes());
    out.extend_from_slice(&v.to_be_bytes());
    Bound(out)
}

/// A `bigint` value (timestamps, tokens, counter deltas).
pub(crate) fn bigint_bound(v: i64) -> Bound {
    let mut out = Vec::with_capacity(12);
    out.extend_from_slice(&8i32.to_be_bytes());
    out.extend_from_slice(&v.to_be_bytes());
    Bound(out)
}

/// A serialization error of `field` in `schema`.
pub(crate) fn value_error(
    schema: &ModelSchema,
    field: &str,
    source: SerializeError,
) -> MapperError {
    MapperError::Value {
        model: schema.model_name.clone(),
        field: field.into(),
        source,
    }
}
