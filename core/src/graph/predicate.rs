//! Predicates of Gremlin traversals: TinkerPop's `P` (`eq`, `within`, `between`...), DSE
//! Search (`token`, `fuzzy`, `phrase`...), CQL collection predicates, and DSE Geo (`inside` a
//! circle or a polygon), written the way the Python driver's fluent API writes them.
//!
//! | predicate | GraphSON |
//! |-----------|----------|
//! | one value (`eq`, `within`, `token`, `contains`...) | `g:P {"predicate", "value"}` |
//! | two values (`between`, `inside`, `outside`), `and`, `or` | `g:P {"predicate", "value": [a, b]}` (a plain array) |
//! | `fuzzy`, `tokenFuzzy`, `phrase` | `g:P {"predicate", "value": {"query", "distance"}}` |
//! | Geo `inside` | `dse:P {"predicateType": "Geo", "predicate", "value"}`, the region a `dse:Distance` or `dse:Polygon` |

use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use core::fmt;

use crate::graph::graphson::{DecodeError, EncodeError, Encoder, GraphsonVersion, decode_json};
use crate::graph::graphson::{invalid, member, tagged};
use crate::graph::json::Json;
use crate::graph::value::GraphValue;
use crate::types::geo::{Point, Polygon};

/// A predicate: the argument of `has`, `is`, `where`... that tests a value.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Predicate {
    /// A predicate with one value: `eq`, `neq`, `lt`, `lte`, `gt`, `gte`, `within` and
    /// `without` (the value a list), DSE Search `token`, `tokenPrefix`, `tokenRegex`,
    /// `prefix`, `regex`, CQL collection `contains`, `containsKey`, `containsValue`,
    /// `entryEq`.
    Compare {
        /// The operator name.
        operator: String,
        /// The value compared with.
        value: GraphValue,
    },
    /// A predicate with two values: `between`, `inside`, `outside`.
    Range {
        /// The operator name.
        operator: String,
        /// The first bound.
        first: GraphValue,
        /// The second bound.
        second: GraphValue,
    },
    /// Both predicates hold.
    And(Box<Predicate>, Box<Predicate>),
    /// Either predicate holds.
    Or(Box<Predicate>, Box<Predicate>),
    /// A DSE Search predicate with an edit distance or a proximity: `fuzzy`, `tokenFuzzy`,
    /// `phrase`.
    TextDistance {
        /// The operator name.
        operator: String,
        /// The text searched for.
        query: GraphValue,
        /// The distance (edits, or words between for `phrase`).
        distance: GraphValue,
    },
    /// A DSE Geo predicate: `inside` a region.
    Geo {
        /// The operator name (`inside`).
        operator: String,
        /// The region.
        region: GeoRegion,
    },
}

/// TinkerPop's predicates.
#[derive(Debug, Clone, Copy)]
pub struct P;

fn compare(operator: &str, value: impl Into<GraphValue>) -> Predicate {
    Predicate::Compare {
        operator: String::from(operator),
        value: value.into(),
    }
}

fn range(operator: &str, first: impl Into<GraphValue>, second: impl Into<GraphValue>) -> Predicate {
    Predicate::Range {
        operator: String::from(operator),
        first: first.into(),
        second: second.into(),
    }
}

fn list<V: Into<GraphValue>>(values: impl IntoIterator<Item = V>) -> GraphValue {
    GraphValue::List(values.into_iter().map(Into::into).collect())
}

impl P {
    /// Equal to `value`.
    pub fn eq(value: impl Into<GraphValue>) -> Predicate {
        compare("eq", value)
    }

    /// Not equal to `value`.
    pub fn neq(value: impl Into<GraphValue>) -> Predicate {
        compare("neq", value)
    }

    /// Less than `value`.
    pub fn lt(value: impl Into<GraphValue>) -> Predicate {
        compare("lt", value)
    }

    /// Less than or equal to `value`.
    pub fn lte(value: impl Into<GraphValue>) -> Predicate {
        compare("lte", value)
    }

    /// Greater than `value`.
    pub fn gt(value: impl Into<GraphValue>) -> Predicate {
        compare("gt", value)
    }

    /// Greater than or equal to `value`.
    pub fn gte(value: impl Into<GraphValue>) -> Predicate {
        compare("gte", value)
    }

    /// One of `values`.
    pub fn within<V: Into<GraphValue>>(values: impl IntoIterator<Item = V>) -> Predicate {
        compare("within", list(values))
    }

    /// None of `values`.
    pub fn without<V: Into<GraphValue>>(values: impl IntoIterator<Item = V>) -> Predicate {
        compare("without", list(values))
    }

    /// At least `low` and less than `high`.
    pub fn between(low: impl Into<GraphValue>, high: impl Into<GraphValue>) -> Predicate {
        range("between", low, high)
    }

    /// Greater than `low` and less than `high`.
    pub fn inside(low: impl Into<GraphValue>, high: impl Into<GraphValue>) -> Predicate {
        range("inside", low, high)
    }

    /// Less than `low` or greater than `high`.
    pub fn outside(low: impl Into<GraphValue>, high: impl Into<GraphValue>) -> Predicate {
        range("outside", low, high)
    }
}

impl Predicate {
    /// This predicate and `other`.
    pub fn and(self, other: Predicate) -> Predicate {
        Predicate::And(Box::new(self), Box::new(other))
    }

    /// This predicate or `other`.
    pub fn or(self, other: Predicate) -> Predicate {
        Predicate::Or(Box::new(self), Box::new(other))
    }

    /// The operator name (`eq`, `and`, `fuzzy`, `inside`...).
    pub fn operator(&self) -> &str {
        match self {
            Predicate::Compare { operator, .. }
            | Predicate::Range { operator, .. }
            | Predicate::TextDistance { operator, .. }
            | Predicate::Geo { operator, .. } => operator,
            Predicate::And(..) => "and",
            Predicate::Or(..) => "or",
        }
    }

    /// The predicate as GraphSON (2.0 or 3.0, values typed by `encoder`).
    pub(crate) fn to_json(&self, encoder: &Encoder) -> Result<Json, EncodeError> {
        let p = |operator: &str, value: Json| {
            tagged(
                "g:P",
                Json::Object(vec![
                    (String::from("predicate"), Json::string(operator)),
                    (String::from("value"), value),
                ]),
            )
        };
        Ok(match self {
            Predicate::Compare { operator, value } => p(operator, encoder.value(value)?),
            Predicate::Range {
                operator,
                first,
                second,
            } => p(
                operator,
                Json::Array(vec![encoder.value(first)?, encoder.value(second)?]),
            ),
            Predicate::And(a, b) | Predicate::Or(a, b) => p(
                self.operator(),
                Json::Array(vec![a.to_json(encoder)?, b.to_json(encoder)?]),
            ),
            Predicate::TextDistance {
                operator,
                query,
                distance,
            } => p(
                operator,
                Json::Object(vec![
                    (String::from("query"), encoder.value(query)?),
                    (String::from("distance"), encoder.value(distance)?),
                ]),
            ),
            Predicate::Geo { operator, region } => tagged(
                "dse:P",
                Json::Object(vec![
                    (String::from("predicateType"), Json::string("Geo")),
                    (String::from("predicate"), Json::string(operator.clone())),
                    (String::from("value"), region.to_json()),
                ]),
            ),
        })
    }

    /// Reads a `g:P` or `dse:P` object (the whole `{"@type", "@value"}`); `None` when `json`
    /// is neither.
    pub(crate) fn from_json(json: &Json) -> Option<Result<Predicate, DecodeError>> {
        let members = json.as_object()?;
        let tag = member(members, "@type")?.as_str()?;
        let value = member(members, "@value")?;
        match tag {
            "g:P" => Some(p_from_json(value)),
            "dse:P" => Some(geo_from_json(value)),
            _ => None,
        }
    }
}

fn p_from_json(value: &Json) -> Result<Predicate, DecodeError> {
    let tag = "g:P";
    let members = value
        .as_object()
        .ok_or_else(|| invalid(tag, format!("expected an object, found {}", value.kind())))?;
    let operator = member(members, "predicate")
        .and_then(Json::as_str)
        .ok_or_else(|| invalid(tag, "no `predicate` name"))?;
    let value = member(members, "value").ok_or_else(|| invalid(tag, "no `value`"))?;
    let read = |json: &Json| decode_json(GraphsonVersion::V3, json);
    Ok(match (operator, value) {
        ("and" | "or", Json::Array(items)) => {
            let [a, b] = items.as_slice() else {
                return Err(invalid(tag, format!("`{operator}` needs two predicates")));
            };
            let nested = |json: &Json| {
                Predicate::from_json(json).unwrap_or_else(|| {
                    Err(invalid(
                        tag,
                        format!("an operand of `{operator}` is not a predicate"),
                    ))
                })
            };
            let (a, b) = (Box::new(nested(a)?), Box::new(nested(b)?));
            if operator == "and" {
                Predicate::And(a, b)
            } else {
                Predicate::Or(a, b)
            }
        }
        ("between" | "inside" | "outside", Json::Array(items)) if items.len() == 2 => {
            let [a, b] = items.as_slice() else {
                return Err(invalid(tag, "two bounds expected"));
            };
            range(operator, read(a)?, read(b)?)
        }
        ("fuzzy" | "tokenFuzzy" | "phrase", Json::Object(m)) => {
            let (Some(query), Some(distance)) = (member(m, "query"), member(m, "distance")) else {
                return Err(invalid(
                    tag,
                    format!("`{operator}` needs a query and a distance"),
                ));
            };
            Predicate::TextDistance {
                operator: String::from(operator),
                query: read(query)?,
                distance: read(distance)?,
            }
        }
        (_, value) => compare(operator, read(value)?),
    })
}

fn geo_from_json(value: &Json) -> Result<Predicate, DecodeError> {
    let tag = "dse:P";
    let members = value
        .as_object()
        .ok_or_else(|| invalid(tag, format!("expected an object, found {}", value.kind())))?;
    if member(members, "predicateType").and_then(Json::as_str) != Some("Geo") {
        return Err(invalid(tag, "only Geo predicates are known"));
    }
    let operator = member(members, "predicate")
        .and_then(Json::as_str)
        .ok_or_else(|| invalid(tag, "no `predicate` name"))?;
    let region = member(members, "value").ok_or_else(|| invalid(tag, "no `value`"))?;
    let region = match region {
        Json::Object(m) if member(m, "@type").and_then(Json::as_str) == Some("dse:Distance") => {
            let text = member(m, "@value")
                .and_then(Json::as_str)
                .unwrap_or_default();
            GeoRegion::Distance(
                Distance::from_wkt(text).ok_or_else(|| {
                    invalid("dse:Distance", format!("`{text}` is not a distance"))
                })?,
            )
        }
        other => match decode_json(GraphsonVersion::V3, other)? {
            GraphValue::Polygon(p) => GeoRegion::Polygon(p),
            other => {
                return Err(invalid(
                    tag,
                    format!("a Geo region cannot be a {}", other.kind()),
                ));
            }
        },
    };
    Ok(Predicate::Geo {
        operator: String::from(operator),
        region,
    })
}

/// DSE Search predicates on text properties with a search index.
#[derive(Debug, Clone, Copy)]
pub struct Search;

impl Search {
    /// Some token of the text is `value`.
    pub fn token(value: impl Into<String>) -> Predicate {
        compare("token", value.into())
    }

    /// Some token of the text starts with `value`.
    pub fn token_prefix(value: impl Into<String>) -> Predicate {
        compare("tokenPrefix", value.into())
    }

    /// Some token of the text matches the regular expression `value`.
    pub fn token_regex(value: impl Into<String>) -> Predicate {
        compare("tokenRegex", value.into())
    }

    /// The text starts with `value`.
    pub fn prefix(value: impl Into<String>) -> Predicate {
        compare("prefix", value.into())
    }

    /// The text matches the regular expression `value`.
    pub fn regex(value: impl Into<String>) -> Predicate {
        compare("regex", value.into())
    }

    /// The text is within `distance` edits of `value`.
    pub fn fuzzy(value: impl Into<String>, distance: i32) -> Predicate {
        text_distance("fuzzy", value, distance)
    }

    /// Some token of the text is within `distance` edits of `value`.
    pub fn token_fuzzy(value: impl Into<String>, distance: i32) -> Predicate {
        text_distance("tokenFuzzy", value, distance)
    }

    /// The text holds the phrase `value` with at most `proximity` other words between its
    /// words.
    pub fn phrase(value: impl Into<String>, proximity: i32) -> Predicate {
        text_distance("phrase", value, proximity)
    }
}

fn text_distance(operator: &str, value: impl Into<String>, distance: i32) -> Predicate {
    Predicate::TextDistance {
        operator: String::from(operator),
        query: GraphValue::String(value.into()),
        distance: GraphValue::Int32(distance),
    }
}

/// Predicates on CQL collection properties (DSE core graphs).
#[derive(Debug, Clone, Copy)]
pub struct CqlCollection;

impl CqlCollection {
    /// The list or set holds `value`.
    pub fn contains(value: impl Into<GraphValue>) -> Predicate {
        compare("contains", value)
    }

    /// The map holds the value `value`.
    pub fn contains_value(value: impl Into<GraphValue>) -> Predicate {
        compare("containsValue", value)
    }

    /// The map holds the key `value`.
    pub fn contains_key(value: impl Into<GraphValue>) -> Predicate {
        compare("containsKey", value)
    }

    /// The map holds the entry `entry`.
    pub fn entry_eq(entry: impl Into<GraphValue>) -> Predicate {
        compare("entryEq", entry)
    }
}

/// A circle: a center and a radius (`dse:Distance`), in degrees once in a predicate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Distance {
    /// The center's x (longitude).
    pub x: f64,
    /// The center's y (latitude).
    pub y: f64,
    /// The radius.
    pub radius: f64,
}

impl Distance {
    /// The circle of `radius` around `center`.
    pub fn new(center: Point, radius: f64) -> Self {
        Distance {
            x: center.x,
            y: center.y,
            radius,
        }
    }

    /// Reads `DISTANCE ((x y) radius)` (case and spaces as the Python driver allows).
    pub fn from_wkt(text: &str) -> Option<Self> {
        let rest = text.trim_end();
        let head = rest.get(..8)?;
        if !head.eq_ignore_ascii_case("distance") {
            return None;
        }
        let rest = rest.get(8..)?.trim_start().strip_prefix('(')?.trim_start();
        let rest = rest.strip_prefix('(')?;
        let (coords, rest) = rest.split_once(')')?;
        let mut xy = coords.split_whitespace();
        let (x, y) = (xy.next()?.parse().ok()?, xy.next()?.parse().ok()?);
        if xy.next().is_some() {
            return None;
        }
        let radius = rest.trim().strip_suffix(')')?.trim().parse().ok()?;
        Some(Distance { x, y, radius })
    }
}

impl fmt::Display for Distance {
    /// `DISTANCE ((x y) radius)`, each number in Python `repr` (`1.0`, `1e-07`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::from("DISTANCE ((");
        crate::types::float_repr::write_python_repr(&mut text, self.x);
        text.push(' ');
        crate::types::float_repr::write_python_repr(&mut text, self.y);
        text.push_str(") ");
        crate::types::float_repr::write_python_repr(&mut text, self.radius);
        text.push(')');
        f.write_str(&text)
    }
}

/// The unit of a Geo radius; DSE wants degrees, and these convert with the Python driver's
/// factors (a mean Earth radius of 6371.0087714 km).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeoUnit {
    /// Degrees (no conversion).
    Degrees,
    /// Kilometers.
    Kilometers,
    /// Meters.
    Meters,
    /// Miles.
    Miles,
}

impl GeoUnit {
    /// Degrees per unit.
    pub fn degrees(self) -> f64 {
        const DEG_TO_KM: f64 = core::f64::consts::PI / 180.0 * 6371.0087714;
        const KM_TO_DEG: f64 = 1.0 / DEG_TO_KM;
        match self {
            GeoUnit::Degrees => 1.0,
            GeoUnit::Kilometers => KM_TO_DEG,
            GeoUnit::Meters => KM_TO_DEG / 1000.0,
            GeoUnit::Miles => 1.609344001 * KM_TO_DEG,
        }
    }
}

/// The region of a Geo predicate.
#[derive(Debug, Clone, PartialEq)]
pub enum GeoRegion {
    /// A circle, radius in degrees (`dse:Distance`).
    Distance(Distance),
    /// A polygon (`dse:Polygon`).
    Polygon(Box<Polygon>),
}

impl GeoRegion {
    fn to_json(&self) -> Json {
        match self {
            GeoRegion::Distance(d) => tagged("dse:Distance", Json::String(d.to_string())),
            GeoRegion::Polygon(p) => tagged("dse:Polygon", Json::String(p.to_string())),
        }
    }
}

/// DSE Geo predicates on geometry properties with a search index.
#[derive(Debug, Clone, Copy)]
pub struct Geo;

impl Geo {
    /// Inside the circle `distance`, its radius in `unit` (converted to degrees, as the
    /// Python driver's `Geo.inside`).
    pub fn inside(distance: Distance, unit: GeoUnit) -> Predicate {
        Predicate::Geo {
            operator: String::from("inside"),
            region: GeoRegion::Distance(Distance {
                radius: distance.radius * unit.degrees(),
                ..distance
            }),
        }
    }

    /// Inside `polygon`.
    pub fn inside_polygon(polygon: Polygon) -> Predicate {
        Predicate::Geo {
            operator: String::from("inside"),
            region: GeoRegion::Polygon(Box::new(polygon)),
        }
    }
}
