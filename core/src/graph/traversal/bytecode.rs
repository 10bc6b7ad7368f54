//! Gremlin bytecode: the instructions of a traversal, written as GraphSON (`g:Bytecode`) the
//! way the Python driver's fluent API writes them, and read back.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::graph::graphson::{
    DecodeError, EncodeError, Encoder, GraphsonVersion, decode_json, invalid, member, tagged,
};
use crate::graph::json::{self, Json, Separators};
use crate::graph::predicate::Predicate;
use crate::graph::value::GraphValue;

/// The bytecode of a traversal: source instructions (`withSideEffect`...) and steps.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Bytecode {
    /// Instructions of the traversal source.
    pub source: Vec<Instruction>,
    /// The steps, in order.
    pub step: Vec<Instruction>,
}

/// One instruction: an operator (`V`, `has`, `out`...) and its arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct Instruction {
    /// The operator name as Gremlin spells it (`V`, `hasLabel`, `in`, `as`...).
    pub operator: String,
    /// The arguments.
    pub arguments: Vec<Argument>,
}

/// An argument of an instruction.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Argument {
    /// A value (strings, numbers, `T` and `Direction` tokens, null...).
    Value(GraphValue),
    /// A predicate.
    Predicate(Predicate),
    /// An anonymous traversal (`__.out()`), written as its bytecode.
    Traversal(Bytecode),
    /// An enumeration token other than `T` and `Direction`.
    Token(Token),
}

/// The enumeration tokens of Gremlin steps, written `{"@type": "g:<Kind>", "@value": name}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Token {
    /// A sort order (`g:Order`).
    Order(Order),
    /// A scope (`g:Scope`).
    Scope(Scope),
    /// A property cardinality (`g:Cardinality`).
    Cardinality(Cardinality),
    /// A map column (`g:Column`).
    Column(Column),
    /// Which of several labelled objects to pick (`g:Pop`).
    Pop(Pop),
}

macro_rules! tokens {
    ($(#[$doc:meta] $kind:ident, $tag:literal { $($(#[$vdoc:meta])* $variant:ident = $name:literal,)* })*) => {
        $(
            #[$doc]
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub enum $kind {
                $($(#[$vdoc])* $variant,)*
            }

            impl $kind {
                /// The GraphSON name.
                pub fn name(self) -> &'static str {
                    match self {
                        $($kind::$variant => $name,)*
                    }
                }

                /// The token of a GraphSON name.
                pub fn from_name(name: &str) -> Option<Self> {
                    match name {
                        $($name => Some($kind::$variant),)*
                        _ => None,
                    }
                }
            }

            impl From<$kind> for Token {
                fn from(t: $kind) -> Self {
                    Token::$kind(t)
                }
            }

            impl From<$kind> for Argument {
                fn from(t: $kind) -> Self {
                    Argument::Token(Token::$kind(t))
                }
            }
        )*

        impl Token {
            /// The GraphSON type (`g:Order`...) and name (`desc`...).
            pub fn graphson(self) -> (&'static str, &'static str) {
                match self {
                    $(Token::$kind(t) => ($tag, t.name()),)*
                }
            }

            /// The token of a GraphSON type and name.
            pub fn from_graphson(tag: &str, name: &str) -> Option<Self> {
                match tag {
                    $($tag => $kind::from_name(name).map(Token::$kind),)*
                    _ => None,
                }
            }
        }
    };
}

tokens! {
    /// The order of `order().by(...)`.
    Order, "g:Order" {
        /// Ascending.
        Asc = "asc",
        /// Descending.
        Desc = "desc",
        /// Random.
        Shuffle = "shuffle",
    }
    /// The scope of steps like `count(local)`.
    Scope, "g:Scope" {
        /// Per object.
        Local = "local",
        /// Over the whole stream.
        Global = "global",
    }
    /// The cardinality of `property(cardinality, key, value)`.
    Cardinality, "g:Cardinality" {
        /// One value.
        Single = "single",
        /// A list of values.
        List = "list",
        /// A set of values.
        Set = "set",
    }
    /// The column of a map entry.
    Column, "g:Column" {
        /// The keys.
        Keys = "keys",
        /// The values.
        Values = "values",
    }
    /// Which object a label picks when several carry it.
    Pop, "g:Pop" {
        /// The first.
        First = "first",
        /// The last.
        Last = "last",
        /// All of them.
        All = "all",
        /// One or all, as they come.
        Mixed = "mixed",
    }
}

impl Bytecode {
    /// The bytecode as GraphSON text of `version` (2.0 or 3.0), compact (`","`, `":"`) as
    /// the Python driver writes it.
    pub fn to_graphson(&self, version: GraphsonVersion) -> Result<String, EncodeError> {
        let json = self.to_json(&bytecode_encoder(version)?)?;
        Ok(json::to_string(&json, Separators::Compact))
    }

    pub(crate) fn to_json(&self, encoder: &Encoder) -> Result<Json, EncodeError> {
        let mut members = Vec::new();
        for (name, instructions) in [("source", &self.source), ("step", &self.step)] {
            if !instructions.is_empty() {
                let list = instructions
                    .iter()
                    .map(|i| i.to_json(encoder))
                    .collect::<Result<_, _>>()?;
                members.push((String::from(name), Json::Array(list)));
            }
        }
        Ok(tagged("g:Bytecode", Json::Object(members)))
    }

    /// Reads a `g:Bytecode` written in GraphSON 2.0 or 3.0.
    pub fn from_graphson(text: &str) -> Result<Bytecode, DecodeError> {
        Bytecode::from_json(&json::parse(text)?)
    }

    /// Reads a batch of traversals: a JSON array of `g:Bytecode`.
    pub fn batch_from_graphson(text: &str) -> Result<Vec<Bytecode>, DecodeError> {
        let json = json::parse(text)?;
        let items = json.as_array().ok_or_else(|| {
            invalid(
                "traversal batch",
                format!("expected an array, found {}", json.kind()),
            )
        })?;
        items.iter().map(Bytecode::from_json).collect()
    }

    /// Reads a `g:Bytecode` JSON tree.
    pub fn from_json(json: &Json) -> Result<Bytecode, DecodeError> {
        let tag = "g:Bytecode";
        let members = json
            .as_object()
            .filter(|m| member(m, "@type").and_then(Json::as_str) == Some(tag))
            .ok_or_else(|| invalid(tag, "not a g:Bytecode object"))?;
        let value = member(members, "@value")
            .and_then(Json::as_object)
            .ok_or_else(|| invalid(tag, "no `@value` object"))?;
        let instructions = |name: &str| match member(value, name) {
            None => Ok(Vec::new()),
            Some(Json::Array(list)) => list.iter().map(Instruction::from_json).collect(),
            Some(other) => Err(invalid(
                tag,
                format!("`{name}` is {}, not an array", other.kind()),
            )),
        };
        Ok(Bytecode {
            source: instructions("source")?,
            step: instructions("step")?,
        })
    }
}

/// The encoder of bytecode arguments; bytecode exists in GraphSON 2.0 and 3.0 only.
pub(crate) fn bytecode_encoder(version: GraphsonVersion) -> Result<Encoder, EncodeError> {
    match version {
        GraphsonVersion::V1 => Err(EncodeError::BytecodeVersion(version)),
        _ => Ok(Encoder {
            version,
            bytecode: true,
        }),
    }
}

impl Instruction {
    /// An instruction.
    pub fn new(operator: impl Into<String>, arguments: Vec<Argument>) -> Self {
        Instruction {
            operator: operator.into(),
            arguments,
        }
    }

    fn to_json(&self, encoder: &Encoder) -> Result<Json, EncodeError> {
        let mut items = Vec::with_capacity(self.arguments.len() + 1);
        items.push(Json::string(self.operator.clone()));
        for argument in &self.arguments {
            items.push(argument.to_json(encoder)?);
        }
        Ok(Json::Array(items))
    }

    fn from_json(json: &Json) -> Result<Instruction, DecodeError> {
        let tag = "g:Bytecode instruction";
        let items = json
            .as_array()
            .ok_or_else(|| invalid(tag, format!("expected an array, found {}", json.kind())))?;
        let (operator, arguments) = items
            .split_first()
            .ok_or_else(|| invalid(tag, "an instruction is empty"))?;
        let operator = operator
            .as_str()
            .ok_or_else(|| invalid(tag, "the operator is not a string"))?;
        Ok(Instruction {
            operator: String::from(operator),
            arguments: arguments
                .iter()
                .map(Argument::from_json)
                .collect::<Result<_, _>>()?,
        })
    }
}

impl Argument {
    fn to_json(&self, encoder: &Encoder) -> Result<Json, EncodeError> {
        match self {
            Argument::Value(v) => encoder.value(v),
            Argument::Predicate(p) => p.to_json(encoder),
            Argument::Traversal(b) => b.to_json(encoder),
            Argument::Token(t) => {
                let (tag, name) = t.graphson();
                Ok(tagged(tag, Json::string(name)))
            }
        }
    }

    /// Reads one argument: a predicate, a nested bytecode, a token, or else a GraphSON 3.0
    /// value (2.0's plain arrays and objects read as lists and maps).
    pub fn from_json(json: &Json) -> Result<Argument, DecodeError> {
        if let Some(p) = Predicate::from_json(json) {
            return p.map(Argument::Predicate);
        }
        if let Some(members) = json.as_object() {
            if let (Some(Json::String(tag)), Some(value)) =
                (member(members, "@type"), member(members, "@value"))
            {
                if tag == "g:Bytecode" {
                    return Bytecode::from_json(json).map(Argument::Traversal);
                }
                if let Some(name) = value.as_str() {
                    if let Some(token) = Token::from_graphson(tag, name) {
                        return Ok(Argument::Token(token));
                    }
                }
            }
        }
        decode_json(GraphsonVersion::V3, json).map(Argument::Value)
    }
}
