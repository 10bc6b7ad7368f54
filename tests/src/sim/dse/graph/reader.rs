//! GraphSON readers: the `g:Bytecode` of a `bytecode-json` request with its arguments
//! (values, nested traversals, predicates, enums), and whole result rows (to check the
//! writers against the golden vectors).
//!
//! Nesting is bounded ([`MAX_DEPTH`]) so a hostile request cannot exhaust the stack.

use serde_json::Value as J;
use uuid::Uuid;

use super::graphson::GraphsonVersion;
use super::json::unbase64;
use super::predicate::{DistanceOp, Predicate, Shape};
use super::value::{Edge, Path, Property, Token, Value, Vertex, VertexProperty};

/// How deeply values and traversals may nest.
pub const MAX_DEPTH: usize = 64;

/// A traversal as bytecode: source instructions (`withSack`, ...) and steps.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bytecode {
    /// `source` instructions.
    pub sources: Vec<Instruction>,
    /// `step` instructions.
    pub steps: Vec<Instruction>,
}

/// One instruction: a step name and its arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct Instruction {
    /// The step (`V`, `has`, `out`, ...).
    pub name: String,
    /// Its arguments.
    pub args: Vec<Arg>,
}

/// A step argument.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// A value (tokens `T.id`, `Direction.IN`... included).
    Value(Value),
    /// An anonymous traversal (`__.out()`).
    Traversal(Bytecode),
    /// A predicate.
    Predicate(Predicate),
    /// An enum constant other than `T` and `Direction`: its GraphSON type (`g:Order`) and
    /// name (`desc`).
    Enum(String, String),
}

impl Arg {
    /// The value, if the argument is one.
    pub fn value(&self) -> Option<&Value> {
        match self {
            Self::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The string, if the argument is one.
    pub fn text(&self) -> Option<&str> {
        self.value().and_then(Value::as_str)
    }

    /// Whether it is the enum constant `tag`/`name` (`g:Order`, `desc`).
    pub fn is_enum(&self, tag: &str) -> Option<&str> {
        match self {
            Self::Enum(t, name) if t == tag => Some(name),
            _ => None,
        }
    }
}

type ReadResult<T> = Result<T, String>;

/// Reads a `bytecode-json` query: one `g:Bytecode`, or a JSON array of them (a batch).
///
/// # Errors
/// The text is not JSON, or not bytecode, with what was wrong.
pub fn read_request(text: &str) -> ReadResult<Vec<Bytecode>> {
    let json: J =
        serde_json::from_str(text).map_err(|e| format!("the query is not GraphSON: {e}"))?;
    match &json {
        J::Array(items) => items.iter().map(|i| read_bytecode(i, 0)).collect(),
        one => Ok(vec![read_bytecode(one, 0)?]),
    }
}

fn typed(json: &J) -> Option<(&str, &J)> {
    let obj = json.as_object()?;
    if obj.len() != 2 {
        return None;
    }
    Some((obj.get("@type")?.as_str()?, obj.get("@value")?))
}

fn depth_check(depth: usize) -> ReadResult<()> {
    if depth > MAX_DEPTH {
        return Err(format!("GraphSON nested deeper than {MAX_DEPTH} levels"));
    }
    Ok(())
}

fn read_bytecode(json: &J, depth: usize) -> ReadResult<Bytecode> {
    depth_check(depth)?;
    let Some(("g:Bytecode", body)) = typed(json) else {
        return Err(format!(
            "expected a g:Bytecode, got {}",
            truncate(&json.to_string())
        ));
    };
    let instructions = |key: &str| -> ReadResult<Vec<Instruction>> {
        let Some(list) = body.get(key) else {
            return Ok(Vec::new());
        };
        let list = list
            .as_array()
            .ok_or_else(|| format!("g:Bytecode {key} is not a list"))?;
        list.iter()
            .map(|i| read_instruction(i, depth))
            .collect::<ReadResult<_>>()
    };
    Ok(Bytecode {
        sources: instructions("source")?,
        steps: instructions("step")?,
    })
}

fn read_instruction(json: &J, depth: usize) -> ReadResult<Instruction> {
    let parts = json.as_array().ok_or_else(|| {
        format!(
            "an instruction is not a list: {}",
            truncate(&json.to_string())
        )
    })?;
    let (name, args) = parts
        .split_first()
        .ok_or_else(|| "an empty instruction".to_string())?;
    let name = name
        .as_str()
        .ok_or_else(|| format!("an instruction name is not a string: {name}"))?;
    let args = args
        .iter()
        .map(|a| read_arg(a, depth + 1))
        .collect::<ReadResult<_>>()?;
    Ok(Instruction {
        name: name.to_string(),
        args,
    })
}

/// Reads one GraphSON 2.0/3.0 argument.
///
/// # Errors
/// An unknown or malformed type, or nesting beyond [`MAX_DEPTH`].
pub fn read_arg(json: &J, depth: usize) -> ReadResult<Arg> {
    depth_check(depth)?;
    let Some((tag, body)) = typed(json) else {
        return read_value(json, GraphsonVersion::V2, depth).map(Arg::Value);
    };
    match tag {
        "g:Bytecode" => read_bytecode(json, depth).map(Arg::Traversal),
        "g:P" | "g:TextP" | "dse:P" => read_predicate(body, depth).map(Arg::Predicate),
        "g:Order" | "g:Cardinality" | "g:Column" | "g:Scope" | "g:Pop" | "g:Operator"
        | "g:Barrier" | "g:Pick" => {
            let name = body
                .as_str()
                .ok_or_else(|| format!("{tag} is not a string"))?;
            Ok(Arg::Enum(tag.to_string(), name.to_string()))
        }
        "g:Lambda" => Err("lambdas are not supported by cql-sim's graph engine".to_string()),
        "g:Binding" => {
            let value = body
                .get("value")
                .ok_or_else(|| "g:Binding without a value".to_string())?;
            read_arg(value, depth + 1)
        }
        _ => read_value(json, GraphsonVersion::V3, depth).map(Arg::Value),
    }
}

fn read_predicate(body: &J, depth: usize) -> ReadResult<Predicate> {
    let name = body
        .get("predicate")
        .and_then(J::as_str)
        .ok_or_else(|| "a predicate without a name".to_string())?;
    let operand = body
        .get("value")
        .ok_or_else(|| format!("predicate {name} without a value"))?;
    let sub = |j: &J| match read_arg(j, depth + 1)? {
        Arg::Predicate(p) => Ok(p),
        other => Err(format!("{name} wants predicates, got {other:?}")),
    };
    let list = |j: &J| -> ReadResult<Vec<J>> {
        match typed(j) {
            Some(("g:List", J::Array(items))) => Ok(items.clone()),
            _ => j
                .as_array()
                .cloned()
                .ok_or_else(|| format!("{name} wants a list")),
        }
    };
    if body.get("predicateType").and_then(J::as_str) == Some("Geo") {
        return geo(name, operand);
    }
    match name {
        "and" | "or" => {
            let ps = list(operand)?.iter().map(sub).collect::<ReadResult<_>>()?;
            Ok(if name == "and" {
                Predicate::And(ps)
            } else {
                Predicate::Or(ps)
            })
        }
        "not" => Ok(Predicate::Not(Box::new(sub(operand)?))),
        "fuzzy" | "tokenFuzzy" | "phrase" => {
            let query = operand
                .get("query")
                .and_then(J::as_str)
                .ok_or_else(|| format!("{name} wants a query"))?;
            let distance = operand
                .get("distance")
                .map(|d| read_value(d, GraphsonVersion::V3, depth + 1))
                .transpose()?
                .and_then(|d| d.as_i64())
                .ok_or_else(|| format!("{name} wants a distance"))?;
            let op = match name {
                "fuzzy" => DistanceOp::Fuzzy,
                "tokenFuzzy" => DistanceOp::TokenFuzzy,
                _ => DistanceOp::Phrase,
            };
            Ok(Predicate::Distance(op, query.to_string(), distance))
        }
        _ => {
            let operand = read_value(operand, GraphsonVersion::V3, depth + 1)?;
            Predicate::named(name, operand)
        }
    }
}

fn geo(name: &str, operand: &J) -> ReadResult<Predicate> {
    if name != "inside" {
        return Err(format!("unknown geo predicate '{name}'"));
    }
    let shape = match typed(operand) {
        Some(("dse:Distance", J::String(s))) => Shape::circle(s),
        Some(("dse:Polygon", J::String(s))) => Shape::polygon(s),
        _ => None,
    };
    shape
        .map(Predicate::GeoInside)
        .ok_or_else(|| format!("Geo.inside wants a dse:Distance or dse:Polygon, got {operand}"))
}

fn truncate(s: &str) -> String {
    s.chars().take(80).collect()
}

/// Reads a GraphSON value. `version` says how plain JSON reads: in 1.0 an object with
/// `"type": "vertex"`/`"edge"` is an element; integers read as `g:Int64` unless tagged.
///
/// # Errors
/// An unknown or malformed type, or nesting beyond [`MAX_DEPTH`].
pub fn read_value(json: &J, version: GraphsonVersion, depth: usize) -> ReadResult<Value> {
    depth_check(depth)?;
    let next = |j: &J| read_value(j, version, depth + 1);
    let list = |items: &[J]| items.iter().map(next).collect::<ReadResult<Vec<_>>>();
    if version != GraphsonVersion::V1 {
        if let Some((tag, body)) = typed(json) {
            return read_typed(tag, body, version, depth);
        }
    }
    Ok(match json {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => match n.as_i64() {
            Some(i) => Value::Int64(i),
            None => Value::Double(n.as_f64().unwrap_or(f64::NAN)),
        },
        J::String(s) => Value::Text(s.clone()),
        J::Array(items) => Value::List(list(items)?),
        J::Object(obj) => {
            if version == GraphsonVersion::V1 {
                match obj.get("type").and_then(J::as_str) {
                    Some("vertex") => return v1_vertex(obj, depth),
                    Some("edge") => return v1_edge(obj, depth),
                    _ => {}
                }
            }
            Value::Map(
                obj.iter()
                    .map(|(k, v)| Ok((Value::Text(k.clone()), next(v)?)))
                    .collect::<ReadResult<_>>()?,
            )
        }
    })
}

fn field<'a>(obj: &'a J, name: &str, what: &str) -> ReadResult<&'a J> {
    obj.get(name)
        .ok_or_else(|| format!("{what} without {name}"))
}

fn string_field(obj: &J, name: &str, what: &str) -> ReadResult<String> {
    field(obj, name, what)?
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("{what}'s {name} is not a string"))
}

fn read_typed(tag: &str, body: &J, version: GraphsonVersion, depth: usize) -> ReadResult<Value> {
    let next = |j: &J| read_value(j, version, depth + 1);
    let text = || {
        body.as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("{tag} is not a string"))
    };
    let int = || {
        body.as_i64()
            .ok_or_else(|| format!("{tag} is not an integer"))
    };
    let float = || {
        body.as_f64()
            .ok_or_else(|| format!("{tag} is not a number"))
    };
    let items = || -> ReadResult<Vec<Value>> {
        body.as_array()
            .ok_or_else(|| format!("{tag} is not a list"))?
            .iter()
            .map(next)
            .collect()
    };
    Ok(match tag {
        "g:Int32" => Value::Int32(i32::try_from(int()?).map_err(|_| "g:Int32 out of range")?),
        "g:Int64" => Value::Int64(int()?),
        "gx:Int16" => Value::Int16(i16::try_from(int()?).map_err(|_| "gx:Int16 out of range")?),
        "gx:Byte" => Value::Int16(int()?.clamp(-128, 127) as i16),
        "g:Double" => Value::Double(float()?),
        "g:Float" => Value::Float(float()? as f32),
        "gx:BigInteger" => Value::BigInteger(body.to_string()),
        "gx:BigDecimal" => Value::BigDecimal(match body {
            J::String(s) => s.clone(),
            other => other.to_string(),
        }),
        "g:UUID" => Value::Uuid(Uuid::parse_str(&text()?).map_err(|e| format!("g:UUID: {e}"))?),
        "gx:Instant" => Value::Instant(text()?),
        "g:Date" | "g:Timestamp" => Value::Int64(int()?),
        "gx:LocalDate" => Value::LocalDate(text()?),
        "gx:LocalTime" => Value::LocalTime(text()?),
        "gx:Duration" => Value::Duration(text()?),
        "gx:ByteBuffer" | "dse:Blob" => {
            Value::Blob(unbase64(&text()?).ok_or_else(|| format!("{tag} is not base64"))?)
        }
        "gx:InetAddress" => Value::Inet(text()?),
        "dse:Point" => Value::Point(text()?),
        "dse:LineString" => Value::LineString(text()?),
        "dse:Polygon" => Value::Polygon(text()?),
        "g:List" => Value::List(items()?),
        "g:Set" => Value::Set(items()?),
        "g:Map" => {
            let flat = items()?;
            if flat.len() % 2 != 0 {
                return Err("g:Map has an odd number of entries".to_string());
            }
            let mut entries = Vec::with_capacity(flat.len() / 2);
            let mut it = flat.into_iter();
            while let (Some(k), Some(v)) = (it.next(), it.next()) {
                entries.push((k, v));
            }
            Value::Map(entries)
        }
        "g:BulkSet" => {
            let flat = items()?;
            let mut entries = Vec::with_capacity(flat.len() / 2);
            let mut it = flat.into_iter();
            while let (Some(v), Some(n)) = (it.next(), it.next()) {
                let n = n.as_i64().ok_or("g:BulkSet count is not an integer")?;
                entries.push((v, n));
            }
            Value::BulkSet(entries)
        }
        "g:T" => Value::Token(match text()?.as_str() {
            "id" => Token::Id,
            "label" => Token::Label,
            "key" => Token::Key,
            "value" => Token::Value,
            other => return Err(format!("unknown g:T {other}")),
        }),
        "g:Direction" => Value::Token(match text()?.as_str() {
            "IN" => Token::In,
            "OUT" => Token::Out,
            other => return Err(format!("unsupported g:Direction {other}")),
        }),
        "g:Vertex" => Value::Vertex(typed_vertex(body, version, depth)?),
        "g:Edge" => Value::Edge(typed_edge(body, version, depth)?),
        "g:VertexProperty" => Value::VertexProperty(typed_vertex_property(body, version, depth)?),
        "g:Property" => Value::Property(Property {
            key: string_field(body, "key", "g:Property")?,
            value: Box::new(next(field(body, "value", "g:Property")?)?),
        }),
        "g:Path" => {
            let labels = match next(field(body, "labels", "g:Path")?)? {
                Value::List(l) => l
                    .into_iter()
                    .map(|set| match set {
                        Value::List(s) | Value::Set(s) => s
                            .into_iter()
                            .map(|l| match l {
                                Value::Text(t) => Ok(t),
                                other => Err(format!("a path label is not a string: {other:?}")),
                            })
                            .collect(),
                        other => Err(format!("path labels are not lists: {other:?}")),
                    })
                    .collect::<ReadResult<_>>()?,
                other => return Err(format!("g:Path labels are not a list: {other:?}")),
            };
            let objects = match next(field(body, "objects", "g:Path")?)? {
                Value::List(o) => o,
                other => return Err(format!("g:Path objects are not a list: {other:?}")),
            };
            Value::Path(Path { labels, objects })
        }
        other => return Err(format!("unsupported GraphSON type {other}")),
    })
}

fn typed_vertex(body: &J, version: GraphsonVersion, depth: usize) -> ReadResult<Vertex> {
    let mut properties = Vec::new();
    if let Some(props) = body.get("properties").and_then(J::as_object) {
        for list in props.values() {
            for p in list.as_array().into_iter().flatten() {
                match read_value(p, version, depth + 1)? {
                    Value::VertexProperty(vp) => properties.push(vp),
                    other => return Err(format!("a vertex property is {other:?}")),
                }
            }
        }
    }
    Ok(Vertex {
        id: Box::new(read_value(
            field(body, "id", "g:Vertex")?,
            version,
            depth + 1,
        )?),
        label: string_field(body, "label", "g:Vertex")?,
        properties,
    })
}

fn meta_properties(body: &J, version: GraphsonVersion, depth: usize) -> ReadResult<Vec<Property>> {
    let mut out = Vec::new();
    if let Some(props) = body.get("properties").and_then(J::as_object) {
        for (k, v) in props {
            let value = match read_value(v, version, depth + 1)? {
                Value::Property(p) => *p.value,
                other => other,
            };
            out.push(Property {
                key: k.clone(),
                value: Box::new(value),
            });
        }
    }
    Ok(out)
}

fn typed_vertex_property(
    body: &J,
    version: GraphsonVersion,
    depth: usize,
) -> ReadResult<VertexProperty> {
    Ok(VertexProperty {
        id: Box::new(read_value(
            field(body, "id", "g:VertexProperty")?,
            version,
            depth + 1,
        )?),
        label: string_field(body, "label", "g:VertexProperty")?,
        value: Box::new(read_value(
            field(body, "value", "g:VertexProperty")?,
            version,
            depth + 1,
        )?),
        properties: meta_properties(body, version, depth)?,
    })
}

fn typed_edge(body: &J, version: GraphsonVersion, depth: usize) -> ReadResult<Edge> {
    let value = |name| read_value(field(body, name, "g:Edge")?, version, depth + 1);
    Ok(Edge {
        id: Box::new(value("id")?),
        label: string_field(body, "label", "g:Edge")?,
        out_v: Box::new(value("outV")?),
        out_v_label: string_field(body, "outVLabel", "g:Edge")?,
        in_v: Box::new(value("inV")?),
        in_v_label: string_field(body, "inVLabel", "g:Edge")?,
        properties: meta_properties(body, version, depth)?,
    })
}

fn v1_vertex(obj: &serde_json::Map<String, J>, depth: usize) -> ReadResult<Value> {
    let v1 = GraphsonVersion::V1;
    let body = J::Object(obj.clone());
    let mut properties = Vec::new();
    if let Some(props) = obj.get("properties").and_then(J::as_object) {
        for (key, list) in props {
            for p in list.as_array().into_iter().flatten() {
                properties.push(VertexProperty {
                    id: Box::new(read_value(
                        field(p, "id", "a vertex property")?,
                        v1,
                        depth + 1,
                    )?),
                    label: key.clone(),
                    value: Box::new(read_value(
                        field(p, "value", "a vertex property")?,
                        v1,
                        depth + 1,
                    )?),
                    properties: meta_properties(p, v1, depth + 1)?,
                });
            }
        }
    }
    Ok(Value::Vertex(Vertex {
        id: Box::new(read_value(field(&body, "id", "a vertex")?, v1, depth + 1)?),
        label: string_field(&body, "label", "a vertex")?,
        properties,
    }))
}

fn v1_edge(obj: &serde_json::Map<String, J>, depth: usize) -> ReadResult<Value> {
    let body = J::Object(obj.clone());
    typed_edge(&body, GraphsonVersion::V1, depth).map(Value::Edge)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytecode_with_every_argument_kind() {
        let text = r#"{"@type":"g:Bytecode","@value":{"step":[["V"],
            ["has","person","name",{"@type":"g:P","@value":{"predicate":"eq","value":"marko"}}],
            ["order"],["by","age",{"@type":"g:Order","@value":"desc"}],
            ["where",{"@type":"g:Bytecode","@value":{"step":[["out","knows"]]}}],
            ["has","age",{"@type":"g:P","@value":{"predicate":"between","value":[{"@type":"g:Int32","@value":1},{"@type":"g:Int32","@value":9}]}}],
            ["valueMap",true],["select",{"@type":"g:Column","@value":"keys"}],
            ["has",{"@type":"g:T","@value":"label"},"x"]],
            "source":[["withSack",{"@type":"g:Int32","@value":1}]]}}"#;
        let bc = read_request(text).unwrap().remove(0);
        assert_eq!(bc.sources[0].name, "withSack");
        assert_eq!(bc.steps.len(), 9);
        assert_eq!(
            bc.steps[1].args[2],
            Arg::Predicate(Predicate::named("eq", Value::text("marko")).unwrap())
        );
        assert_eq!(bc.steps[3].args[1].is_enum("g:Order"), Some("desc"));
        assert!(matches!(bc.steps[4].args[0], Arg::Traversal(_)));
        assert_eq!(
            bc.steps[5].args[1],
            Arg::Predicate(Predicate::Between(Value::Int32(1), Value::Int32(9)))
        );
        assert_eq!(bc.steps[6].args[0], Arg::Value(Value::Bool(true)));
        assert_eq!(bc.steps[8].args[0], Arg::Value(Value::Token(Token::Label)));
    }

    #[test]
    fn batches_and_errors() {
        let one = r#"{"@type":"g:Bytecode","@value":{"step":[["V"]]}}"#;
        assert_eq!(read_request(&format!("[{one},{one}]")).unwrap().len(), 2);
        assert!(read_request("g.V()").unwrap_err().contains("not GraphSON"));
        assert!(read_request("{}").unwrap_err().contains("g:Bytecode"));
        let lambda = r#"{"@type":"g:Bytecode","@value":{"step":[["map",{"@type":"g:Lambda","@value":{"script":"x"}}]]}}"#;
        assert!(read_request(lambda).unwrap_err().contains("lambdas"));
        let bad =
            r#"{"@type":"g:Bytecode","@value":{"step":[["V",{"@type":"g:Nope","@value":1}]]}}"#;
        assert!(read_request(bad).unwrap_err().contains("g:Nope"));
        // Deep nesting is refused, not a stack overflow.
        let mut deep = String::from("1");
        for _ in 0..100 {
            deep = format!("[{deep}]");
        }
        let deep = format!(r#"{{"@type":"g:Bytecode","@value":{{"step":[["inject",{deep}]]}}}}"#);
        assert!(read_request(&deep).unwrap_err().contains("deeper"));
    }

    #[test]
    fn search_and_geo_predicates() {
        let fuzzy = serde_json::json!({"@type":"g:P","@value":{"predicate":"fuzzy","value":{"query":"marko","distance":{"@type":"g:Int32","@value":1}}}});
        assert_eq!(
            read_arg(&fuzzy, 0).unwrap(),
            Arg::Predicate(Predicate::Distance(DistanceOp::Fuzzy, "marko".into(), 1))
        );
        let geo = serde_json::json!({"@type":"dse:P","@value":{"predicateType":"Geo","predicate":"inside","value":{"@type":"dse:Distance","@value":"DISTANCE((1.0 2.0) 3.0)"}}});
        assert_eq!(
            read_arg(&geo, 0).unwrap(),
            Arg::Predicate(Predicate::GeoInside(Shape::Circle {
                x: 1.0,
                y: 2.0,
                radius: 3.0
            }))
        );
        let and = serde_json::json!({"@type":"g:P","@value":{"predicate":"and","value":[
            {"@type":"g:P","@value":{"predicate":"gt","value":1}},
            {"@type":"g:P","@value":{"predicate":"lt","value":5}}]}});
        assert!(
            matches!(read_arg(&and, 0).unwrap(), Arg::Predicate(Predicate::And(ps)) if ps.len() == 2)
        );
    }
}
