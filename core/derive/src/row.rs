//! `DeserializeRow` and `SerializeRow`: a struct read from / bound as a row, field by
//! column name.

use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{format_ident, quote};
use syn::{GenericParam, Generics, Lifetime, parse_quote};

use crate::attrs::Input;

/// The lifetime the value borrows from: the struct's own lifetime parameter if it has
/// one, else a fresh one added to the impl generics.
pub(crate) fn frame_generics(input: &Input<'_>) -> syn::Result<(Lifetime, Generics)> {
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
pub(crate) fn with_bounds(generics: &mut Generics, input: &Input<'_>, bound: &TokenStream2) {
    if input.generics.type_params().next().is_none() {
        return;
    }
    let wc = generics.make_where_clause();
    for f in input.fields.iter().filter(|f| !f.skip) {
        let ty = &f.ty;
        wc.predicates.push(parse_quote!(#ty: #bound));
    }
}

pub(crate) fn from_row(input: &Input<'_>) -> syn::Result<TokenStream2> {
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

pub(crate) fn serialize_row(input: &Input<'_>) -> syn::Result<TokenStream2> {
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
