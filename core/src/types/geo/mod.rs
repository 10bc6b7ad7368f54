//! DSE geospatial types: `PointType`, `LineStringType` and `PolygonType`.
//!
//! On the wire a geometry is its OGC well-known binary (WKB) form, which the Python driver
//! always writes little-endian and reads in either byte order. The text form ([`Display`],
//! [`FromStr`]) is well-known text (WKT) exactly as the Python driver's `str()` prints it:
//! every coordinate in Python float `repr` (`POINT (1.0 2.0)`, `LINESTRING EMPTY`).
//!
//! [`Display`]: core::fmt::Display
//! [`FromStr`]: core::str::FromStr

mod wkb;
mod wkt;

use alloc::vec::Vec;

/// Marshal class of the DSE point type (a CQL `CUSTOM` type).
pub const POINT_CLASS: &str = "org.apache.cassandra.db.marshal.PointType";
/// Marshal class of the DSE linestring type (a CQL `CUSTOM` type).
pub const LINESTRING_CLASS: &str = "org.apache.cassandra.db.marshal.LineStringType";
/// Marshal class of the DSE polygon type (a CQL `CUSTOM` type).
pub const POLYGON_CLASS: &str = "org.apache.cassandra.db.marshal.PolygonType";

/// A 2-D point. Coordinates are compared as `f64` (so a point with a NaN coordinate is not
/// equal to itself, as in the Python driver).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// The x coordinate (longitude in geographic use).
    pub x: f64,
    /// The y coordinate (latitude in geographic use).
    pub y: f64,
}

/// A sequence of points; any number of them, including none or one (nothing is validated).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LineString {
    /// The points in order.
    pub points: Vec<Point>,
}

/// A polygon: an exterior ring and any number of interior rings (holes). Rings are neither
/// closed nor validated. An empty polygon has an empty exterior and no interiors.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Polygon {
    /// The exterior ring.
    pub exterior: Vec<Point>,
    /// The interior rings (holes).
    pub interiors: Vec<Vec<Point>>,
}

/// A geometry could not be read from WKB or WKT.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GeoError {
    /// The WKB value ends before a field it needs.
    #[error("WKB truncated: {needed} bytes needed at offset {offset}, {available} left")]
    Truncated {
        /// Offset of the field that did not fit.
        offset: usize,
        /// Bytes the field needs.
        needed: usize,
        /// Bytes left from that offset.
        available: usize,
    },
    /// The first WKB byte is neither 0 (big-endian) nor 1 (little-endian).
    #[error("WKB byte-order flag {0:#04x} is neither 0 (big-endian) nor 1 (little-endian)")]
    ByteOrder(u8),
    /// The WKB geometry type code is not the one of the type being read.
    #[error("WKB geometry type {found} where {expected} ({name}) was expected")]
    GeometryType {
        /// The code the type being read has (1 point, 2 linestring, 3 polygon).
        expected: u32,
        /// Name of the type being read.
        name: &'static str,
        /// The code found.
        found: u32,
    },
    /// A WKB point or ring count does not fit in the bytes that follow it.
    #[error(
        "WKB {what} count {count} at offset {offset} needs more than the {available} bytes left"
    )]
    Count {
        /// What is counted (`"point"` or `"ring"`).
        what: &'static str,
        /// The count read.
        count: u32,
        /// Offset of the count.
        offset: usize,
        /// Bytes left after the count.
        available: usize,
    },
    /// The WKB value has bytes after the geometry.
    #[error("WKB has {0} bytes after the end of the geometry")]
    TrailingBytes(usize),
    /// The WKT text is malformed.
    #[error("invalid WKT at byte {position}: expected {expected}")]
    Wkt {
        /// Byte offset into the text where parsing stopped.
        position: usize,
        /// What was expected there.
        expected: &'static str,
    },
}

impl Point {
    /// A point at `(x, y)`.
    pub const fn new(x: f64, y: f64) -> Self {
        Point { x, y }
    }
}

impl From<(f64, f64)> for Point {
    fn from((x, y): (f64, f64)) -> Self {
        Point { x, y }
    }
}

impl LineString {
    /// A linestring through `points`.
    pub fn new(points: impl IntoIterator<Item = impl Into<Point>>) -> Self {
        LineString {
            points: points.into_iter().map(Into::into).collect(),
        }
    }
}

impl Polygon {
    /// A polygon with the given exterior ring and holes.
    pub fn new(
        exterior: impl IntoIterator<Item = impl Into<Point>>,
        interiors: impl IntoIterator<Item = Vec<Point>>,
    ) -> Self {
        Polygon {
            exterior: exterior.into_iter().map(Into::into).collect(),
            interiors: interiors.into_iter().collect(),
        }
    }

    /// Whether this is the empty polygon (no exterior ring).
    pub fn is_empty(&self) -> bool {
        self.exterior.is_empty()
    }
}

macro_rules! geometry_codecs {
    ($ty:ty) => {
        impl $ty {
            /// Reads the geometry from WKB in either byte order; the whole input must be used.
            pub fn from_wkb(bytes: &[u8]) -> Result<Self, GeoError> {
                wkb::Reader::new(bytes)?.finish_with(Self::read_wkb_body)
            }

            /// Appends the little-endian WKB form to `out`.
            pub fn write_wkb(&self, out: &mut Vec<u8>) {
                self.write_wkb_body(out);
            }

            /// The little-endian WKB form.
            pub fn to_wkb(&self) -> Vec<u8> {
                let mut out = Vec::new();
                self.write_wkb(&mut out);
                out
            }

            /// Parses WKT as the Python driver's `from_wkt` does (keyword case-insensitive,
            /// `EMPTY` allowed).
            pub fn from_wkt(text: &str) -> Result<Self, GeoError> {
                wkt::Parser::new(text).parse_whole(Self::parse_wkt_body)
            }
        }

        impl core::str::FromStr for $ty {
            type Err = GeoError;

            fn from_str(text: &str) -> Result<Self, GeoError> {
                Self::from_wkt(text)
            }
        }
    };
}

geometry_codecs!(Point);
geometry_codecs!(LineString);
geometry_codecs!(Polygon);

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    #[test]
    fn wkb_round_trips() {
        let p = Point::new(1.0, -2.5);
        assert_eq!(Point::from_wkb(&p.to_wkb()), Ok(p));
        let l = LineString::new([(0.0, 0.0), (1.0, 1.0)]);
        assert_eq!(LineString::from_wkb(&l.to_wkb()), Ok(l));
        let poly = Polygon::new(
            [(0.0, 0.0), (4.0, 0.0), (4.0, 3.0), (0.0, 0.0)],
            [vec![Point::new(1.0, 1.0), Point::new(2.0, 1.0)]],
        );
        assert_eq!(Polygon::from_wkb(&poly.to_wkb()), Ok(poly));
        assert_eq!(
            Polygon::from_wkb(&Polygon::default().to_wkb()),
            Ok(Polygon::default())
        );
    }

    #[test]
    fn wkt_prints_like_python() {
        assert_eq!(Point::new(1.0, 2.0).to_string(), "POINT (1.0 2.0)");
        assert_eq!(
            Point::new(f64::NAN, f64::NAN).to_string(),
            "POINT (nan nan)"
        );
        assert_eq!(LineString::default().to_string(), "LINESTRING EMPTY");
        assert_eq!(Polygon::default().to_string(), "POLYGON EMPTY");
        assert_eq!(
            LineString::new([(0.0, 0.0), (1e-7, 1.5e300)]).to_string(),
            "LINESTRING (0.0 0.0, 1e-07 1.5e+300)"
        );
        assert_eq!(
            Polygon::new([(0.0, 0.0), (1.0, 0.0)], [vec![Point::new(-0.0, 2.0)]]).to_string(),
            "POLYGON ((0.0 0.0, 1.0 0.0), (-0.0 2.0))"
        );
    }

    #[test]
    fn from_str_is_from_wkt() {
        let p: Point = "point(1 2)".parse().unwrap();
        assert_eq!(p, Point::new(1.0, 2.0));
    }
}
