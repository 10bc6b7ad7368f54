//! Derive macros for `cql-core`'s row and value traits.
//!
//! Each derive is named after the trait it implements, as with serde.
//!
//! * `#[derive(DeserializeRow)]` implements `DeserializeRow` for a struct with named fields:
//!   each field reads the column of the same name (any column order; extra columns are
//!   ignored). The struct is type-checked once per page against the column specs, with
//!   an error naming the missing or mistyped column. Fields may borrow from the frame
//!   (`&'a str`, `&'a [u8]`) when the struct has one lifetime parameter.
//! * `#[derive(SerializeRow)]` implements `SerializeRow`: each bind marker gets the field of
//!   the same name; every marker needs a field and every field a marker.
//! * `#[derive(DeserializeValue)]` and `#[derive(SerializeValue)]` implement those traits
//!   for a struct mapped to a user-defined type, field by field by name (UDT fields the
//!   struct lacks read nothing and are written as null); derive both to read and write it.
//!
//! Attributes:
//! * on the struct: `#[cql(crate = "path::to::cql_core")]` when `cql_core` is not a direct
//!   dependency (for instance through a re-export);
//! * on a field: `#[cql(rename = "column_name")]`, `#[cql(skip)]` (never read or written;
//!   `Default::default()` when reading), `#[cql(default)]` (reading: `Default::default()`
//!   when the column or UDT field is absent).
//!
//! The generated code names `cql_core` items only: this crate does not depend on it.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{format_ident, quote};
use syn::{
    Data, DeriveInput, Fields, GenericParam, Generics, Ident, Lifetime, LitStr, Path, Type,
    parse_macro_input, parse_quote,
};

/// Implements `cql_core::types::DeserializeRow` for a struct with named fields, matching
/// fields to columns by name. See the [crate docs](crate).
#[proc_macro_derive(DeserializeRow, attributes(cql))]
pub fn derive_deserialize_row(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input, from_row)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Implements `cql_core::types::SerializeRow` for a struct with named fields, binding each
/// field to the bind marker of the same name. See the [crate docs](crate).
#[proc_macro_derive(SerializeRow, attributes(cql))]
pub fn derive_serialize_row(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input, serialize_row)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Implements `cql_core::types::DeserializeValue` for a struct mapped to a user-defined
/// type by field name. See the [crate docs](crate).
#[proc_macro_derive(DeserializeValue, attributes(cql))]
pub fn derive_deserialize_value(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input, |i| user_type(i, UdtSide::Deserialize))
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Implements `cql_core::types::SerializeValue` for a struct mapped to a user-defined type
/// by field name. See the [crate docs](crate).
#[proc_macro_derive(SerializeValue, attributes(cql))]
pub fn derive_serialize_value(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input, |i| user_type(i, UdtSide::Serialize))
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Which trait a user-type derive implements.
#[derive(Clone, Copy, PartialEq, Eq)]
enum UdtSide {
    Deserialize,
    Serialize,
}

/// One field of the struct and what its attributes say.
struct Field {
    ident: Ident,
    ty: Type,
    /// Column (or UDT field) name.
    name: String,
    skip: bool,
    default: bool,
}

/// The parsed struct.
struct Input<'a> {
    ident: &'a Ident,
    generics: &'a Generics,
    krate: Path,
    fields: Vec<Field>,
}

fn expand(
    input: &DeriveInput,
    generate: fn(&Input<'_>) -> syn::Result<TokenStream2>,
) -> syn::Result<TokenStream2> {
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
    let mut krate: Path = parse_quote!(::cql_core);
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("cql")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate") {
                krate = meta.value()?.parse::<LitStr>()?.parse()?;
                Ok(())
            } else {
                Err(meta.error("unknown cql attribute on the struct (expected `crate`)"))
            }
        })?;
    }
    let mut fields = Vec::new();
    for f in &named.named {
        let Some(ident) = f.ident.clone() else {
            continue;
        };
        let mut field = Field {
            name: ident.to_string().trim_start_matches("r#").to_string(),
            ident,
            ty: f.ty.clone(),
            skip: false,
            default: false,
        };
        for attr in f.attrs.iter().filter(|a| a.path().is_ident("cql")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    field.name = meta.value()?.parse::<LitStr>()?.value();
                } else if meta.path.is_ident("skip") {
                    field.skip = true;
                } else if meta.path.is_ident("default") {
                    field.default = true;
                } else {
                    return Err(meta.error(
                        "unknown cql attribute on a field (expected `rename`, `skip` or `default`)",
                    ));
                }
                Ok(())
            })?;
        }
        if !field.skip {
            if let Some(prev) = fields
                .iter()
                .find(|p: &&Field| !p.skip && p.name == field.name)
            {
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
    generate(&Input {
        ident: &input.ident,
        generics: &input.generics,
        krate,
        fields,
    })
}

/// The lifetime the value borrows from: the struct's own lifetime parameter if it has
/// one, else a fresh one added to the impl generics.
fn frame_generics(input: &Input<'_>) -> syn::Result<(Lifetime, Generics)> {
    let lifetimes: Vec<_> = input.generics.lifetimes().collect();
    match lifetimes.as_slice() {
        [] => {
            let lt = Lifetime::new("'__frame", Span::call_site());
            let mut g = input.generics.clone();
            g.params
                .insert(0, GenericParam::Lifetime(parse_quote!(#lt)));
            Ok((lt, g))
        }
        [one] => Ok((one.lifetime.clone(), input.generics.clone())),
        _ => Err(syn::Error::new_spanned(
            input.generics,
            "cql derives support at most one lifetime parameter (the frame's)",
        )),
    }
}

/// `where` bounds `FieldType: bound` for every field that is read or written.
fn with_bounds(generics: &mut Generics, input: &Input<'_>, bound: &TokenStream2) {
    if input.generics.type_params().next().is_none() {
        return;
    }
    let wc = generics.make_where_clause();
    for f in input.fields.iter().filter(|f| !f.skip) {
        let ty = &f.ty;
        wc.predicates.push(parse_quote!(#ty: #bound));
    }
}

fn from_row(input: &Input<'_>) -> syn::Result<TokenStream2> {
    let krate = &input.krate;
    let ident = input.ident;
    let (lt, mut impl_generics) = frame_generics(input)?;
    with_bounds(
        &mut impl_generics,
        input,
        &quote!(#krate::types::DeserializeValue<#lt>),
    );
    let (impl_g, _, where_clause) = impl_generics.split_for_impl();
    let (_, ty_g, _) = input.generics.split_for_impl();
    let support = quote!(#krate::types::derive_support);
    let err = quote!(#krate::types::DeserializeError);

    let read: Vec<_> = input.fields.iter().filter(|f| !f.skip).collect();
    let checks = read.iter().map(|f| {
        let (name, ty) = (&f.name, &f.ty);
        let check = quote! {
            <#ty as #krate::types::DeserializeValue<#lt>>::type_check(&spec.typ)
                .map_err(|e| e.in_column(index, &spec.name))?;
        };
        if f.default {
            quote! {
                if let ::core::result::Result::Ok((index, spec)) = #support::find_column(specs, #name) {
                    #check
                }
            }
        } else {
            quote! {
                let (index, spec) = #support::find_column(specs, #name)?;
                #check
            }
        }
    });
    let slots: Vec<_> = read
        .iter()
        .map(|f| format_ident!("__cql_{}", f.ident))
        .collect();
    let decls = read.iter().zip(&slots).map(|(f, slot)| {
        let ty = &f.ty;
        quote!(let mut #slot: ::core::option::Option<#ty> = ::core::option::Option::None;)
    });
    let arms = read.iter().zip(&slots).map(|(f, slot)| {
        let (name, ty) = (&f.name, &f.ty);
        quote! {
            #name => {
                #slot = ::core::option::Option::Some(
                    <#ty as #krate::types::DeserializeValue<#lt>>::deserialize(&col.spec.typ, col.bytes)
                        .map_err(|e| e.in_column(index, &col.spec.name))?,
                );
            }
        }
    });
    let inits = input.fields.iter().map(|f| {
        let id = &f.ident;
        if f.skip {
            return quote!(#id: ::core::default::Default::default());
        }
        let slot = format_ident!("__cql_{}", f.ident);
        let name = &f.name;
        if f.default {
            quote!(#id: #slot.unwrap_or_default())
        } else {
            quote! {
                #id: match #slot {
                    ::core::option::Option::Some(v) => v,
                    ::core::option::Option::None => {
                        return ::core::result::Result::Err(#err::MissingColumn(#name.into()));
                    }
                }
            }
        }
    });
    Ok(quote! {
        #[automatically_derived]
        impl #impl_g #krate::types::DeserializeRow<#lt> for #ident #ty_g #where_clause {
            fn type_check(specs: &[#krate::types::ColumnSpec]) -> ::core::result::Result<(), #err> {
                #( { #checks } )*
                ::core::result::Result::Ok(())
            }

            fn deserialize(
                row: &mut #krate::types::ColumnIterator<#lt>,
            ) -> ::core::result::Result<Self, #err> {
                #( #decls )*
                let mut index = 0usize;
                while let ::core::option::Option::Some(col) = row.next_column() {
                    let col = col?;
                    match col.spec.name.as_str() {
                        #( #arms )*
                        _ => {}
                    }
                    index += 1;
                }
                let _ = index;
                ::core::result::Result::Ok(Self { #( #inits, )* })
            }
        }
    })
}

fn serialize_row(input: &Input<'_>) -> syn::Result<TokenStream2> {
    let krate = &input.krate;
    let ident = input.ident;
    let mut generics = input.generics.clone();
    with_bounds(&mut generics, input, &quote!(#krate::types::SerializeValue));
    let (impl_g, ty_g, where_clause) = generics.split_for_impl();
    let support = quote!(#krate::types::derive_support);
    let err = quote!(#krate::types::SerializeError);
    let written: Vec<_> = input.fields.iter().filter(|f| !f.skip).collect();
    let names = written.iter().map(|f| &f.name);
    let arms = written.iter().map(|f| {
        let (name, id) = (&f.name, &f.ident);
        quote! {
            #name => out
                .add_framed(|buf| #krate::types::SerializeValue::serialize(&self.#id, &spec.typ, buf))
                .map_err(|e| e.in_column(&spec.name))?,
        }
    });
    Ok(quote! {
        #[automatically_derived]
        impl #impl_g #krate::types::SerializeRow for #ident #ty_g #where_clause {
            fn serialize_row(
                &self,
                specs: &[#krate::types::ColumnSpec],
                out: &mut #krate::types::SerializedValues,
            ) -> ::core::result::Result<(), #err> {
                #(
                    if !#support::has_column(specs, #names) {
                        return ::core::result::Result::Err(#err::UnknownColumn(#names.into()));
                    }
                )*
                for spec in specs {
                    match spec.name.as_str() {
                        #( #arms )*
                        other => {
                            return ::core::result::Result::Err(#err::MissingColumn(other.into()));
                        }
                    }
                }
                ::core::result::Result::Ok(())
            }
        }
    })
}

fn user_type(input: &Input<'_>, side: UdtSide) -> syn::Result<TokenStream2> {
    let krate = &input.krate;
    let ident = input.ident;
    let rust_name = ident.to_string();
    let support = quote!(#krate::types::derive_support);
    let derr = quote!(#krate::types::DeserializeError);
    let serr = quote!(#krate::types::SerializeError);
    let (lt, mut de_generics) = frame_generics(input)?;
    with_bounds(
        &mut de_generics,
        input,
        &quote!(#krate::types::DeserializeValue<#lt>),
    );
    let (de_impl_g, _, de_where) = de_generics.split_for_impl();
    let mut ser_generics = input.generics.clone();
    with_bounds(
        &mut ser_generics,
        input,
        &quote!(#krate::types::SerializeValue),
    );
    let (ser_impl_g, ty_g, ser_where) = ser_generics.split_for_impl();

    let used: Vec<_> = input.fields.iter().filter(|f| !f.skip).collect();
    let checks = used.iter().map(|f| {
        let (name, ty) = (&f.name, &f.ty);
        let check = quote! {
            <#ty as #krate::types::DeserializeValue<#lt>>::type_check(t)
                .map_err(|e| e.in_field(#name))?;
        };
        if f.default {
            quote! {
                if let ::core::result::Result::Ok(t) = #support::udt_field_type(fields, #name) {
                    #check
                }
            }
        } else {
            quote! {
                let t = #support::udt_field_type(fields, #name)?;
                #check
            }
        }
    });
    let slots: Vec<_> = used
        .iter()
        .map(|f| format_ident!("__cql_{}", f.ident))
        .collect();
    let decls = used.iter().zip(&slots).map(|(f, slot)| {
        let ty = &f.ty;
        quote!(let mut #slot: ::core::option::Option<#ty> = ::core::option::Option::None;)
    });
    let de_arms = used.iter().zip(&slots).map(|(f, slot)| {
        let (name, ty) = (&f.name, &f.ty);
        quote! {
            #name => {
                #slot = ::core::option::Option::Some(
                    <#ty as #krate::types::DeserializeValue<#lt>>::deserialize(t, cell)
                        .map_err(|e| e.in_field(#name))?,
                );
            }
        }
    });
    let inits = input.fields.iter().map(|f| {
        let id = &f.ident;
        if f.skip {
            return quote!(#id: ::core::default::Default::default());
        }
        let slot = format_ident!("__cql_{}", f.ident);
        let name = &f.name;
        if f.default {
            quote!(#id: #slot.unwrap_or_default())
        } else {
            quote! {
                #id: match #slot {
                    ::core::option::Option::Some(v) => v,
                    ::core::option::Option::None => {
                        return ::core::result::Result::Err(#derr::MissingField(#name.into()));
                    }
                }
            }
        }
    });
    let names = used.iter().map(|f| &f.name);
    let ser_arms = used.iter().map(|f| {
        let (name, id) = (&f.name, &f.ident);
        quote! {
            #name => #krate::types::SerializeValue::serialize(&self.#id, t, out)
                .map_err(|e| e.in_field(#name))?,
        }
    });
    let deserialize = quote! {
        #[automatically_derived]
        impl #de_impl_g #krate::types::DeserializeValue<#lt> for #ident #ty_g #de_where {
            fn type_check(typ: &#krate::types::ColumnType) -> ::core::result::Result<(), #derr> {
                let fields = #support::udt_fields(typ, #rust_name)?;
                #( { #checks } )*
                let _ = fields;
                ::core::result::Result::Ok(())
            }

            fn deserialize(
                typ: &#lt #krate::types::ColumnType,
                bytes: ::core::option::Option<&#lt [u8]>,
            ) -> ::core::result::Result<Self, #derr> {
                let fields = #support::udt_fields(typ, #rust_name)?;
                let mut reader = #support::udt_reader(typ, bytes, #rust_name)?;
                #( #decls )*
                for (name, t) in fields {
                    let cell = #support::udt_next_field(&mut reader)?;
                    match name.as_str() {
                        #( #de_arms )*
                        _ => { let _ = (t, cell); }
                    }
                }
                #support::udt_finish(&reader)?;
                ::core::result::Result::Ok(Self { #( #inits, )* })
            }
        }
    };
    let serialize = quote! {
        #[automatically_derived]
        impl #ser_impl_g #krate::types::SerializeValue for #ident #ty_g #ser_where {
            fn serialize(
                &self,
                typ: &#krate::types::ColumnType,
                out: &mut #support::Vec<u8>,
            ) -> ::core::result::Result<(), #serr> {
                let fields = #support::udt_fields_to_write(typ, #rust_name)?;
                #(
                    if !fields.iter().any(|(n, _)| n == #names) {
                        return ::core::result::Result::Err(#serr::UnknownField(#names.into()));
                    }
                )*
                #support::write_value(out, |out| {
                    for (name, t) in fields {
                        match name.as_str() {
                            #( #ser_arms )*
                            _ => { let _ = t; #support::write_null(out) }
                        }
                    }
                    ::core::result::Result::Ok(())
                })
            }
        }
    };
    Ok(match side {
        UdtSide::Deserialize => deserialize,
        UdtSide::Serialize => serialize,
    })
}
