//! GraphSON 1.0, 2.0 and 3.0 writers: how a [`Value`] travels in a `gremlin` row.
//!
//! * 1.0 is untyped JSON: elements carry `"type": "vertex"`/`"edge"`, numbers are bare,
//!   maps are objects with string keys.
//! * 2.0 tags every non-string scalar (`{"@type": "g:Int32", "@value": 1}`) and every
//!   element; lists and maps stay plain JSON arrays and objects.
//! * 3.0 also tags collections: `g:List`, `g:Set`, `g:Map` (a flat `[k1, v1, k2, ...]`
//!   list with typed keys) and `g:BulkSet`.
//!
//! Inside a path, 2.0 and 3.0 write vertices as references (id and label only), as the
//! server detaches them; 1.0 writes them whole.

use super::json::{Json, base64};
use super::value::{Edge, Path, Property, Token, Value, Vertex, VertexProperty};

/// The GraphSON version of a request's results (`graph-results`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphsonVersion {
    /// `graphson-1.0`.
    V1,
    /// `graphson-2.0`.
    V2,
    /// `graphson-3.0`.
    V3,
}

impl GraphsonVersion {
    /// The version a `graph-results` payload value names.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "graphson-1.0" => Some(Self::V1),
            "graphson-2.0" => Some(Self::V2),
            "graphson-3.0" => Some(Self::V3),
            _ => None,
        }
    }

    /// The payload name (`graphson-2.0`).
    pub fn name(self) -> &'static str {
        match self {
            Self::V1 => "graphson-1.0",
            Self::V2 => "graphson-2.0",
            Self::V3 => "graphson-3.0",
        }
    }
}

/// One `gremlin` row: `{"result": ...}`, with `"bulk"` (a `g:Int64`) when one row
/// stands for `bulk > 1` equal results (2.0 and 3.0 traversal results).
pub fn row(result: &Value, bulk: i64, version: GraphsonVersion) -> String {
    let mut entries = vec![("result", write(result, version))];
    if bulk > 1 {
        let bulk = match version {
            GraphsonVersion::V1 => Json::int(bulk),
            _ => Json::typed("g:Int64", Json::int(bulk)),
        };
        entries.push(("bulk", bulk));
    }
    Json::object(entries).to_text()
}

/// A value in `version`'s JSON form.
pub fn write(value: &Value, version: GraphsonVersion) -> Json {
    Writer {
        version,
        in_path: false,
    }
    .value(value)
}

struct Writer {
    version: GraphsonVersion,
    in_path: bool,
}

impl Writer {
    fn typed(&self) -> bool {
        self.version != GraphsonVersion::V1
    }

    /// A typed scalar in 2.0/3.0, the bare JSON in 1.0.
    fn scalar(&self, tag: &str, json: Json) -> Json {
        if self.typed() {
            Json::typed(tag, json)
        } else {
            json
        }
    }

    fn value(&self, v: &Value) -> Json {
        match v {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Text(s) => Json::str(s),
            Value::Int16(n) => self.scalar("gx:Int16", Json::int(*n)),
            Value::Int32(n) => self.scalar("g:Int32", Json::int(*n)),
            Value::Int64(n) => self.scalar("g:Int64", Json::int(*n)),
            Value::Float(n) => self.scalar("g:Float", Json::double(f64::from(*n))),
            Value::Double(n) => self.scalar("g:Double", Json::double(*n)),
            Value::BigInteger(s) => self.scalar("gx:BigInteger", Json::Number(s.clone())),
            Value::BigDecimal(s) => match self.typed() {
                true => Json::typed("gx:BigDecimal", Json::str(s)),
                false => Json::Number(s.clone()),
            },
            Value::Uuid(u) => self.scalar("g:UUID", Json::str(u.to_string())),
            Value::Instant(s) => self.scalar("gx:Instant", Json::str(s)),
            Value::LocalDate(s) => self.scalar("gx:LocalDate", Json::str(s)),
            Value::LocalTime(s) => self.scalar("gx:LocalTime", Json::str(s)),
            Value::Duration(s) => self.scalar("gx:Duration", Json::str(s)),
            Value::Blob(b) => self.scalar("gx:ByteBuffer", Json::str(base64(b))),
            Value::Inet(s) => self.scalar("gx:InetAddress", Json::str(s)),
            Value::Point(s) => self.scalar("dse:Point", Json::str(s)),
            Value::LineString(s) => self.scalar("dse:LineString", Json::str(s)),
            Value::Polygon(s) => self.scalar("dse:Polygon", Json::str(s)),
            Value::Token(t) => self.token(*t),
            Value::List(items) => self.collection("g:List", items),
            Value::Set(items) => self.collection("g:Set", items),
            Value::BulkSet(items) => self.bulk_set(items),
            Value::Map(entries) => self.map(entries),
            Value::Vertex(v) => self.vertex(v),
            Value::Edge(e) => self.edge(e),
            Value::VertexProperty(p) => self.vertex_property(p, true),
            Value::Property(p) => self.property(p),
            Value::Path(p) => self.path(p),
        }
    }

    fn token(&self, t: Token) -> Json {
        let tag = if t.is_direction() {
            "g:Direction"
        } else {
            "g:T"
        };
        self.scalar(tag, Json::str(t.name()))
    }

    fn collection(&self, tag: &str, items: &[Value]) -> Json {
        let array = Json::Array(items.iter().map(|i| self.value(i)).collect());
        match self.version {
            GraphsonVersion::V3 => Json::typed(tag, array),
            _ => array,
        }
    }

    fn bulk_set(&self, items: &[(Value, i64)]) -> Json {
        if self.version == GraphsonVersion::V3 {
            let flat = items
                .iter()
                .flat_map(|(v, n)| [self.value(v), Json::typed("g:Int64", Json::int(*n))])
                .collect();
            return Json::typed("g:BulkSet", Json::Array(flat));
        }
        let expanded = items
            .iter()
            .flat_map(|(v, n)| {
                let count = usize::try_from(*n).unwrap_or(0);
                std::iter::repeat_n(self.value(v), count)
            })
            .collect();
        Json::Array(expanded)
    }

    fn map(&self, entries: &[(Value, Value)]) -> Json {
        if self.version == GraphsonVersion::V3 {
            let flat = entries
                .iter()
                .flat_map(|(k, v)| [self.value(k), self.value(v)])
                .collect();
            return Json::typed("g:Map", Json::Array(flat));
        }
        Json::Object(
            entries
                .iter()
                .map(|(k, v)| (key_text(k), self.value(v)))
                .collect(),
        )
    }

    fn element(&self, tag: &str, type_name: &str, mut fields: Vec<(String, Json)>) -> Json {
        if self.typed() {
            return Json::typed(tag, Json::Object(fields));
        }
        // 1.0: `type` after id and label.
        let at = fields.len().min(2);
        fields.insert(at, ("type".to_string(), Json::str(type_name)));
        Json::Object(fields)
    }

    fn vertex(&self, v: &Vertex) -> Json {
        let mut fields = vec![
            ("id".to_string(), self.value(&v.id)),
            ("label".to_string(), Json::str(&v.label)),
        ];
        let reference = self.in_path && self.typed();
        if !reference && !v.properties.is_empty() {
            let mut keys: Vec<&str> = Vec::new();
            for p in &v.properties {
                if !keys.contains(&p.label.as_str()) {
                    keys.push(&p.label);
                }
            }
            let grouped = keys
                .into_iter()
                .map(|k| {
                    let values = v
                        .properties
                        .iter()
                        .filter(|p| p.label == k)
                        .map(|p| self.vertex_property(p, false))
                        .collect();
                    (k.to_string(), Json::Array(values))
                })
                .collect();
            fields.push(("properties".to_string(), Json::Object(grouped)));
        }
        self.element("g:Vertex", "vertex", fields)
    }

    fn edge(&self, e: &Edge) -> Json {
        let mut fields = vec![
            ("id".to_string(), self.value(&e.id)),
            ("label".to_string(), Json::str(&e.label)),
            ("inVLabel".to_string(), Json::str(&e.in_v_label)),
            ("outVLabel".to_string(), Json::str(&e.out_v_label)),
            ("inV".to_string(), self.value(&e.in_v)),
            ("outV".to_string(), self.value(&e.out_v)),
        ];
        if !e.properties.is_empty() {
            let props = e
                .properties
                .iter()
                .map(|p| {
                    let v = match self.typed() {
                        true => self.property(p),
                        false => self.value(&p.value),
                    };
                    (p.key.clone(), v)
                })
                .collect();
            fields.push(("properties".to_string(), Json::Object(props)));
        }
        self.element("g:Edge", "edge", fields)
    }

    /// A vertex property: `{id, value, label, properties}` (`label` left out in 1.0
    /// inside a vertex, where the key says it).
    fn vertex_property(&self, p: &VertexProperty, top_level: bool) -> Json {
        let mut fields = vec![
            ("id".to_string(), self.value(&p.id)),
            ("value".to_string(), self.value(&p.value)),
        ];
        if self.typed() || top_level {
            fields.push(("label".to_string(), Json::str(&p.label)));
        }
        if !p.properties.is_empty() {
            let meta = p
                .properties
                .iter()
                .map(|m| (m.key.clone(), self.value(&m.value)))
                .collect();
            fields.push(("properties".to_string(), Json::Object(meta)));
        }
        match self.typed() {
            true => Json::typed("g:VertexProperty", Json::Object(fields)),
            false => Json::Object(fields),
        }
    }

    fn property(&self, p: &Property) -> Json {
        let fields = Json::object([("key", Json::str(&p.key)), ("value", self.value(&p.value))]);
        match self.typed() {
            true => Json::typed("g:Property", fields),
            false => fields,
        }
    }

    fn path(&self, p: &Path) -> Json {
        let inner = Writer {
            version: self.version,
            in_path: true,
        };
        let labels: Vec<Value> = p
            .labels
            .iter()
            .map(|l| Value::Set(l.iter().cloned().map(Value::Text).collect()))
            .collect();
        let labels = inner.collection("g:List", &labels);
        let objects = inner.collection("g:List", &p.objects);
        let fields = Json::object([("labels", labels), ("objects", objects)]);
        match self.typed() {
            true => Json::typed("g:Path", fields),
            false => fields,
        }
    }
}

/// A map key as a JSON object key (GraphSON 1.0 and 2.0): strings as they are, tokens by
/// name, anything else as its 1.0 JSON text (unquoted for strings).
fn key_text(k: &Value) -> String {
    match k {
        Value::Text(s) => s.clone(),
        Value::Token(t) => t.name().to_string(),
        other => match write(other, GraphsonVersion::V1) {
            Json::Str(s) | Json::Number(s) => s,
            json => json.to_text(),
        },
    }
}
