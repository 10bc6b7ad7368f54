//! `#[derive(Polymorphic)]`: an enum of models sharing one table, told apart by their
//! discriminator column.

use proc_macro2::TokenStream as TokenStream2;
use quote::quote;
use syn::{Data, DeriveInput, Fields, Ident, Type};

use crate::attrs::parse_struct_attrs;

pub(crate) fn polymorphic(input: &DeriveInput) -> syn::Result<TokenStream2> {
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "#[derive(Polymorphic)] is for an enum whose variants each hold one model: `enum Animal { Cat(Cat), Dog(Dog) }`",
        ));
    };
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &input.generics,
            "#[derive(Polymorphic)] needs an enum without generic or lifetime parameters",
        ));
    }
    let krate = parse_struct_attrs(&input.attrs, &["crate"], |_| Ok(false))?;
    let mut variants: Vec<(&Ident, &Type)> = Vec::new();
    for v in &data.variants {
        if let Some(attr) = v.attrs.iter().find(|a| a.path().is_ident("cql")) {
            return Err(syn::Error::new_spanned(
                attr,
                "#[derive(Polymorphic)] has no variant attributes: put #[cql(discriminator_value = \"..\")] on the variant's model",
            ));
        }
        let ty = match &v.fields {
            Fields::Unnamed(f) if f.unnamed.len() == 1 => f.unnamed.first().map(|f| &f.ty),
            _ => None,
        };
        let Some(ty) = ty else {
            return Err(syn::Error::new_spanned(
                v,
                "each variant holds one model: `Cat(Cat)`",
            ));
        };
        variants.push((&v.ident, ty));
    }
    let Some((_, first)) = variants.first() else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "#[derive(Polymorphic)] needs at least one variant",
        ));
    };

    let ident = &input.ident;
    let name = ident.to_string();
    let mapper = quote!(#krate::mapper);
    let types = quote!(#krate::types);
    let support = quote!(#krate::types::derive_support);
    let result = quote!(::core::result::Result);
    let idents: Vec<_> = variants.iter().map(|(i, _)| *i).collect();
    let tys: Vec<_> = variants.iter().map(|(_, t)| *t).collect();
    let from = variants.iter().map(|(v, ty)| {
        quote! {
            #[automatically_derived]
            impl ::core::convert::From<#ty> for #ident {
                fn from(value: #ty) -> Self {
                    Self::#v(value)
                }
            }
        }
    });

    Ok(quote! {
        #[automatically_derived]
        impl #mapper::Model for #ident {
            fn schema() -> #result<&'static #mapper::ModelSchema, #mapper::SchemaError> {
                static SCHEMA: #mapper::__private::Once<
                    #result<#mapper::ModelSchema, #mapper::SchemaError>,
                > = #mapper::__private::Once::new();
                SCHEMA
                    .call_once(|| -> #result<#mapper::ModelSchema, #mapper::SchemaError> {
                        #mapper::model_merge::merge_polymorphic(
                            #name,
                            &[ #( <#tys as #mapper::Model>::schema()? ),* ],
                        )
                    })
                    .as_ref()
                    .map_err(::core::clone::Clone::clone)
            }

            fn serialize_column(
                &self,
                column: usize,
                typ: &#types::ColumnType,
                out: &mut #support::Vec<u8>,
            ) -> #result<(), #types::SerializeError> {
                let union = <Self as #mapper::Model>::schema()
                    .map_err(|e| #krate::mapper::__private::schema_error_writing(&e))?;
                match self {
                    #( Self::#idents(value) => #krate::mapper::__private::variant_serialize_column(value, union, column, typ, out), )*
                }
            }

            fn column_is_null(&self, column: usize) -> bool {
                let #result::Ok(union) = <Self as #mapper::Model>::schema() else {
                    return true;
                };
                match self {
                    #( Self::#idents(value) => #krate::mapper::__private::variant_column_is_null(value, union, column), )*
                }
            }

            fn write_default(
                column: usize,
                typ: &#types::ColumnType,
                out: &mut #support::Vec<u8>,
            ) -> #result<bool, #types::SerializeError> {
                let union = <Self as #mapper::Model>::schema()
                    .map_err(|e| #krate::mapper::__private::schema_error_writing(&e))?;
                #krate::mapper::__private::variant_write_default::<#first>(union, column, typ, out)
            }
        }

        #[automatically_derived]
        impl<'__frame> #types::DeserializeRow<'__frame> for #ident {
            fn type_check(specs: &[#types::ColumnSpec]) -> #result<(), #types::DeserializeError> {
                let union = <Self as #mapper::Model>::schema()
                    .map_err(|e| #krate::mapper::__private::schema_error_reading(&e))?;
                #krate::mapper::__private::check_discriminator(specs, union)?;
                #( <#tys as #types::DeserializeRow<'__frame>>::type_check(specs)?; )*
                #result::Ok(())
            }

            fn deserialize(
                row: &mut #types::ColumnIterator<'__frame>,
            ) -> #result<Self, #types::DeserializeError> {
                let union = <Self as #mapper::Model>::schema()
                    .map_err(|e| #krate::mapper::__private::schema_error_reading(&e))?;
                let value = #krate::mapper::__private::read_discriminator(row, union)?;
                #(
                    if #krate::mapper::__private::is_variant::<#tys>(value)? {
                        return #result::Ok(Self::#idents(
                            <#tys as #types::DeserializeRow<'__frame>>::deserialize(row)?,
                        ));
                    }
                )*
                #result::Err(#krate::mapper::__private::unknown_discriminator(#name, value))
            }
        }

        #( #from )*
    })
}
