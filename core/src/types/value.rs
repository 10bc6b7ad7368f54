//! The CQL value model: one variant per CQL type, with exact semantics.

use alloc::string::String;
use alloc::vec::Vec;
use core::net::IpAddr;

use uuid::Uuid;

use super::date_range::DateRange;
use super::geo::{LineString, Point, Polygon};

/// An arbitrary-precision integer (`varint`) as its minimal two's-complement big-endian
/// bytes, exactly as on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CqlVarint(pub Vec<u8>);

/// An arbitrary-precision decimal (`decimal`): `unscaled × 10^-scale`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CqlDecimal {
    /// The unscaled value.
    pub unscaled: CqlVarint,
    /// The power-of-ten scale.
    pub scale: i32,
}

/// A `date`: days since 1970-01-01 stored centred on 2^31, as on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CqlDate(pub u32);

/// A `time`: nanoseconds since midnight (0 ..= 86_399_999_999_999).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CqlTime(pub i64);

/// A `timestamp`: milliseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CqlTimestamp(pub i64);

/// A `duration`: months, days and nanoseconds, each signed, never normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CqlDuration {
    /// Months.
    pub months: i32,
    /// Days.
    pub days: i32,
    /// Nanoseconds.
    pub nanoseconds: i64,
}

/// A decoded, owned CQL value. Null is expressed as `Option<CqlValue>::None` around it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CqlValue {
    /// `ascii`.
    Ascii(String),
    /// `bigint`.
    BigInt(i64),
    /// `blob`.
    Blob(Vec<u8>),
    /// `boolean`.
    Boolean(bool),
    /// `counter`.
    Counter(i64),
    /// `decimal`.
    Decimal(CqlDecimal),
    /// `double`.
    Double(f64),
    /// `float`.
    Float(f32),
    /// `int`.
    Int(i32),
    /// `timestamp`.
    Timestamp(CqlTimestamp),
    /// `uuid`.
    Uuid(Uuid),
    /// `text` / `varchar`.
    Text(String),
    /// `varint`.
    Varint(CqlVarint),
    /// `timeuuid`.
    Timeuuid(Uuid),
    /// `inet`.
    Inet(IpAddr),
    /// `date`.
    Date(CqlDate),
    /// `time`.
    Time(CqlTime),
    /// `smallint`.
    SmallInt(i16),
    /// `tinyint`.
    TinyInt(i8),
    /// `duration`.
    Duration(CqlDuration),
    /// `list<T>` (elements are never null on the wire).
    List(Vec<CqlValue>),
    /// `set<T>`, in wire order.
    Set(Vec<CqlValue>),
    /// `map<K, V>`, entries in wire order.
    Map(Vec<(CqlValue, CqlValue)>),
    /// A user-defined type value; fields in declaration order, each possibly null.
    Udt {
        /// Keyspace of the type.
        keyspace: String,
        /// Type name.
        name: String,
        /// Field names and values.
        fields: Vec<(String, Option<CqlValue>)>,
    },
    /// `tuple<...>`; each element possibly null.
    Tuple(Vec<Option<CqlValue>>),
    /// `vector<T, n>`.
    Vector(Vec<CqlValue>),
    /// A value of a custom type, as raw bytes.
    Custom(Vec<u8>),
    /// A DSE `PointType` value (a custom type, WKB on the wire).
    Point(Point),
    /// A DSE `LineStringType` value (a custom type, WKB on the wire).
    LineString(LineString),
    /// A DSE `PolygonType` value (a custom type, WKB on the wire).
    Polygon(Polygon),
    /// A DSE `DateRangeType` value (a custom type).
    DateRange(DateRange),
    /// A zero-length value of a type for which that is not a valid encoding (e.g. an
    /// `int` written as empty bytes through Thrift-era APIs).
    Empty,
}
