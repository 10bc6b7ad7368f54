//! Parsing a struct and its `#[cql(..)]` attributes, shared by every derive.
//!
//! All derives read the same attributes; each then refuses those it has no use for
//! ([`Input::allow`]), except the row and value derives, which ignore the mapper's so one
//! struct can derive `Model` and `SerializeRow`.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{
    Data, DeriveInput, Expr, Fields, GenericArgument, Generics, Ident, LitStr, Path, PathArguments,
    Type, parse_quote, token,
};

/// One field of the struct and what its attributes say.
pub(crate) struct Field {
    pub ident: Ident,
    pub ty: Type,
    /// The Rust field name (without `r#`).
    pub rust_name: String,
    /// Column (or UDT field) name.
    pub name: String,
    pub skip: bool,
    /// Bare `default`: `Default::default()` when the column is absent on read.
    pub default: bool,
    /// `default = <expr>`: the value written for a `None` on insert.
    pub default_expr: Option<Expr>,
    pub partition_key: bool,
    /// `clustering`: `Some(descending)`.
    pub clustering: Option<bool>,
    pub is_static: bool,
    /// `type = ".."`.
    pub cql_type: Option<LitStr>,
    pub frozen: bool,
    pub counter: bool,
    pub required: bool,
    pub discriminator: bool,
    pub index: Option<IndexAttr>,
    /// The attributes written on the field, with their spans.
    pub used: Vec<(&'static str, Span)>,
}

/// `index` or `index(..)` on a field.
#[derive(Default)]
pub(crate) struct IndexAttr {
    pub name: Option<String>,
    /// `keys`, `entries`, `full` or `values`; `None` is values.
    pub target: Option<&'static str>,
    pub custom: Option<String>,
    pub options: Vec<(String, String)>,
}

/// The struct's own attributes.
#[derive(Default)]
pub(crate) struct StructAttrs {
    pub table: Option<String>,
    pub keyspace: Option<String>,
    pub type_name: Option<String>,
    pub discriminator_value: Option<String>,
    /// `options(name = "literal", ..)` in order.
    pub options: Vec<(String, String)>,
    /// The attributes written on the struct, with their spans.
    pub used: Vec<(&'static str, Span)>,
}

/// The parsed struct.
pub(crate) struct Input<'a> {
    pub ident: &'a Ident,
    pub generics: &'a Generics,
    pub krate: Path,
    pub attrs: StructAttrs,
    pub fields: Vec<Field>,
}

/// Every field attribute (as [`Field::used`] names them).
pub(crate) const FIELD_KEYS: &[&str] = &[
    "rename",
    "skip",
    "default",
    "default = ..",
    "partition_key",
    "clustering",
    "static",
    "type",
    "frozen",
    "counter",
    "required",
    "discriminator",
    "index",
];

/// Every struct attribute (as [`StructAttrs::used`] names them).
pub(crate) const STRUCT_KEYS: &[&str] = &[
    "crate",
    "table",
    "keyspace",
    "type_name",
    "options",
    "discriminator_value",
];

/// Parses the `crate = ".."` attribute (and any other type attribute through `other`,
/// which says whether it knew it; `expected` lists them all for the error).
pub(crate) fn parse_struct_attrs(
    attrs: &[syn::Attribute],
    expected: &[&str],
    mut other: impl FnMut(&ParseNestedMeta<'_>) -> syn::Result<bool>,
) -> syn::Result<Path> {
    let mut krate: Path = parse_quote!(::cql_core);
    for attr in attrs.iter().filter(|a| a.path().is_ident("cql")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate") {
                krate = meta.value()?.parse::<LitStr>()?.parse()?;
                Ok(())
            } else if other(&meta)? {
                Ok(())
            } else {
                Err(meta.error(format!(
                    "unknown cql attribute on the type (expected {})",
                    list(expected)
                )))
            }
        })?;
    }
    Ok(krate)
}

/// `a`, `b` or `c`.
pub(crate) fn list(keys: &[&str]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

fn lit(meta: &ParseNestedMeta<'_>) -> syn::Result<String> {
    Ok(meta.value()?.parse::<LitStr>()?.value())
}

/// Fails when an attribute appears twice.
fn once(used: &[(&'static str, Span)], key: &'static str, span: Span) -> syn::Result<()> {
    if used.iter().any(|(k, _)| *k == key) {
        Err(syn::Error::new(span, format!("`{key}` is given twice")))
    } else {
        Ok(())
    }
}

/// `name = "literal", ..` pairs inside parentheses.
fn pairs(meta: &ParseNestedMeta<'_>) -> syn::Result<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = Vec::new();
    meta.parse_nested_meta(|m| {
        let key = m
            .path
            .get_ident()
            .map(|i| i.to_string().trim_start_matches("r#").to_string())
            .ok_or_else(|| m.error("expected a name"))?;
        if out.iter().any(|(k, _)| *k == key) {
            return Err(m.error(format!("`{key}` is given twice")));
        }
        out.push((key, lit(&m)?));
        Ok(())
    })?;
    Ok(out)
}

fn parse_index(meta: &ParseNestedMeta<'_>) -> syn::Result<IndexAttr> {
    let mut index = IndexAttr::default();
    if !meta.input.peek(token::Paren) {
        return Ok(index);
    }
    meta.parse_nested_meta(|m| {
        let target = ["keys", "entries", "full", "values"]
            .into_iter()
            .find(|t| m.path.is_ident(t));
        if let Some(t) = target {
            if let Some(prev) = index.target {
                return Err(m.error(format!(
                    "an index has one target: `{prev}` and `{t}` are both given"
                )));
            }
            index.target = Some(t);
        } else if m.path.is_ident("name") {
            index.name = Some(lit(&m)?);
        } else if m.path.is_ident("custom") {
            index.custom = Some(lit(&m)?);
        } else if m.path.is_ident("options") {
            index.options = pairs(&m)?;
        } else {
            return Err(m.error(
                "unknown index attribute (expected `name`, `keys`, `entries`, `full`, `values`, `custom` or `options`)",
            ));
        }
        Ok(())
    })?;
    Ok(index)
}

/// Parses one field's `#[cql(..)]` attributes.
fn parse_field(f: &syn::Field, ident: Ident) -> syn::Result<Field> {
    let rust_name = ident.to_string().trim_start_matches("r#").to_string();
    let mut field = Field {
        name: rust_name.clone(),
        rust_name,
        ident,
        ty: f.ty.clone(),
        skip: false,
        default: false,
        default_expr: None,
        partition_key: false,
        clustering: None,
        is_static: false,
        cql_type: None,
        frozen: false,
        counter: false,
        required: false,
        discriminator: false,
        index: None,
        used: Vec::new(),
    };
    for attr in f.attrs.iter().filter(|a| a.path().is_ident("cql")) {
        attr.parse_nested_meta(|meta| {
            let span = meta.path.span();
            let key = if meta.path.is_ident("rename") {
                field.name = lit(&meta)?;
                "rename"
            } else if meta.path.is_ident("skip") {
                field.skip = true;
                "skip"
            } else if meta.path.is_ident("default") {
                if meta.input.peek(syn::Token![=]) {
                    field.default_expr = Some(meta.value()?.parse::<Expr>()?);
                    "default = .."
                } else {
                    field.default = true;
                    "default"
                }
            } else if meta.path.is_ident("partition_key") {
                field.partition_key = true;
                "partition_key"
            } else if meta.path.is_ident("clustering") {
                let mut descending = false;
                if meta.input.peek(token::Paren) {
                    meta.parse_nested_meta(|m| {
                        if m.path.is_ident("desc") {
                            descending = true;
                        } else if m.path.is_ident("asc") {
                            descending = false;
                        } else {
                            return Err(m.error("expected `asc` or `desc`"));
                        }
                        Ok(())
                    })?;
                }
                field.clustering = Some(descending);
                "clustering"
            } else if meta.path.is_ident("static") {
                field.is_static = true;
                "static"
            } else if meta.path.is_ident("type") {
                field.cql_type = Some(meta.value()?.parse::<LitStr>()?);
                "type"
            } else if meta.path.is_ident("frozen") {
                field.frozen = true;
                "frozen"
            } else if meta.path.is_ident("counter") {
                field.counter = true;
                "counter"
            } else if meta.path.is_ident("required") {
                field.required = true;
                "required"
            } else if meta.path.is_ident("discriminator") {
                field.discriminator = true;
                "discriminator"
            } else if meta.path.is_ident("index") {
                field.index = Some(parse_index(&meta)?);
                "index"
            } else {
                return Err(meta.error(format!(
                    "unknown cql attribute on a field (expected {})",
                    list(FIELD_KEYS)
                )));
            };
            once(&field.used, key, span)?;
            field.used.push((key, span));
            Ok(())
        })?;
    }
    Ok(field)
}

/// Parses a struct with named fields and every `#[cql(..)]` attribute on it.
pub(crate) fn parse(input: &DeriveInput) -> syn::Result<Input<'_>> {
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "cql derives support structs with named fields only",
        ));
    };
    let Fields::Named(named) = &data.fields else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "cql derives support structs with named fields only",
        ));
    };
    let mut attrs = StructAttrs::default();
    let krate = parse_struct_attrs(&input.attrs, STRUCT_KEYS, |meta| {
        let span = meta.path.span();
        let key = if meta.path.is_ident("table") {
            attrs.table = Some(lit(meta)?);
            "table"
        } else if meta.path.is_ident("keyspace") {
            attrs.keyspace = Some(lit(meta)?);
            "keyspace"
        } else if meta.path.is_ident("type_name") {
            attrs.type_name = Some(lit(meta)?);
            "type_name"
        } else if meta.path.is_ident("discriminator_value") {
            attrs.discriminator_value = Some(lit(meta)?);
            "discriminator_value"
        } else if meta.path.is_ident("options") {
            let more = pairs(meta)?;
            for (k, v) in more {
                if attrs.options.iter().any(|(o, _)| *o == k) {
                    return Err(meta.error(format!("table option `{k}` is given twice")));
                }
                attrs.options.push((k, v));
            }
            attrs.used.push(("options", span));
            return Ok(true);
        } else {
            return Ok(false);
        };
        once(&attrs.used, key, span)?;
        attrs.used.push((key, span));
        Ok(true)
    })?;
    let mut fields: Vec<Field> = Vec::new();
    for f in &named.named {
        let Some(ident) = f.ident.clone() else {
            continue;
        };
        let field = parse_field(f, ident)?;
        if !field.skip {
            if let Some(prev) = fields.iter().find(|p| !p.skip && p.name == field.name) {
                return Err(syn::Error::new_spanned(
                    &field.ident,
                    format!(
                        "fields `{}` and `{}` both map to the name {:?}",
                        prev.ident, field.ident, field.name
                    ),
                ));
            }
        }
        fields.push(field);
    }
    Ok(Input {
        ident: &input.ident,
        generics: &input.generics,
        krate,
        attrs,
        fields,
    })
}

impl Input<'_> {
    /// Fails on the first attribute `derive` has no use for: struct attributes not in
    /// `on_struct`, field attributes not in `on_fields`.
    pub(crate) fn allow(
        &self,
        derive: &str,
        on_struct: &[&str],
        on_fields: &[&str],
    ) -> syn::Result<()> {
        for (key, span) in &self.attrs.used {
            if !on_struct.contains(key) {
                return Err(syn::Error::new(
                    *span,
                    format!(
                        "`{key}` is no attribute of #[derive({derive})] on a type (expected {})",
                        list(on_struct)
                    ),
                ));
            }
        }
        for f in &self.fields {
            for (key, span) in &f.used {
                if !on_fields.contains(key) {
                    return Err(syn::Error::new(
                        *span,
                        format!(
                            "`{key}` is no attribute of #[derive({derive})] on a field (expected {})",
                            list(on_fields)
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// `T` when `ty` is written `Option<T>` (any path ending in `Option`).
pub(crate) fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else {
        return None;
    };
    if p.qself.is_some() {
        return None;
    }
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let mut types = args.args.iter();
    match (types.next(), types.next()) {
        (Some(GenericArgument::Type(t)), None) => Some(t),
        _ => None,
    }
}

/// The name cqlengine gives a model's table (or a user type) by default: an underscore
/// between a lower-case letter and the upper-case letter after it, all in lower case, the
/// last 48 characters, leading underscores removed. `UserAccount` → `user_account`,
/// `HTTPServer` → `httpserver`.
pub(crate) fn snake_case(name: &str) -> String {
    let name = name.trim_start_matches("r#");
    let mut out = String::with_capacity(name.len() + 4);
    let mut prev_lower = false;
    for c in name.chars() {
        if prev_lower && c.is_ascii_uppercase() {
            out.push('_');
        }
        prev_lower = c.is_ascii_lowercase();
        out.push(c);
    }
    let chars: Vec<char> = out.chars().collect();
    let tail: String = chars
        .get(chars.len().saturating_sub(48)..)
        .unwrap_or_default()
        .iter()
        .collect();
    tail.to_lowercase().trim_start_matches('_').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_as_cqlengine() {
        assert_eq!(snake_case("User"), "user");
        assert_eq!(snake_case("UserAccount"), "user_account");
        assert_eq!(snake_case("HTTPServer"), "httpserver");
        assert_eq!(snake_case("Users2Fa"), "users2fa");
        assert_eq!(snake_case("_Private"), "private");
        assert_eq!(snake_case("already_snake"), "already_snake");
        let long = "A".repeat(60);
        assert_eq!(snake_case(&long).len(), 48);
    }

    #[test]
    fn options_are_found() {
        let t: Type = parse_quote!(Option<i32>);
        assert!(option_inner(&t).is_some());
        let t: Type = parse_quote!(::core::option::Option<String>);
        assert!(option_inner(&t).is_some());
        let t: Type = parse_quote!(Vec<Option<i32>>);
        assert!(option_inner(&t).is_none());
    }

    #[test]
    fn lists_read_well() {
        assert_eq!(list(&["a"]), "`a`");
        assert_eq!(list(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
