//! Recognising the DSE custom types the value model decodes natively, by the marshal class
//! a [`ColumnType::Custom`] names (with or without the `org.apache.cassandra.db.marshal.`
//! package).

use super::ColumnType;
use super::marshal::MARSHAL_PACKAGE;
#[cfg(feature = "serde")]
use super::{
    CqlValue, DeserializeError,
    date_range::DateRange,
    geo::{LineString, Point, Polygon},
};
#[cfg(feature = "serde")]
use alloc::string::{String, ToString};

/// A DSE custom type that has its own variant in [the value model](super::CqlValue).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DseType {
    /// `PointType`.
    Point,
    /// `LineStringType`.
    LineString,
    /// `PolygonType`.
    Polygon,
    /// `DateRangeType`.
    DateRange,
}

/// The DSE type `typ` is, if it is a custom type of one of their classes.
pub fn dse_type(typ: &ColumnType) -> Option<DseType> {
    let ColumnType::Custom(class) = typ else {
        return None;
    };
    match class.strip_prefix(MARSHAL_PACKAGE).unwrap_or(class) {
        "PointType" => Some(DseType::Point),
        "LineStringType" => Some(DseType::LineString),
        "PolygonType" => Some(DseType::Polygon),
        "DateRangeType" => Some(DseType::DateRange),
        _ => None,
    }
}

/// The text form (WKT, or the DSE date range syntax) of a value of a DSE type, `None` for
/// other types.
#[cfg(feature = "serde")]
pub(crate) fn dse_text(typ: &ColumnType, bytes: &[u8]) -> Result<Option<String>, DeserializeError> {
    Ok(Some(match dse_type(typ) {
        Some(DseType::Point) => Point::from_wkb(bytes)?.to_string(),
        Some(DseType::LineString) => LineString::from_wkb(bytes)?.to_string(),
        Some(DseType::Polygon) => Polygon::from_wkb(bytes)?.to_string(),
        Some(DseType::DateRange) => DateRange::from_bytes(bytes)?.to_string(),
        None => return Ok(None),
    }))
}

/// Parses the text form of a value of DSE type `dse`; `Err` names the type when the text does
/// not parse.
#[cfg(feature = "serde")]
pub(crate) fn parse_dse_text(dse: DseType, text: &str) -> Result<CqlValue, &'static str> {
    Ok(match dse {
        DseType::Point => CqlValue::Point(text.parse().map_err(|_| "point")?),
        DseType::LineString => CqlValue::LineString(text.parse().map_err(|_| "linestring")?),
        DseType::Polygon => CqlValue::Polygon(text.parse().map_err(|_| "polygon")?),
        DseType::DateRange => CqlValue::DateRange(text.parse().map_err(|_| "daterange")?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::date_range::DATE_RANGE_CLASS;
    use crate::types::geo::{LINESTRING_CLASS, POINT_CLASS, POLYGON_CLASS};

    #[test]
    fn recognises_full_and_short_class_names() {
        let custom = |c: &str| ColumnType::Custom(c.into());
        assert_eq!(dse_type(&custom(POINT_CLASS)), Some(DseType::Point));
        assert_eq!(
            dse_type(&custom(LINESTRING_CLASS)),
            Some(DseType::LineString)
        );
        assert_eq!(dse_type(&custom(POLYGON_CLASS)), Some(DseType::Polygon));
        assert_eq!(
            dse_type(&custom(DATE_RANGE_CLASS)),
            Some(DseType::DateRange)
        );
        assert_eq!(dse_type(&custom("PointType")), Some(DseType::Point));
        assert_eq!(dse_type(&custom("com.example.PointType")), None);
        assert_eq!(dse_type(&ColumnType::Blob), None);
    }

    #[test]
    fn values_round_trip_through_the_codecs() {
        use crate::types::date_range::{DateRange, DateRangeBound, DateRangePrecision};
        use crate::types::geo::{LineString, Point, Polygon};
        use crate::types::{CqlValue, DeserializeValue, SerializeError, SerializeValue};
        use alloc::boxed::Box;
        use alloc::vec;
        use alloc::vec::Vec;

        let point_t = ColumnType::Custom(POINT_CLASS.into());
        let range_t = ColumnType::Custom("DateRangeType".into());
        let point = Point::new(1.0, -2.5);
        let range = DateRange::single(DateRangeBound::new(0, DateRangePrecision::Year));

        // Rust values.
        let mut out = Vec::new();
        point.serialize(&point_t, &mut out).unwrap();
        assert_eq!(out.get(4..), Some(point.to_wkb().as_slice()));
        assert_eq!(Point::deserialize(&point_t, out.get(4..)), Ok(point));
        assert!(Point::type_check(&range_t).is_err());
        assert!(matches!(
            point.serialize(&ColumnType::Blob, &mut Vec::new()),
            Err(SerializeError::TypeMismatch { .. })
        ));
        assert_eq!(
            SerializeValue::natural_type(&range),
            Some(ColumnType::Custom(DATE_RANGE_CLASS.into()))
        );

        // Inside a CqlValue collection and tuple.
        let list_t = ColumnType::List(Box::new(range_t.clone()));
        let list = CqlValue::List(vec![
            CqlValue::DateRange(range),
            CqlValue::DateRange(DateRange::SingleOpen),
        ]);
        let mut out = Vec::new();
        list.serialize(&list_t, &mut out).unwrap();
        assert_eq!(CqlValue::deserialize(&list_t, Some(&out)), Ok(Some(list)));
        let tuple_t = ColumnType::Tuple(vec![
            ColumnType::Custom(LINESTRING_CLASS.into()),
            ColumnType::Custom(POLYGON_CLASS.into()),
        ]);
        let tuple = CqlValue::Tuple(vec![
            Some(CqlValue::LineString(LineString::new([
                (0.0, 0.0),
                (1.0, 1.0),
            ]))),
            Some(CqlValue::Polygon(Polygon::default())),
        ]);
        let mut out = Vec::new();
        tuple.serialize(&tuple_t, &mut out).unwrap();
        assert_eq!(CqlValue::deserialize(&tuple_t, Some(&out)), Ok(Some(tuple)));

        // An empty value is null, as in the Python driver; malformed bytes are errors.
        assert_eq!(CqlValue::deserialize(&point_t, Some(&[])), Ok(None));
        assert_eq!(Option::<Point>::deserialize(&point_t, Some(&[])), Ok(None));
        assert!(CqlValue::deserialize(&point_t, Some(&[1, 1, 0])).is_err());
        assert!(CqlValue::deserialize(&range_t, Some(&[9])).is_err());

        // A polygon with holes but no exterior is refused rather than silently emptied.
        let holes_only = Polygon {
            exterior: Vec::new(),
            interiors: vec![vec![Point::new(1.0, 1.0)]],
        };
        let polygon_t = ColumnType::Custom(POLYGON_CLASS.into());
        assert!(matches!(
            holes_only.serialize(&polygon_t, &mut Vec::new()),
            Err(SerializeError::InvalidValue { typ: "polygon", .. })
        ));
    }
}
