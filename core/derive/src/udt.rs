//! `DeserializeValue`, `SerializeValue` and `UserType`: a struct mapped to a user-defined
//! type, field by name.

use proc_macro2::TokenStream as TokenStream2;
use quote::{format_ident, quote};
use syn::parse_quote;

use crate::attrs::{Input, snake_case};
use crate::row::{frame_generics, with_bounds};

/// Which trait a user-type derive implements.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum UdtSide {
    Deserialize,
    Serialize,
}

pub(crate) fn user_type(input: &Input<'_>, side: UdtSide) -> syn::Result<TokenStream2> {
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

/// `#[derive(UserType)]`: the value traits, `UserTypeModel` and `CqlType`.
pub(crate) fn user_type_model(input: &Input<'_>) -> syn::Result<TokenStream2> {
    input.allow(
        "UserType",
        &["crate", "type_name", "keyspace"],
        &["rename", "skip", "default", "type"],
    )?;
    let deserialize = user_type(input, UdtSide::Deserialize)?;
    let serialize = user_type(input, UdtSide::Serialize)?;
    let krate = &input.krate;
    let ident = input.ident;
    let support = quote!(#krate::types::derive_support);
    let column_type = quote!(#krate::types::ColumnType);
    let cql_type = quote!(#krate::mapper::CqlType);
    let type_name = input
        .attrs
        .type_name
        .clone()
        .unwrap_or_else(|| snake_case(&ident.to_string()));
    let keyspace = match &input.attrs.keyspace {
        Some(ks) => quote!(::core::option::Option::Some(#ks)),
        None => quote!(::core::option::Option::None),
    };
    let used: Vec<_> = input.fields.iter().filter(|f| !f.skip).collect();
    let fields = used.iter().map(|f| {
        let name = &f.name;
        let ty = &f.ty;
        let typ = match &f.cql_type {
            Some(text) => quote!(#krate::mapper::__private::parse_field_type(#text)),
            None => quote!(<#ty as #cql_type>::cql_type()),
        };
        quote!((::core::convert::Into::into(#name), #typ))
    });
    let mut generics = input.generics.clone();
    if input.generics.type_params().next().is_some() {
        let wc = generics.make_where_clause();
        for f in used.iter().filter(|f| f.cql_type.is_none()) {
            let ty = &f.ty;
            wc.predicates.push(parse_quote!(#ty: #cql_type));
        }
    }
    let (impl_g, ty_g, where_clause) = generics.split_for_impl();
    Ok(quote! {
        #deserialize
        #serialize

        #[automatically_derived]
        impl #impl_g #krate::mapper::UserTypeModel for #ident #ty_g #where_clause {
            fn keyspace() -> ::core::option::Option<&'static str> {
                #keyspace
            }

            fn type_name() -> &'static str {
                #type_name
            }

            fn fields() -> #support::Vec<(#support::String, #column_type)> {
                #support::Vec::from([ #( #fields ),* ])
            }
        }

        #[automatically_derived]
        impl #impl_g #cql_type for #ident #ty_g #where_clause {
            type Arg = Self;
            fn cql_type() -> #column_type {
                #krate::mapper::model::user_type_column::<Self>()
            }
        }
    })
}
