//! [`RowDeserializer`]: a `serde::Deserializer` over the cells of one row.

use serde::de::{self, DeserializeSeed, Visitor};

use super::value::ValueDeserializer;
use crate::types::error::DeserializeError;
use crate::types::row::{ColumnIterator, RawColumn};

/// A `serde::Deserializer` over one row, reading its cells from a [`ColumnIterator`].
///
/// Structs and maps see the row as a map from column name to value (so serde's derive
/// matches fields to columns by name, whatever their order, ignoring columns it does not
/// know and reporting [`DeserializeError::MissingColumn`] for a field without a column);
/// tuples and sequences see the cells in column order. Any other Rust type reads the value
/// of a one-column row (`SELECT count(*) ...` into an `i64`). Errors in a cell are wrapped
/// in [`DeserializeError::Column`] naming the column.
#[derive(Debug)]
pub struct RowDeserializer<'a, 'frame> {
    columns: &'a mut ColumnIterator<'frame>,
}

impl<'a, 'frame> RowDeserializer<'a, 'frame> {
    /// A deserializer for the row whose cells `columns` yields.
    pub fn new(columns: &'a mut ColumnIterator<'frame>) -> Self {
        Self { columns }
    }

    /// The only cell of a one-column row.
    fn single(self) -> Result<RawColumn<'frame>, DeserializeError> {
        let got = self.columns.columns_remaining();
        match self.columns.next_column() {
            Some(col) if got == 1 => col,
            _ => Err(DeserializeError::WrongColumnCount { expected: 1, got }),
        }
    }
}

/// Names the column of an error that happened inside one cell. A missing field there is a
/// missing UDT field (or map key), not a missing column.
fn in_column(e: DeserializeError, index: usize, col: &RawColumn<'_>) -> DeserializeError {
    let e = match e {
        DeserializeError::MissingColumn(field) => DeserializeError::MissingField(field),
        other => other,
    };
    e.in_column(index, &col.spec.name)
}

/// Forwards a Rust type that is no row shape to the value of a one-column row.
macro_rules! single_column {
    ($($method:ident)+) => {$(
        fn $method<V: Visitor<'frame>>(self, visitor: V) -> Result<V::Value, DeserializeError> {
            let col = self.single()?;
            ValueDeserializer::new(&col.spec.typ, col.bytes)
                .$method(visitor)
                .map_err(|e| in_column(e, 0, &col))
        }
    )+};
}

impl<'frame> de::Deserializer<'frame> for RowDeserializer<'_, 'frame> {
    type Error = DeserializeError;

    fn deserialize_any<V: Visitor<'frame>>(self, visitor: V) -> Result<V::Value, DeserializeError> {
        self.deserialize_map(visitor)
    }

    single_column!(deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32
        deserialize_i64 deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32
        deserialize_u64 deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char
        deserialize_str deserialize_string deserialize_bytes deserialize_byte_buf
        deserialize_option deserialize_unit deserialize_identifier);

    fn deserialize_unit_struct<V: Visitor<'frame>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeserializeError> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'frame>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeserializeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'frame>>(self, visitor: V) -> Result<V::Value, DeserializeError> {
        visitor.visit_seq(Cells {
            columns: self.columns,
            index: 0,
            pending: None,
        })
    }

    fn deserialize_tuple<V: Visitor<'frame>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, DeserializeError> {
        let got = self.columns.columns_remaining();
        if got != len {
            return Err(DeserializeError::WrongColumnCount { expected: len, got });
        }
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'frame>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, DeserializeError> {
        self.deserialize_tuple(len, visitor)
    }

    fn deserialize_map<V: Visitor<'frame>>(self, visitor: V) -> Result<V::Value, DeserializeError> {
        visitor.visit_map(Cells {
            columns: self.columns,
            index: 0,
            pending: None,
        })
    }

    fn deserialize_struct<V: Visitor<'frame>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeserializeError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'frame>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeserializeError> {
        let col = self.single()?;
        ValueDeserializer::new(&col.spec.typ, col.bytes)
            .deserialize_enum(name, variants, visitor)
            .map_err(|e| in_column(e, 0, &col))
    }

    fn deserialize_ignored_any<V: Visitor<'frame>>(
        self,
        visitor: V,
    ) -> Result<V::Value, DeserializeError> {
        visitor.visit_unit()
    }
}

/// The cells of a row, as a sequence of values or a map from column name to value.
struct Cells<'a, 'frame> {
    columns: &'a mut ColumnIterator<'frame>,
    index: usize,
    pending: Option<RawColumn<'frame>>,
}

impl<'frame> de::SeqAccess<'frame> for Cells<'_, 'frame> {
    type Error = DeserializeError;

    fn next_element_seed<S: DeserializeSeed<'frame>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, DeserializeError> {
        let Some(col) = self.columns.next_column() else {
            return Ok(None);
        };
        let col = col?;
        let index = self.index;
        self.index += 1;
        seed.deserialize(ValueDeserializer::new(&col.spec.typ, col.bytes))
            .map(Some)
            .map_err(|e| in_column(e, index, &col))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.columns.columns_remaining())
    }
}

impl<'frame> de::MapAccess<'frame> for Cells<'_, 'frame> {
    type Error = DeserializeError;

    fn next_key_seed<S: DeserializeSeed<'frame>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, DeserializeError> {
        let Some(col) = self.columns.next_column() else {
            return Ok(None);
        };
        let col = col?;
        self.pending = Some(col);
        let name: &'frame str = &col.spec.name;
        seed.deserialize(de::value::BorrowedStrDeserializer::<DeserializeError>::new(
            name,
        ))
        .map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'frame>>(
        &mut self,
        seed: S,
    ) -> Result<S::Value, DeserializeError> {
        let col = self.pending.take().ok_or(DeserializeError::Custom(
            "column value asked before its name".into(),
        ))?;
        let index = self.index;
        self.index += 1;
        seed.deserialize(ValueDeserializer::new(&col.spec.typ, col.bytes))
            .map_err(|e| in_column(e, index, &col))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.columns.columns_remaining())
    }
}
