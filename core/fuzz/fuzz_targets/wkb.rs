//! Arbitrary bytes as WKB of each DSE geometry: the decoders must fail cleanly, never
//! panic, and never allocate beyond the input; whatever decodes re-encodes little-endian
//! and decodes to the same geometry (compared bit for bit), and its WKT never fails to
//! print.
#![no_main]

use cql_core::types::geo::{LineString, Point, Polygon};
use libfuzzer_sys::fuzz_target;

fn bits(points: &[Point]) -> Vec<(u64, u64)> {
    points.iter().map(|p| (p.x.to_bits(), p.y.to_bits())).collect()
}

fuzz_target!(|data: &[u8]| {
    if let Ok(point) = Point::from_wkb(data) {
        let back = Point::from_wkb(&point.to_wkb()).expect("re-encoded point decodes");
        assert_eq!(bits(&[back]), bits(&[point]));
        let _ = point.to_string();
    }
    if let Ok(line) = LineString::from_wkb(data) {
        let back = LineString::from_wkb(&line.to_wkb()).expect("re-encoded linestring decodes");
        assert_eq!(bits(&back.points), bits(&line.points));
        let _ = line.to_string();
    }
    if let Ok(polygon) = Polygon::from_wkb(data) {
        let back = Polygon::from_wkb(&polygon.to_wkb()).expect("re-encoded polygon decodes");
        assert_eq!(bits(&back.exterior), bits(&polygon.exterior));
        assert_eq!(back.interiors.len(), polygon.interiors.len());
        for (a, b) in back.interiors.iter().zip(&polygon.interiors) {
            assert_eq!(bits(a), bits(b));
        }
        let _ = polygon.to_string();
    }
    if let Ok(text) = core::str::from_utf8(data) {
        let _ = text.parse::<Point>();
        let _ = text.parse::<LineString>();
        let _ = text.parse::<Polygon>();
    }
});
