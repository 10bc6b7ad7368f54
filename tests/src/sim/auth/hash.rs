//! Salted password hashes shaped like the bcrypt hashes Cassandra stores
//! (`$2a$10$` + 22 salt characters + 31 hash characters). They are not bcrypt: the sim
//! only needs to check its own hashes, and no bcrypt implementation is a dependency.

use md5::{Digest, Md5};

const PREFIX: &str = "$2a$10$";
const ALPHABET: &[u8; 64] = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

fn encode(bytes: &[u8], len: usize) -> String {
    bytes
        .iter()
        .cycle()
        .take(len)
        .map(|b| char::from(ALPHABET[usize::from(b % 64)]))
        .collect()
}

fn digest(salt: &str, password: &str) -> String {
    let mut first = Md5::new();
    first.update(salt.as_bytes());
    first.update(password.as_bytes());
    let a = first.finalize();
    let mut second = Md5::new();
    second.update(a);
    second.update(password.as_bytes());
    let b = second.finalize();
    let all: Vec<u8> = a.iter().chain(b.iter()).copied().collect();
    encode(&all, 31)
}

/// A new salted hash of `password`.
pub fn hash(password: &str) -> String {
    let salt = encode(uuid::Uuid::new_v4().as_bytes(), 22);
    format!("{PREFIX}{salt}{}", digest(&salt, password))
}

/// Whether `password` matches a hash made by [`hash`].
pub fn check(password: &str, hashed: &str) -> bool {
    let Some(rest) = hashed.strip_prefix(PREFIX) else {
        return false;
    };
    match (rest.get(..22), rest.get(22..)) {
        (Some(salt), Some(expected)) => digest(salt, password) == expected,
        _ => false,
    }
}
