//! Well-known text: printing exactly as the Python driver's `str()` and a small parser for the
//! three 2-D geometries (keywords case-insensitive, `EMPTY` allowed, coordinates as anything
//! `f64` parses, including `nan` and `inf`).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use super::{GeoError, LineString, Point, Polygon};
use crate::types::float_repr::write_python_repr;

fn write_coordinates(out: &mut String, point: &Point) {
    write_python_repr(out, point.x);
    out.push(' ');
    write_python_repr(out, point.y);
}

fn write_ring(out: &mut String, points: &[Point]) {
    out.push('(');
    for (i, point) in points.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_coordinates(out, point);
    }
    out.push(')');
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::from("POINT (");
        write_coordinates(&mut text, self);
        text.push(')');
        f.write_str(&text)
    }
}

impl fmt::Display for LineString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.points.is_empty() {
            return f.write_str("LINESTRING EMPTY");
        }
        let mut text = String::from("LINESTRING ");
        write_ring(&mut text, &self.points);
        f.write_str(&text)
    }
}

impl fmt::Display for Polygon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // As in the Python driver, a polygon without an exterior prints as empty even if it
        // has holes.
        if self.exterior.is_empty() {
            return f.write_str("POLYGON EMPTY");
        }
        let mut text = String::from("POLYGON (");
        write_ring(&mut text, &self.exterior);
        for ring in &self.interiors {
            text.push_str(", ");
            write_ring(&mut text, ring);
        }
        text.push(')');
        f.write_str(&text)
    }
}

/// A cursor over WKT text.
pub(super) struct Parser<'a> {
    text: &'a str,
    position: usize,
}

impl<'a> Parser<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Parser { text, position: 0 }
    }

    /// Runs `parse` over the whole text, allowing surrounding whitespace only.
    pub(super) fn parse_whole<T>(
        mut self,
        parse: impl FnOnce(&mut Self) -> Result<T, GeoError>,
    ) -> Result<T, GeoError> {
        self.skip_whitespace();
        let value = parse(&mut self)?;
        self.skip_whitespace();
        if self.rest().is_empty() {
            Ok(value)
        } else {
            Err(self.error("end of text"))
        }
    }

    fn rest(&self) -> &'a str {
        self.text.get(self.position..).unwrap_or("")
    }

    fn error(&self, expected: &'static str) -> GeoError {
        GeoError::Wkt {
            position: self.position,
            expected,
        }
    }

    fn skip_whitespace(&mut self) {
        let rest = self.rest();
        self.position += rest.len() - rest.trim_start().len();
    }

    /// The run of ASCII letters at the cursor (not consumed).
    fn word(&self) -> &'a str {
        let rest = self.rest();
        let end = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        rest.get(..end).unwrap_or("")
    }

    fn keyword(&mut self, keyword: &'static str) -> Result<(), GeoError> {
        self.skip_whitespace();
        if self.word().eq_ignore_ascii_case(keyword) {
            self.position += keyword.len();
            Ok(())
        } else {
            Err(self.error(keyword))
        }
    }

    /// Consumes `EMPTY` if it comes next.
    fn empty(&mut self) -> bool {
        self.skip_whitespace();
        let found = self.word().eq_ignore_ascii_case("EMPTY");
        if found {
            self.position += "EMPTY".len();
        }
        found
    }

    fn punct(&mut self, c: char, expected: &'static str) -> Result<(), GeoError> {
        self.skip_whitespace();
        if self.rest().starts_with(c) {
            self.position += c.len_utf8();
            Ok(())
        } else {
            Err(self.error(expected))
        }
    }

    /// Consumes `c` if it comes next.
    fn optional_punct(&mut self, c: char) -> bool {
        self.skip_whitespace();
        let found = self.rest().starts_with(c);
        if found {
            self.position += c.len_utf8();
        }
        found
    }

    fn number(&mut self) -> Result<f64, GeoError> {
        self.skip_whitespace();
        let rest = self.rest();
        let end = rest
            .find(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
            .unwrap_or(rest.len());
        let value = rest
            .get(..end)
            .filter(|token| !token.is_empty())
            .and_then(|token| token.parse::<f64>().ok())
            .ok_or_else(|| self.error("a number"))?;
        self.position += end;
        Ok(value)
    }

    fn point(&mut self) -> Result<Point, GeoError> {
        let x = self.number()?;
        let y = self.number()?;
        Ok(Point { x, y })
    }

    /// `( x y, x y, ... )`.
    fn point_list(&mut self) -> Result<Vec<Point>, GeoError> {
        self.punct('(', "'('")?;
        self.points_then_close()
    }

    /// A polygon ring: a point list that may also be empty, `()`, which is how an empty
    /// interior ring prints.
    fn ring(&mut self) -> Result<Vec<Point>, GeoError> {
        self.punct('(', "'('")?;
        if self.optional_punct(')') {
            return Ok(Vec::new());
        }
        self.points_then_close()
    }

    /// `x y, x y, ... )` after an opening parenthesis.
    fn points_then_close(&mut self) -> Result<Vec<Point>, GeoError> {
        let mut points = Vec::new();
        loop {
            points.push(self.point()?);
            if !self.optional_punct(',') {
                break;
            }
        }
        self.punct(')', "',' or ')'")?;
        Ok(points)
    }
}

impl Point {
    /// `POINT (x y)`; `POINT EMPTY` reads as NaN coordinates, as in the Python driver.
    pub(super) fn parse_wkt_body(parser: &mut Parser<'_>) -> Result<Self, GeoError> {
        parser.keyword("POINT")?;
        if parser.empty() {
            return Ok(Point {
                x: f64::NAN,
                y: f64::NAN,
            });
        }
        parser.punct('(', "'(' or EMPTY")?;
        let point = parser.point()?;
        parser.punct(')', "')'")?;
        Ok(point)
    }
}

impl LineString {
    pub(super) fn parse_wkt_body(parser: &mut Parser<'_>) -> Result<Self, GeoError> {
        parser.keyword("LINESTRING")?;
        if parser.empty() {
            return Ok(LineString::default());
        }
        Ok(LineString {
            points: parser.point_list()?,
        })
    }
}

impl Polygon {
    pub(super) fn parse_wkt_body(parser: &mut Parser<'_>) -> Result<Self, GeoError> {
        parser.keyword("POLYGON")?;
        if parser.empty() {
            return Ok(Polygon::default());
        }
        parser.punct('(', "'(' or EMPTY")?;
        let exterior = parser.point_list()?;
        let mut interiors = Vec::new();
        while parser.optional_punct(',') {
            interiors.push(parser.ring()?);
        }
        parser.punct(')', "',' or ')'")?;
        Ok(Polygon {
            exterior,
            interiors,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    #[test]
    fn parses_case_and_spacing_variants() {
        assert_eq!(Point::from_wkt(" point(1 2) "), Ok(Point::new(1.0, 2.0)));
        assert_eq!(
            Point::from_wkt("POINT (-1.5e3   +2.25)"),
            Ok(Point::new(-1500.0, 2.25))
        );
        let nan = Point::from_wkt("POINT (nan NaN)").unwrap();
        assert!(nan.x.is_nan() && nan.y.is_nan());
        let empty = Point::from_wkt("POINT EMPTY").unwrap();
        assert!(empty.x.is_nan() && empty.y.is_nan());
        assert_eq!(
            LineString::from_wkt("LineString Empty"),
            Ok(LineString::default())
        );
        assert_eq!(
            LineString::from_wkt("LINESTRING(0 0,1 1)"),
            Ok(LineString::new([(0.0, 0.0), (1.0, 1.0)]))
        );
        assert_eq!(Polygon::from_wkt("POLYGON EMPTY"), Ok(Polygon::default()));
        assert_eq!(
            Polygon::from_wkt("POLYGON ((0 0, 1 0, 0 0), (2 2, 3 3))"),
            Ok(Polygon::new(
                [(0.0, 0.0), (1.0, 0.0), (0.0, 0.0)],
                [vec![Point::new(2.0, 2.0), Point::new(3.0, 3.0)]]
            ))
        );
    }

    #[test]
    fn empty_interior_rings_print_and_parse() {
        let polygon = Polygon::new([(0.0, 0.0)], [Vec::new()]);
        assert_eq!(polygon.to_string(), "POLYGON ((0.0 0.0), ())");
        assert_eq!(Polygon::from_wkt(&polygon.to_string()), Ok(polygon));
    }

    #[test]
    fn reports_where_and_what() {
        assert_eq!(
            Point::from_wkt("LINESTRING (1 2)"),
            Err(GeoError::Wkt {
                position: 0,
                expected: "POINT"
            })
        );
        assert_eq!(
            Point::from_wkt("POINT (1 x)"),
            Err(GeoError::Wkt {
                position: 9,
                expected: "a number"
            })
        );
        assert_eq!(
            Point::from_wkt("POINT (1 2 3)"),
            Err(GeoError::Wkt {
                position: 11,
                expected: "')'"
            })
        );
        assert_eq!(
            Point::from_wkt("POINTS (1 2)"),
            Err(GeoError::Wkt {
                position: 0,
                expected: "POINT"
            })
        );
        assert_eq!(
            LineString::from_wkt("LINESTRING ()"),
            Err(GeoError::Wkt {
                position: 12,
                expected: "a number"
            })
        );
        assert_eq!(
            Polygon::from_wkt("POLYGON ((0 0)) x"),
            Err(GeoError::Wkt {
                position: 16,
                expected: "end of text"
            })
        );
        assert!(Point::from_wkt("").is_err());
        assert!(Polygon::from_wkt("POLYGON (())").is_err());
        assert!(Polygon::from_wkt("POLYGON ((0 0)").is_err());
    }
}
