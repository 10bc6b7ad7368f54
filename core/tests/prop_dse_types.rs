//! Property tests of the DSE types: WKB and WKT round trips of the geometries, wire and text
//! round trips of date ranges (and what their rounding guarantees), the values inside CQL
//! collections, and "arbitrary input never panics" for every decoder and parser.

use cql_core::types::date_range::DATE_RANGE_CLASS;
use cql_core::types::geo::{LINESTRING_CLASS, POINT_CLASS, POLYGON_CLASS};
use cql_core::types::{
    ColumnType, CqlValue, DateRange, DateRangeBound, DateRangePrecision, LineString, Point, Polygon,
};
use proptest::collection::vec;
use proptest::prelude::*;

/// First and last millisecond of years 1..=9999, where bounds are calendar dates.
const MIN_CALENDAR_MS: i64 = -62_135_596_800_000;
const MAX_CALENDAR_MS: i64 = 253_402_300_799_999;

fn any_point() -> impl Strategy<Value = Point> + Clone {
    (any::<u64>(), any::<u64>()).prop_map(|(x, y)| Point::new(f64::from_bits(x), f64::from_bits(y)))
}

fn finite_coordinate() -> impl Strategy<Value = f64> + Clone {
    prop_oneof![
        any::<f64>().prop_filter("finite", |f| f.is_finite()),
        Just(-0.0),
        (-1_000_000i64..1_000_000, 0u32..7).prop_map(|(n, d)| n as f64 / 10f64.powi(d as i32)),
    ]
}

fn finite_point() -> impl Strategy<Value = Point> + Clone {
    (finite_coordinate(), finite_coordinate()).prop_map(|(x, y)| Point::new(x, y))
}

fn polygon_of(point: impl Strategy<Value = Point> + Clone) -> impl Strategy<Value = Polygon> {
    (vec(point.clone(), 0..6), vec(vec(point, 0..5), 0..3)).prop_map(|(exterior, interiors)| {
        // A polygon without an exterior is the empty polygon.
        let interiors = if exterior.is_empty() {
            Vec::new()
        } else {
            interiors
        };
        Polygon {
            exterior,
            interiors,
        }
    })
}

fn same_points(a: &[Point], b: &[Point]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(p, q)| p.x.to_bits() == q.x.to_bits() && p.y.to_bits() == q.y.to_bits())
}

fn same_polygon(a: &Polygon, b: &Polygon) -> bool {
    same_points(&a.exterior, &b.exterior)
        && a.interiors.len() == b.interiors.len()
        && a.interiors
            .iter()
            .zip(&b.interiors)
            .all(|(r, s)| same_points(r, s))
}

fn precision() -> impl Strategy<Value = DateRangePrecision> + Clone {
    proptest::sample::select(DateRangePrecision::ALL.to_vec())
}

fn calendar_bound() -> impl Strategy<Value = DateRangeBound> + Clone {
    (MIN_CALENDAR_MS..=MAX_CALENDAR_MS, precision()).prop_map(|(ms, p)| DateRangeBound::new(ms, p))
}

fn any_bound() -> impl Strategy<Value = DateRangeBound> + Clone {
    prop_oneof![
        3 => calendar_bound(),
        1 => (any::<i64>(), precision()).prop_map(|(ms, p)| DateRangeBound::new(ms, p)),
    ]
}

fn range_of(
    bound: impl Strategy<Value = DateRangeBound> + Clone,
) -> impl Strategy<Value = DateRange> {
    prop_oneof![
        bound.clone().prop_map(DateRange::Single),
        Just(DateRange::SingleOpen),
        (
            proptest::option::of(bound.clone()),
            proptest::option::of(bound)
        )
            .prop_map(|(lower, upper)| DateRange::Range { lower, upper }),
    ]
}

proptest! {
    #[test]
    fn wkb_round_trips(
        point in any_point(),
        points in vec(any_point(), 0..10),
        polygon in polygon_of(any_point()),
    ) {
        let back = Point::from_wkb(&point.to_wkb()).unwrap();
        prop_assert!(same_points(&[back], &[point]));
        let line = LineString { points };
        let back = LineString::from_wkb(&line.to_wkb()).unwrap();
        prop_assert!(same_points(&back.points, &line.points));
        let back = Polygon::from_wkb(&polygon.to_wkb()).unwrap();
        prop_assert!(same_polygon(&back, &polygon));
    }

    #[test]
    fn wkt_round_trips_finite_coordinates(
        point in finite_point(),
        points in vec(finite_point(), 0..10),
        polygon in polygon_of(finite_point()),
    ) {
        let back: Point = point.to_string().parse().unwrap();
        prop_assert!(same_points(&[back], &[point]), "{}", point);
        let line = LineString { points };
        let back: LineString = line.to_string().parse().unwrap();
        prop_assert!(same_points(&back.points, &line.points), "{}", line);
        let back: Polygon = polygon.to_string().parse().unwrap();
        prop_assert!(same_polygon(&back, &polygon), "{}", polygon);
    }

    #[test]
    fn geometries_round_trip_inside_collections(
        points in vec(any_point(), 0..5),
        polygons in vec(polygon_of(finite_point()), 0..4),
    ) {
        let typ = ColumnType::List(Box::new(ColumnType::Custom(POINT_CLASS.into())));
        let value = CqlValue::List(points.iter().copied().map(CqlValue::Point).collect());
        let mut out = Vec::new();
        value.serialize(&typ, &mut out).unwrap();
        let Some(CqlValue::List(back)) = CqlValue::deserialize(&typ, Some(&out)).unwrap() else {
            panic!("not a list");
        };
        let back: Vec<Point> = back
            .into_iter()
            .map(|v| match v { CqlValue::Point(p) => p, other => panic!("{other:?}") })
            .collect();
        prop_assert!(same_points(&back, &points));

        let typ = ColumnType::Map(
            Box::new(ColumnType::Int),
            Box::new(ColumnType::Custom("PolygonType".into())),
        );
        let value = CqlValue::Map(
            polygons.iter().cloned().enumerate()
                .map(|(i, p)| (CqlValue::Int(i as i32), CqlValue::Polygon(p)))
                .collect(),
        );
        let mut out = Vec::new();
        value.serialize(&typ, &mut out).unwrap();
        prop_assert_eq!(CqlValue::deserialize(&typ, Some(&out)).unwrap(), Some(value));
    }

    #[test]
    fn date_range_wire_round_trip(range in range_of(any_bound())) {
        let rounded = range.rounded();
        prop_assert_eq!(rounded.rounded(), rounded, "rounding is idempotent");
        let bytes = range.to_bytes();
        prop_assert_eq!(&rounded.to_bytes(), &bytes);
        prop_assert_eq!(DateRange::from_bytes(&bytes), Ok(rounded));
        let typ = ColumnType::Custom(DATE_RANGE_CLASS.into());
        prop_assert_eq!(
            CqlValue::deserialize(&typ, Some(&bytes)),
            Ok(Some(CqlValue::DateRange(rounded)))
        );
    }

    #[test]
    fn date_range_text_round_trip(range in range_of(calendar_bound())) {
        let rounded = range.rounded();
        let text = rounded.to_string();
        prop_assert_eq!(text.parse::<DateRange>(), Ok(rounded), "{}", text);
        prop_assert_eq!(range.to_string(), text, "printing shows the period, rounded or not");
    }

    #[test]
    fn rounding_keeps_the_period(bound in calendar_bound()) {
        let (down, up) = (bound.rounded_down(), bound.rounded_up());
        prop_assert!(down.ms <= bound.ms && bound.ms <= up.ms);
        prop_assert_eq!(down.to_string(), bound.to_string());
        prop_assert_eq!(up.to_string(), bound.to_string());
        if down.ms > MIN_CALENDAR_MS {
            let before = DateRangeBound::new(down.ms - 1, bound.precision);
            prop_assert_ne!(before.to_string(), bound.to_string(), "down is the first ms");
        }
        if up.ms < MAX_CALENDAR_MS {
            let after = DateRangeBound::new(up.ms + 1, bound.precision);
            prop_assert_ne!(after.to_string(), bound.to_string(), "up is the last ms");
        }
    }

    #[test]
    fn decoders_never_panic(bytes in vec(any::<u8>(), 0..64)) {
        let _ = Point::from_wkb(&bytes);
        let _ = LineString::from_wkb(&bytes);
        let _ = Polygon::from_wkb(&bytes);
        let _ = DateRange::from_bytes(&bytes);
        for class in [POINT_CLASS, LINESTRING_CLASS, POLYGON_CLASS, DATE_RANGE_CLASS] {
            let typ = ColumnType::Custom(class.into());
            let _ = CqlValue::deserialize(&typ, Some(&bytes));
            let list = ColumnType::List(Box::new(typ));
            let _ = CqlValue::deserialize(&list, Some(&bytes));
        }
    }

    #[test]
    fn wkb_headers_with_any_counts_never_panic(
        order in 0u8..2,
        code in 1u32..4,
        count in any::<u32>(),
        tail in vec(any::<u8>(), 0..48),
    ) {
        let mut bytes = vec![order];
        let put = |bytes: &mut Vec<u8>, n: u32| if order == 0 {
            bytes.extend_from_slice(&n.to_be_bytes())
        } else {
            bytes.extend_from_slice(&n.to_le_bytes())
        };
        put(&mut bytes, code);
        put(&mut bytes, count);
        bytes.extend_from_slice(&tail);
        let _ = LineString::from_wkb(&bytes);
        let _ = Polygon::from_wkb(&bytes);
    }

    #[test]
    fn parsers_never_panic(text in "\\PC{0,40}", wkt_like in "(POINT|LINESTRING|POLYGON)? ?[()0-9 .,eE+-]{0,30}") {
        for t in [&text, &wkt_like] {
            let _ = t.parse::<Point>();
            let _ = t.parse::<LineString>();
            let _ = t.parse::<Polygon>();
            let _ = t.parse::<DateRange>();
            let _ = t.parse::<DateRangeBound>();
        }
    }

    #[test]
    fn date_range_like_text_never_panics(text in "\\[?[0-9*]{0,5}(-[0-9]{1,3}){0,2}(T[0-9]{0,3}(:[0-9]{0,3}){0,2}(\\.[0-9]{0,4})?Z?)?( TO [0-9*-]{0,12})?\\]?") {
        let _ = text.parse::<DateRange>();
    }
}
