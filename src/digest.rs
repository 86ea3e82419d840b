//! Fingerprints of file contents: the hex SHA-256 that the 说明 sheets list
//! for every input and submission, and that the output record keeps for
//! every file written.

use sha2::{Digest, Sha256};

/// The SHA-256 of `bytes` in lowercase hex.
pub(crate) fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_lowercase_hex_of_the_digest() {
        assert_eq!(sha256(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
