//! Well-known binary: a bounds-checked reader for either byte order and the little-endian
//! writer the Python driver uses.
//!
//! Layout: byte-order flag (0 big-endian, 1 little-endian), `u32` geometry type (1 point,
//! 2 linestring, 3 polygon), then a point as two `f64`, a linestring as a `u32` point count and
//! the points, a polygon as a `u32` ring count and per ring a `u32` point count and the points.

use alloc::vec::Vec;

use super::{GeoError, LineString, Point, Polygon};

const POINT_CODE: u32 = 1;
const LINESTRING_CODE: u32 = 2;
const POLYGON_CODE: u32 = 3;
const LITTLE_ENDIAN_FLAG: u8 = 1;
const BIG_ENDIAN_FLAG: u8 = 0;
/// Encoded size of one point: two `f64`.
const POINT_SIZE: usize = 16;
/// Encoded size of the smallest ring: its point count alone.
const MIN_RING_SIZE: usize = 4;

/// Reads one WKB value; every count is checked against the bytes left before anything is
/// allocated for it.
pub(super) struct Reader<'a> {
    bytes: &'a [u8],
    offset: usize,
    big_endian: bool,
}

impl<'a> Reader<'a> {
    /// Starts reading `bytes`, consuming the byte-order flag.
    pub(super) fn new(bytes: &'a [u8]) -> Result<Self, GeoError> {
        let mut reader = Reader {
            bytes,
            offset: 0,
            big_endian: false,
        };
        let [flag] = reader.take::<1>()?;
        reader.big_endian = match flag {
            BIG_ENDIAN_FLAG => true,
            LITTLE_ENDIAN_FLAG => false,
            other => return Err(GeoError::ByteOrder(other)),
        };
        Ok(reader)
    }

    /// Runs `read` and then requires that no byte is left.
    pub(super) fn finish_with<T>(
        mut self,
        read: impl FnOnce(&mut Self) -> Result<T, GeoError>,
    ) -> Result<T, GeoError> {
        let value = read(&mut self)?;
        match self.remaining() {
            0 => Ok(value),
            left => Err(GeoError::TrailingBytes(left)),
        }
    }

    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.offset)
    }

    fn take<const N: usize>(&mut self) -> Result<[u8; N], GeoError> {
        let field = self
            .offset
            .checked_add(N)
            .and_then(|end| self.bytes.get(self.offset..end))
            .and_then(|slice| <[u8; N]>::try_from(slice).ok())
            .ok_or(GeoError::Truncated {
                offset: self.offset,
                needed: N,
                available: self.remaining(),
            })?;
        self.offset += N;
        Ok(field)
    }

    fn u32(&mut self) -> Result<u32, GeoError> {
        let raw = self.take::<4>()?;
        Ok(if self.big_endian {
            u32::from_be_bytes(raw)
        } else {
            u32::from_le_bytes(raw)
        })
    }

    fn f64(&mut self) -> Result<f64, GeoError> {
        let raw = self.take::<8>()?;
        Ok(if self.big_endian {
            f64::from_be_bytes(raw)
        } else {
            f64::from_le_bytes(raw)
        })
    }

    fn expect_geometry(&mut self, expected: u32, name: &'static str) -> Result<(), GeoError> {
        match self.u32()? {
            found if found == expected => Ok(()),
            found => Err(GeoError::GeometryType {
                expected,
                name,
                found,
            }),
        }
    }

    fn point(&mut self) -> Result<Point, GeoError> {
        Ok(Point {
            x: self.f64()?,
            y: self.f64()?,
        })
    }

    /// Reads a count whose items take at least `item_size` bytes each, rejecting counts the
    /// remaining input cannot hold.
    fn count(&mut self, what: &'static str, item_size: usize) -> Result<usize, GeoError> {
        let offset = self.offset;
        let count = self.u32()?;
        let available = self.remaining();
        usize::try_from(count)
            .ok()
            .filter(|&n| {
                n.checked_mul(item_size)
                    .is_some_and(|size| size <= available)
            })
            .ok_or(GeoError::Count {
                what,
                count,
                offset,
                available,
            })
    }

    fn points(&mut self) -> Result<Vec<Point>, GeoError> {
        let count = self.count("point", POINT_SIZE)?;
        let mut points = Vec::with_capacity(count);
        for _ in 0..count {
            points.push(self.point()?);
        }
        Ok(points)
    }
}

fn write_header(out: &mut Vec<u8>, code: u32) {
    out.push(LITTLE_ENDIAN_FLAG);
    out.extend_from_slice(&code.to_le_bytes());
}

fn write_point(out: &mut Vec<u8>, point: &Point) {
    out.extend_from_slice(&point.x.to_le_bytes());
    out.extend_from_slice(&point.y.to_le_bytes());
}

/// Writes a count; a collection longer than `u32::MAX` cannot exist in a frame anyway, so the
/// count saturates rather than wrapping.
fn write_count(out: &mut Vec<u8>, len: usize) {
    let count = u32::try_from(len).unwrap_or(u32::MAX);
    out.extend_from_slice(&count.to_le_bytes());
}

fn write_points(out: &mut Vec<u8>, points: &[Point]) {
    write_count(out, points.len());
    for point in points {
        write_point(out, point);
    }
}

impl Point {
    pub(super) fn read_wkb_body(reader: &mut Reader<'_>) -> Result<Self, GeoError> {
        reader.expect_geometry(POINT_CODE, "point")?;
        reader.point()
    }

    pub(super) fn write_wkb_body(&self, out: &mut Vec<u8>) {
        write_header(out, POINT_CODE);
        write_point(out, self);
    }
}

impl LineString {
    // The Python driver ignores the point count and reads points up to the end of the value;
    // honouring the count and rejecting trailing bytes accepts exactly the values it writes.
    pub(super) fn read_wkb_body(reader: &mut Reader<'_>) -> Result<Self, GeoError> {
        reader.expect_geometry(LINESTRING_CODE, "linestring")?;
        Ok(LineString {
            points: reader.points()?,
        })
    }

    pub(super) fn write_wkb_body(&self, out: &mut Vec<u8>) {
        write_header(out, LINESTRING_CODE);
        write_points(out, &self.points);
    }
}

impl Polygon {
    pub(super) fn read_wkb_body(reader: &mut Reader<'_>) -> Result<Self, GeoError> {
        reader.expect_geometry(POLYGON_CODE, "polygon")?;
        let ring_count = reader.count("ring", MIN_RING_SIZE)?;
        let mut polygon = Polygon::default();
        if ring_count == 0 {
            return Ok(polygon);
        }
        polygon.exterior = reader.points()?;
        polygon.interiors = Vec::with_capacity(ring_count - 1);
        for _ in 1..ring_count {
            polygon.interiors.push(reader.points()?);
        }
        Ok(polygon)
    }

    /// Writes every ring. The Python driver writes a ring count of 0 whenever the exterior is
    /// empty (dropping any interiors); that only differs for a polygon with holes and no
    /// exterior, which the value serializer refuses before getting here.
    pub(super) fn write_wkb_body(&self, out: &mut Vec<u8>) {
        write_header(out, POLYGON_CODE);
        if self.exterior.is_empty() && self.interiors.is_empty() {
            write_count(out, 0);
            return;
        }
        write_count(out, self.interiors.len().saturating_add(1));
        write_points(out, &self.exterior);
        for ring in &self.interiors {
            write_points(out, ring);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_malformed_input() {
        assert!(matches!(
            Point::from_wkb(&[]),
            Err(GeoError::Truncated { offset: 0, .. })
        ));
        assert_eq!(Point::from_wkb(&[2]), Err(GeoError::ByteOrder(2)));
        let mut wrong_type = Point::new(1.0, 2.0).to_wkb();
        wrong_type[1] = 2;
        assert!(matches!(
            Point::from_wkb(&wrong_type),
            Err(GeoError::GeometryType { found: 2, .. })
        ));
        let mut truncated = Point::new(1.0, 2.0).to_wkb();
        truncated.pop();
        assert!(matches!(
            Point::from_wkb(&truncated),
            Err(GeoError::Truncated { .. })
        ));
        let mut trailing = Point::new(1.0, 2.0).to_wkb();
        trailing.push(0);
        assert_eq!(Point::from_wkb(&trailing), Err(GeoError::TrailingBytes(1)));
    }

    #[test]
    fn absurd_counts_are_refused_before_allocating() {
        let mut line = alloc::vec![1, 2, 0, 0, 0];
        line.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(
            LineString::from_wkb(&line),
            Err(GeoError::Count { what: "point", .. })
        ));
        let mut poly = alloc::vec![1, 3, 0, 0, 0];
        poly.extend_from_slice(&0x4000_0000u32.to_le_bytes());
        assert!(matches!(
            Polygon::from_wkb(&poly),
            Err(GeoError::Count { what: "ring", .. })
        ));
    }

    #[test]
    fn holes_without_exterior_are_kept() {
        let poly = Polygon {
            exterior: Vec::new(),
            interiors: alloc::vec![alloc::vec![Point::new(1.0, 1.0)]],
        };
        assert_eq!(Polygon::from_wkb(&poly.to_wkb()), Ok(poly));
    }
}
