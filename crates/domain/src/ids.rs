//! Identifiers in the seed's shapes (`secrets.token_urlsafe`), from injected randomness.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;

/// Python `secrets.token_urlsafe(nbytes)`: URL-safe base64 without padding.
pub fn token_urlsafe(nbytes: usize, rng: &mut (impl RngCore + ?Sized)) -> String {
    let mut buf = vec![0u8; nbytes];
    rng.fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(&buf)
}

/// `"user_" + token_urlsafe(16)` (CONTRACT §1.2): 27 characters.
pub fn new_user_id(rng: &mut (impl RngCore + ?Sized)) -> String {
    format!("user_{}", token_urlsafe(16, rng))
}

/// `"key_" + token_urlsafe(16)` (CONTRACT §4).
pub fn new_key_id(rng: &mut (impl RngCore + ?Sized)) -> String {
    format!("key_{}", token_urlsafe(16, rng))
}

/// Refresh token id: `token_urlsafe(32)`, 43 characters (CONTRACT §1.6).
pub fn new_token_id(rng: &mut (impl RngCore + ?Sized)) -> String {
    token_urlsafe(32, rng)
}

/// API key id `ak_` + token_urlsafe(12) and key `token_urlsafe(32)`: CONTRACT §5.1's suggested
/// shapes (the seed never writes API keys).
pub fn new_api_key(rng: &mut (impl RngCore + ?Sized)) -> (String, String) {
    (
        format!("ak_{}", token_urlsafe(12, rng)),
        token_urlsafe(32, rng),
    )
}

/// Whether `s` looks like a seed user id (used to warn, never to refuse: the service accepts
/// any id).
pub fn is_canonical_user_id(s: &str) -> bool {
    s.strip_prefix("user_").is_some_and(|t| {
        t.len() == 22
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn shapes_match_python_secrets() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let uid = new_user_id(&mut rng);
        assert_eq!(uid.len(), 27, "user_ + 22 chars: {uid}");
        assert!(is_canonical_user_id(&uid));
        assert_eq!(
            new_token_id(&mut rng).len(),
            43,
            "token_urlsafe(32) is 43 chars"
        );
        assert_eq!(new_key_id(&mut rng).len(), 26, "key_ + 22 chars");
        let (id, key) = new_api_key(&mut rng);
        assert_eq!((id.len(), key.len()), (19, 43));
        assert!(!is_canonical_user_id("user_short"));
    }
}
