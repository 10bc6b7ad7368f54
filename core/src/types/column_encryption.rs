//! Client-side column encryption, compatible with the Python driver's
//! `AES256ColumnEncryptionPolicy`.
//!
//! An encrypted column is declared `blob` in the schema. The value stored in it is
//! `IV ‖ AES-256-CBC(key, IV, PKCS#7(plaintext))`, where the plaintext is the ordinary CQL
//! serialization of the value as the column's real type (an `int` column's 42 is encrypted
//! from `0000002a`). Each column has its own 32-byte key; one 16-byte IV serves the whole
//! policy when encrypting (so equal values encrypt equally), while decryption takes the IV
//! from the value itself.
//!
//! [`ColumnEncryptionPolicy`] holds the keys and types per `(keyspace, table, column)`;
//! [`EncryptedColumn`] encrypts and decrypts the values of one column.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};

use super::{ColumnType, DeserializeError, DeserializeValue, SerializeError, SerializeValue};

/// Bytes of an AES-256 key.
pub const KEY_LEN: usize = 32;
/// Bytes of a CBC initialization vector (the AES block size).
pub const IV_LEN: usize = 16;
/// Bytes of an AES block.
const BLOCK_LEN: usize = 16;

type Encryptor = cbc::Encryptor<aes::Aes256>;
type Decryptor = cbc::Decryptor<aes::Aes256>;

/// Column encryption could not be set up, or a value could not be encrypted or decrypted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ColumnEncryptionError {
    /// The key is not 32 bytes.
    #[error("AES-256 column encryption needs a 32-byte key, got {0} bytes")]
    KeyLength(usize),
    /// The IV is not 16 bytes.
    #[error("AES-256-CBC column encryption needs a 16-byte IV, got {0} bytes")]
    IvLength(usize),
    /// The encrypted value cannot be an IV followed by whole cipher blocks.
    #[error(
        "encrypted value of {0} bytes: it must be a 16-byte IV followed by one or more 16-byte blocks"
    )]
    CiphertextLength(usize),
    /// The decrypted bytes do not end in valid PKCS#7 padding: a wrong key, or a value this
    /// policy did not encrypt.
    #[error(
        "decrypted value has invalid PKCS#7 padding (wrong key, or not encrypted by this policy)"
    )]
    Padding,
    /// The policy has no key for the column.
    #[error("no encryption key for column {keyspace}.{table}.{column}")]
    UnknownColumn {
        /// Keyspace of the column.
        keyspace: Box<str>,
        /// Table of the column.
        table: Box<str>,
        /// Column name.
        column: Box<str>,
    },
    /// The value could not be serialized as the column's type.
    #[error(transparent)]
    Serialize(#[from] SerializeError),
    /// The decrypted bytes could not be read as the requested Rust type.
    #[error(transparent)]
    Deserialize(#[from] DeserializeError),
}

fn key_array(key: &[u8]) -> Result<[u8; KEY_LEN], ColumnEncryptionError> {
    key.try_into()
        .map_err(|_| ColumnEncryptionError::KeyLength(key.len()))
}

fn iv_array(iv: &[u8]) -> Result<[u8; IV_LEN], ColumnEncryptionError> {
    iv.try_into()
        .map_err(|_| ColumnEncryptionError::IvLength(iv.len()))
}

/// AES-256-CBC with PKCS#7 padding under one key.
#[derive(Clone)]
pub struct ColumnCipher {
    key: [u8; KEY_LEN],
}

impl core::fmt::Debug for ColumnCipher {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("ColumnCipher { key: <redacted> }")
    }
}

impl ColumnCipher {
    /// A cipher under `key`.
    ///
    /// # Errors
    /// [`ColumnEncryptionError::KeyLength`] unless the key is 32 bytes.
    pub fn new(key: &[u8]) -> Result<Self, ColumnEncryptionError> {
        Ok(ColumnCipher {
            key: key_array(key)?,
        })
    }

    /// `iv ‖ AES-256-CBC(key, iv, PKCS#7(plaintext))`. A plaintext whose length is a
    /// multiple of 16 (empty included) gains a whole padding block.
    pub fn encrypt(&self, iv: &[u8; IV_LEN], plaintext: &[u8]) -> Vec<u8> {
        let encrypted = Encryptor::new(&self.key.into(), &(*iv).into())
            .encrypt_padded_vec_mut::<Pkcs7>(plaintext);
        let mut out = Vec::with_capacity(IV_LEN + encrypted.len());
        out.extend_from_slice(iv);
        out.extend_from_slice(&encrypted);
        out
    }

    /// The plaintext of `iv ‖ ciphertext`, with the IV taken from the value.
    ///
    /// # Errors
    /// [`ColumnEncryptionError::CiphertextLength`] when the value is not an IV and whole
    /// blocks, [`ColumnEncryptionError::Padding`] when the padding is invalid.
    pub fn decrypt(&self, value: &[u8]) -> Result<Vec<u8>, ColumnEncryptionError> {
        let length_error = ColumnEncryptionError::CiphertextLength(value.len());
        let (iv, blocks) = value.split_at_checked(IV_LEN).ok_or(length_error.clone())?;
        if blocks.is_empty() || blocks.len() % BLOCK_LEN != 0 {
            return Err(length_error);
        }
        let iv: [u8; IV_LEN] = iv_array(iv)?;
        Decryptor::new(&self.key.into(), &iv.into())
            .decrypt_padded_vec_mut::<Pkcs7>(blocks)
            .map_err(|_| ColumnEncryptionError::Padding)
    }
}

/// One encrypted column: its name, its real CQL type, its key and the IV it encrypts with.
#[derive(Debug, Clone)]
pub struct EncryptedColumn {
    /// Keyspace of the column.
    pub keyspace: String,
    /// Table of the column.
    pub table: String,
    /// Column name.
    pub name: String,
    /// The type values have before encryption (the schema declares the column `blob`).
    pub typ: ColumnType,
    cipher: ColumnCipher,
    iv: [u8; IV_LEN],
}

impl EncryptedColumn {
    /// Encrypts already serialized bytes of a value.
    pub fn encrypt(&self, plaintext: &[u8]) -> Vec<u8> {
        self.cipher.encrypt(&self.iv, plaintext)
    }

    /// Decrypts a stored value to the serialized bytes of the column's type.
    ///
    /// # Errors
    /// See [`ColumnCipher::decrypt`].
    pub fn decrypt(&self, value: &[u8]) -> Result<Vec<u8>, ColumnEncryptionError> {
        self.cipher.decrypt(value)
    }

    /// Serializes `value` as the column's type and encrypts it: the bytes to bind as the
    /// `blob` column. `None` when the value is null or unset, which is sent as it is.
    ///
    /// Unlike the Python driver's `encode_and_encrypt`, which refuses every falsy value,
    /// `0`, `""` and `false` are encrypted like any other value (as its bind path does).
    ///
    /// # Errors
    /// [`ColumnEncryptionError::Serialize`] when the value does not fit the column's type.
    pub fn encrypt_value<T: SerializeValue + ?Sized>(
        &self,
        value: &T,
    ) -> Result<Option<Vec<u8>>, ColumnEncryptionError> {
        let mut framed = Vec::new();
        value.serialize(&self.typ, &mut framed)?;
        let (length, plaintext) = framed.split_at_checked(4).unwrap_or((&[], &[]));
        let length = <[u8; 4]>::try_from(length).map_or(-1, i32::from_be_bytes);
        Ok((length >= 0).then(|| self.encrypt(plaintext)))
    }

    /// Decrypts a stored value (`None` is null) and reads it as `T` from the column's type.
    ///
    /// # Errors
    /// Decryption errors, or [`ColumnEncryptionError::Deserialize`] when the plaintext does
    /// not read as `T` (including null into a non-`Option`).
    pub fn decrypt_value<T: for<'a> DeserializeValue<'a>>(
        &self,
        value: Option<&[u8]>,
    ) -> Result<T, ColumnEncryptionError> {
        match value {
            None => Ok(T::deserialize(&self.typ, None)?),
            Some(value) => {
                let plaintext = self.decrypt(value)?;
                Ok(T::deserialize(&self.typ, Some(&plaintext))?)
            }
        }
    }
}

/// Keys and types of the encrypted columns, and the IV values are encrypted with: the
/// counterpart of the Python driver's `AES256ColumnEncryptionPolicy`.
#[derive(Debug, Clone)]
pub struct ColumnEncryptionPolicy {
    iv: [u8; IV_LEN],
    columns: Vec<EncryptedColumn>,
}

impl ColumnEncryptionPolicy {
    /// A policy encrypting with `iv` (keep it: it is written in front of every value, but
    /// a new policy must use the same one to encrypt equal values equally).
    ///
    /// # Errors
    /// [`ColumnEncryptionError::IvLength`] unless the IV is 16 bytes.
    pub fn new(iv: &[u8]) -> Result<Self, ColumnEncryptionError> {
        Ok(ColumnEncryptionPolicy {
            iv: iv_array(iv)?,
            columns: Vec::new(),
        })
    }

    /// The IV values are encrypted with.
    pub fn iv(&self) -> &[u8; IV_LEN] {
        &self.iv
    }

    /// Encrypts column `keyspace.table.name`, whose values have type `typ`, under `key`;
    /// replaces an earlier key for the same column.
    ///
    /// # Errors
    /// [`ColumnEncryptionError::KeyLength`] unless the key is 32 bytes.
    pub fn add_column(
        &mut self,
        keyspace: &str,
        table: &str,
        name: &str,
        key: &[u8],
        typ: ColumnType,
    ) -> Result<(), ColumnEncryptionError> {
        let column = EncryptedColumn {
            keyspace: keyspace.into(),
            table: table.into(),
            name: name.into(),
            typ,
            cipher: ColumnCipher::new(key)?,
            iv: self.iv,
        };
        match self
            .columns
            .iter_mut()
            .find(|c| c.keyspace == keyspace && c.table == table && c.name == name)
        {
            Some(existing) => *existing = column,
            None => self.columns.push(column),
        }
        Ok(())
    }

    /// The encrypted column `keyspace.table.name`, if the policy has a key for it.
    pub fn column(&self, keyspace: &str, table: &str, name: &str) -> Option<&EncryptedColumn> {
        self.columns
            .iter()
            .find(|c| c.keyspace == keyspace && c.table == table && c.name == name)
    }

    /// Whether the policy encrypts column `keyspace.table.name`.
    pub fn contains_column(&self, keyspace: &str, table: &str, name: &str) -> bool {
        self.column(keyspace, table, name).is_some()
    }

    /// Every encrypted column.
    pub fn columns(&self) -> &[EncryptedColumn] {
        &self.columns
    }

    fn known(
        &self,
        keyspace: &str,
        table: &str,
        name: &str,
    ) -> Result<&EncryptedColumn, ColumnEncryptionError> {
        self.column(keyspace, table, name)
            .ok_or_else(|| ColumnEncryptionError::UnknownColumn {
                keyspace: keyspace.into(),
                table: table.into(),
                column: name.into(),
            })
    }

    /// [`EncryptedColumn::encrypt_value`] for column `keyspace.table.name`.
    ///
    /// # Errors
    /// [`ColumnEncryptionError::UnknownColumn`] for a column without a key, else as
    /// [`EncryptedColumn::encrypt_value`].
    pub fn encrypt_value<T: SerializeValue + ?Sized>(
        &self,
        keyspace: &str,
        table: &str,
        name: &str,
        value: &T,
    ) -> Result<Option<Vec<u8>>, ColumnEncryptionError> {
        self.known(keyspace, table, name)?.encrypt_value(value)
    }

    /// [`EncryptedColumn::decrypt_value`] for column `keyspace.table.name`.
    ///
    /// # Errors
    /// [`ColumnEncryptionError::UnknownColumn`] for a column without a key, else as
    /// [`EncryptedColumn::decrypt_value`].
    pub fn decrypt_value<T: for<'a> DeserializeValue<'a>>(
        &self,
        keyspace: &str,
        table: &str,
        name: &str,
        value: Option<&[u8]>,
    ) -> Result<T, ColumnEncryptionError> {
        self.known(keyspace, table, name)?.decrypt_value(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::CqlValue;

    const KEY: [u8; 32] = [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
        25, 26, 27, 28, 29, 30, 31,
    ];
    const IV: [u8; 16] = [
        0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae,
        0xaf,
    ];

    fn policy() -> ColumnEncryptionPolicy {
        let mut policy = ColumnEncryptionPolicy::new(&IV).unwrap();
        policy
            .add_column("ks", "enc", "c_int", &KEY, ColumnType::Int)
            .unwrap();
        policy
    }

    #[test]
    fn matches_the_python_policy() {
        let encrypted = policy()
            .encrypt_value("ks", "enc", "c_int", &42i32)
            .unwrap()
            .unwrap();
        let mut expected = IV.to_vec();
        expected.extend_from_slice(&[
            0xe7, 0x6a, 0xb4, 0x78, 0x63, 0x86, 0x62, 0xdf, 0x2b, 0x12, 0x8c, 0x8c, 0xac, 0xab,
            0x94, 0x63,
        ]);
        assert_eq!(encrypted, expected);
        assert_eq!(
            policy().decrypt_value::<i32>("ks", "enc", "c_int", Some(&encrypted)),
            Ok(42)
        );
        assert_eq!(
            policy().decrypt_value::<CqlValue>("ks", "enc", "c_int", Some(&encrypted)),
            Ok(CqlValue::Int(42))
        );
    }

    #[test]
    fn null_passes_through() {
        let policy = policy();
        let column = policy.column("ks", "enc", "c_int").unwrap();
        assert_eq!(column.encrypt_value(&None::<i32>), Ok(None));
        assert_eq!(column.decrypt_value::<Option<i32>>(None), Ok(None));
    }

    #[test]
    fn refuses_bad_keys_ivs_and_values() {
        assert_eq!(
            ColumnEncryptionPolicy::new(&[0; 15]).unwrap_err(),
            ColumnEncryptionError::IvLength(15)
        );
        assert_eq!(
            ColumnCipher::new(&[0; 16]).unwrap_err(),
            ColumnEncryptionError::KeyLength(16)
        );
        let policy = policy();
        let column = policy.column("ks", "enc", "c_int").unwrap();
        for short in [&[][..], &IV[..], &[0; 31][..], &[0; 33][..]] {
            assert_eq!(
                column.decrypt(short),
                Err(ColumnEncryptionError::CiphertextLength(short.len()))
            );
        }
        let mut tampered = column.encrypt(&[1, 2, 3]);
        if let Some(last) = tampered.last_mut() {
            *last ^= 0xff;
        }
        assert_eq!(
            column.decrypt(&tampered),
            Err(ColumnEncryptionError::Padding)
        );
        assert!(matches!(
            policy.encrypt_value("ks", "enc", "other", &1i32),
            Err(ColumnEncryptionError::UnknownColumn { .. })
        ));
        assert!(matches!(
            column.encrypt_value("text"),
            Err(ColumnEncryptionError::Serialize(_))
        ));
    }

    #[test]
    fn replaces_a_column_key() {
        let mut policy = policy();
        policy
            .add_column("ks", "enc", "c_int", &[7; 32], ColumnType::BigInt)
            .unwrap();
        assert_eq!(policy.columns().len(), 1);
        assert_eq!(
            policy.column("ks", "enc", "c_int").map(|c| &c.typ),
            Some(&ColumnType::BigInt)
        );
    }

    #[test]
    fn key_is_not_printed() {
        let text = alloc::format!("{:?}", ColumnCipher::new(&KEY).unwrap());
        assert!(!text.contains('1'), "{text}");
    }
}
