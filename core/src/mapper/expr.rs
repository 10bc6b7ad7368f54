//! Typed expressions on a model's columns: filters (`User::AGE.gt(30)`), conditions
//! (`User::NAME.if_eq("Ada")`) and orderings (`Event::AT.desc()`), built from the
//! [`Column`] handles `#[derive(Model)]` generates. Values are checked against the
//! column's CQL type (and serialized) as the expression is built; an error is reported
//! when the query or write runs.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::vec::Vec;
use core::borrow::Borrow;
use core::marker::PhantomData;

use super::error::MapperError;
use super::model::{Column, CqlType, Model, ModelSchema};
use super::spec::{Bound, Condition, Filter, InvalidQuery, Op, ValueForm};
use super::values::{bound, bound_list};
use crate::types::{ColumnType, CqlTimestamp, SerializeValue};

/// A restriction of a query set's `WHERE` clause on model `M`.
pub struct FilterExpr<M> {
    pub(crate) filter: Result<Filter, MapperError>,
    _model: PhantomData<fn() -> M>,
}

/// A condition of a conditional write (`IF ..`) on model `M`.
pub struct CondExpr<M> {
    pub(crate) condition: Result<Condition, MapperError>,
    _model: PhantomData<fn() -> M>,
}

/// An `ORDER BY` term on model `M`.
#[derive(Debug, Clone, Copy)]
pub struct OrderExpr<M> {
    pub(crate) column: usize,
    pub(crate) descending: bool,
    _model: PhantomData<fn() -> M>,
}

/// A collection column type: what `CONTAINS` compares with.
pub trait CqlCollection {
    /// An element (a map's value).
    type Elem: ?Sized + SerializeValue;
}

/// A map column type: what `CONTAINS KEY`, `put` and `remove_keys` take.
pub trait CqlMap {
    /// The key type.
    type Key: ?Sized + SerializeValue;
    /// The value type.
    type Value: ?Sized + SerializeValue;
}

impl<T: CqlType> CqlCollection for Vec<T> {
    type Elem = T::Arg;
}
impl<T: CqlType> CqlCollection for BTreeSet<T> {
    type Elem = T::Arg;
}
impl<K, V: CqlType> CqlCollection for BTreeMap<K, V> {
    type Elem = V::Arg;
}
impl<C: CqlCollection> CqlCollection for Option<C> {
    type Elem = C::Elem;
}
impl<K: CqlType, V: CqlType> CqlMap for BTreeMap<K, V> {
    type Key = K::Arg;
    type Value = V::Arg;
}
impl<C: CqlMap> CqlMap for Option<C> {
    type Key = C::Key;
    type Value = C::Value;
}

/// The schema of `M` and the column at `index` (name, type), or the error to report.
pub(crate) fn column_of<M: Model>(
    index: usize,
) -> Result<(&'static ModelSchema, &'static str, &'static ColumnType), MapperError> {
    let schema = M::schema()?;
    let col = schema.columns.get(index).ok_or_else(|| InvalidQuery {
        model: schema.model_name.clone(),
        reason: alloc::format!("the model has no column #{index}"),
    })?;
    Ok((schema, col.field.as_str(), &col.column_type))
}

/// The bound value of `op` on column `index` of `M`: `value` as the type `op` needs.
fn op_value<M: Model, V: SerializeValue + ?Sized>(
    index: usize,
    op: Op,
    value: &V,
) -> Result<Bound, MapperError> {
    let (schema, field, typ) = column_of::<M>(index)?;
    let value_type = op.value_type(typ).ok_or_else(|| InvalidQuery {
        model: schema.model_name.clone(),
        reason: alloc::format!("{} does not apply to `{field}`, a {typ} column", op.cql()),
    })?;
    bound(schema, field, value, &value_type)
}

/// An `IN` list for column `index` of `M`.
fn in_value<M: Model, V, I>(index: usize, values: I) -> Result<Bound, MapperError>
where
    V: SerializeValue + ?Sized,
    I: IntoIterator,
    I::Item: Borrow<V>,
{
    let (schema, field, typ) = column_of::<M>(index)?;
    bound_list::<V, I>(schema, field, values, typ)
}

impl<M> FilterExpr<M> {
    fn new(filter: Result<Filter, MapperError>) -> Self {
        Self {
            filter,
            _model: PhantomData,
        }
    }
}

impl<M> CondExpr<M> {
    fn new(condition: Result<Condition, MapperError>) -> Self {
        Self {
            condition,
            _model: PhantomData,
        }
    }
}

impl<M: Model, T: CqlType> Column<M, T> {
    fn filter(self, op: Op, form: ValueForm, value: Result<Bound, MapperError>) -> FilterExpr<M> {
        FilterExpr::new(value.map(|value| Filter {
            column: self.index(),
            op,
            form,
            value,
        }))
    }

    fn compare(self, op: Op, value: &T::Arg) -> FilterExpr<M> {
        self.filter(
            op,
            ValueForm::Plain,
            op_value::<M, T::Arg>(self.index(), op, value),
        )
    }

    /// `column = value`
    pub fn eq(self, value: impl Borrow<T::Arg>) -> FilterExpr<M> {
        self.compare(Op::Eq, value.borrow())
    }

    /// `column > value`
    pub fn gt(self, value: impl Borrow<T::Arg>) -> FilterExpr<M> {
        self.compare(Op::Gt, value.borrow())
    }

    /// `column >= value`
    pub fn ge(self, value: impl Borrow<T::Arg>) -> FilterExpr<M> {
        self.compare(Op::Ge, value.borrow())
    }

    /// `column < value`
    pub fn lt(self, value: impl Borrow<T::Arg>) -> FilterExpr<M> {
        self.compare(Op::Lt, value.borrow())
    }

    /// `column <= value`
    pub fn le(self, value: impl Borrow<T::Arg>) -> FilterExpr<M> {
        self.compare(Op::Le, value.borrow())
    }

    /// `column IN (values)` (bound as one list).
    pub fn is_in<I>(self, values: I) -> FilterExpr<M>
    where
        I: IntoIterator,
        I::Item: Borrow<T::Arg>,
    {
        self.filter(
            Op::In,
            ValueForm::Plain,
            in_value::<M, T::Arg, I>(self.index(), values),
        )
    }

    /// `column LIKE pattern` (a SASI or SAI index on the column: `%` is the wildcard).
    pub fn like(self, pattern: &str) -> FilterExpr<M> {
        self.filter(
            Op::Like,
            ValueForm::Plain,
            op_value::<M, str>(self.index(), Op::Like, pattern),
        )
    }

    /// `column <op> minTimeuuid(at)`: a `timeuuid` column compared with the smallest
    /// time-UUID of a millisecond.
    pub fn min_timeuuid(self, op: Op, at: CqlTimestamp) -> FilterExpr<M> {
        self.timeuuid_bound(op, ValueForm::MinTimeuuid, at)
    }

    /// `column <op> maxTimeuuid(at)`: a `timeuuid` column compared with the largest
    /// time-UUID of a millisecond.
    pub fn max_timeuuid(self, op: Op, at: CqlTimestamp) -> FilterExpr<M> {
        self.timeuuid_bound(op, ValueForm::MaxTimeuuid, at)
    }

    fn timeuuid_bound(self, op: Op, form: ValueForm, at: CqlTimestamp) -> FilterExpr<M> {
        let value = column_of::<M>(self.index()).and_then(|(schema, field, typ)| {
            if !matches!(typ, ColumnType::Timeuuid) {
                return Err(InvalidQuery {
                    model: schema.model_name.clone(),
                    reason: alloc::format!(
                        "minTimeuuid/maxTimeuuid compare with a timeuuid column; `{field}` is {typ}"
                    ),
                }
                .into());
            }
            bound(schema, field, &at, &ColumnType::Timestamp)
        });
        self.filter(op, form, value)
    }

    /// `ORDER BY column ASC`
    pub fn asc(self) -> OrderExpr<M> {
        OrderExpr {
            column: self.index(),
            descending: false,
            _model: PhantomData,
        }
    }

    /// `ORDER BY column DESC`
    pub fn desc(self) -> OrderExpr<M> {
        OrderExpr {
            column: self.index(),
            descending: true,
            _model: PhantomData,
        }
    }

    fn condition(self, op: Op, value: Result<Bound, MapperError>) -> CondExpr<M> {
        CondExpr::new(value.map(|value| Condition {
            column: self.index(),
            op,
            value,
        }))
    }

    fn compare_condition(self, op: Op, value: &T::Arg) -> CondExpr<M> {
        self.condition(op, op_value::<M, T::Arg>(self.index(), op, value))
    }

    /// `IF column = value`
    pub fn if_eq(self, value: impl Borrow<T::Arg>) -> CondExpr<M> {
        self.compare_condition(Op::Eq, value.borrow())
    }

    /// `IF column != value`
    pub fn if_ne(self, value: impl Borrow<T::Arg>) -> CondExpr<M> {
        self.compare_condition(Op::Ne, value.borrow())
    }

    /// `IF column > value`
    pub fn if_gt(self, value: impl Borrow<T::Arg>) -> CondExpr<M> {
        self.compare_condition(Op::Gt, value.borrow())
    }

    /// `IF column >= value`
    pub fn if_ge(self, value: impl Borrow<T::Arg>) -> CondExpr<M> {
        self.compare_condition(Op::Ge, value.borrow())
    }

    /// `IF column < value`
    pub fn if_lt(self, value: impl Borrow<T::Arg>) -> CondExpr<M> {
        self.compare_condition(Op::Lt, value.borrow())
    }

    /// `IF column <= value`
    pub fn if_le(self, value: impl Borrow<T::Arg>) -> CondExpr<M> {
        self.compare_condition(Op::Le, value.borrow())
    }

    /// `IF column IN (values)`
    pub fn if_in<I>(self, values: I) -> CondExpr<M>
    where
        I: IntoIterator,
        I::Item: Borrow<T::Arg>,
    {
        self.condition(Op::In, in_value::<M, T::Arg, I>(self.index(), values))
    }
}

impl<M: Model, T: CqlType + CqlCollection> Column<M, T> {
    /// `column CONTAINS element` (a list or set element, or a map value).
    pub fn contains(self, element: impl Borrow<T::Elem>) -> FilterExpr<M> {
        self.filter(
            Op::Contains,
            ValueForm::Plain,
            op_value::<M, T::Elem>(self.index(), Op::Contains, element.borrow()),
        )
    }
}

impl<M: Model, T: CqlType + CqlMap> Column<M, T> {
    /// `column CONTAINS KEY key` (a map's key).
    pub fn contains_key(self, key: impl Borrow<T::Key>) -> FilterExpr<M> {
        self.filter(
            Op::ContainsKey,
            ValueForm::Plain,
            op_value::<M, T::Key>(self.index(), Op::ContainsKey, key.borrow()),
        )
    }
}
