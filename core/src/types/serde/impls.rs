//! `Serialize`/`Deserialize` for the value types without a Rust counterpart, in the forms
//! the row deserializer produces (so they work as struct fields), and in any serde format.
//!
//! | type | serde form |
//! |---|---|
//! | [`CqlTimestamp`] | `i64` milliseconds since the Unix epoch |
//! | [`CqlDate`] | `i64` days since 1970-01-01 |
//! | [`CqlTime`] | `i64` nanoseconds since midnight |
//! | [`CqlDuration`] | struct `{ months: i32, days: i32, nanoseconds: i64 }` |
//! | [`CqlVarint`] | decimal string (integers accepted when reading) |
//! | [`CqlDecimal`] | decimal string such as `"-12.345"` (integers accepted when reading) |
//! | [`Point`], [`LineString`], [`Polygon`] | WKT string such as `"POINT (1.0 2.0)"` |
//! | [`DateRange`] | DSE text form such as `"[2019-06 TO *]"` |

use alloc::string::ToString;
use core::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use crate::types::date_range::DateRange;
use crate::types::geo::{LineString, Point, Polygon};
use crate::types::value::{CqlDate, CqlDecimal, CqlDuration, CqlTime, CqlTimestamp, CqlVarint};

impl Serialize for CqlTimestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.0)
    }
}

impl<'de> Deserialize<'de> for CqlTimestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        i64::deserialize(d).map(Self)
    }
}

impl Serialize for CqlTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.0)
    }
}

impl<'de> Deserialize<'de> for CqlTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        i64::deserialize(d).map(Self)
    }
}

impl Serialize for CqlDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.days_since_epoch())
    }
}

impl<'de> Deserialize<'de> for CqlDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let days = i64::deserialize(d)?;
        Self::from_days_since_epoch(days).ok_or_else(|| {
            de::Error::invalid_value(
                de::Unexpected::Signed(days),
                &"a CQL date (days since 1970-01-01)",
            )
        })
    }
}

/// The fields of a [`CqlDuration`] as read by serde's struct support.
#[derive(Deserialize)]
#[serde(crate = "serde")]
struct DurationFields {
    months: i32,
    days: i32,
    nanoseconds: i64,
}

impl Serialize for CqlDuration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("CqlDuration", 3)?;
        st.serialize_field("months", &self.months)?;
        st.serialize_field("days", &self.days)?;
        st.serialize_field("nanoseconds", &self.nanoseconds)?;
        st.end()
    }
}

impl<'de> Deserialize<'de> for CqlDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let f = DurationFields::deserialize(d)?;
        Ok(Self {
            months: f.months,
            days: f.days,
            nanoseconds: f.nanoseconds,
        })
    }
}

impl Serialize for CqlVarint {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Serialize for CqlDecimal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Reads a number written as a decimal string or as an integer (`deserialize_any`, so
/// self-describing formats may give either).
struct NumberVisitor<T>(fn(i128) -> T);

impl<T: core::str::FromStr> Visitor<'_> for NumberVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number as a string, or an integer")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.parse()
            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        Ok((self.0)(i128::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        Ok((self.0)(i128::from(v)))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<T, E> {
        Ok((self.0)(v))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<T, E> {
        v.to_string()
            .parse()
            .map_err(|_| E::custom("number out of range"))
    }
}

impl<'de> Deserialize<'de> for CqlVarint {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NumberVisitor(CqlVarint::from_i128))
    }
}

impl<'de> Deserialize<'de> for CqlDecimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NumberVisitor(|v| CqlDecimal::from_i128(v, 0)))
    }
}

/// Reads a value from its text form (WKT, DSE date range syntax) through `FromStr`.
struct TextVisitor<T>(core::marker::PhantomData<T>, &'static str);

impl<T: core::str::FromStr> Visitor<'_> for TextVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.1)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.parse()
            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

macro_rules! text_form_impls {
    ($($ty:ty => $expecting:literal;)+) => {$(
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_str(TextVisitor(core::marker::PhantomData, $expecting))
            }
        }
    )+};
}

text_form_impls! {
    Point => "a WKT point such as \"POINT (1.0 2.0)\"";
    LineString => "a WKT linestring such as \"LINESTRING (0.0 0.0, 1.0 1.0)\"";
    Polygon => "a WKT polygon such as \"POLYGON ((0.0 0.0, 1.0 0.0, 0.0 0.0))\"";
    DateRange => "a DSE date range such as \"[2019-06 TO *]\"";
}
