//! Keys that stand for users in the usage log: an HMAC-SHA256 of the
//! platform and the platform's user id, with a secret kept outside the
//! database. The same person gets the same key on every command, so usage
//! per person can be counted and forgotten, but the key cannot be turned
//! back into the id without the secret.

use std::path::Path;

use anyhow::Context as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Makes user keys with one secret.
#[derive(Clone)]
pub struct UserKeyer {
    mac: HmacSha256,
}

impl std::fmt::Debug for UserKeyer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UserKeyer { .. }")
    }
}

/// The file, beside the database, that holds a generated secret.
pub const KEY_FILE: &str = "usage.key";

impl UserKeyer {
    pub fn new(secret: &[u8]) -> UserKeyer {
        // HMAC takes keys of any length.
        let mac = HmacSha256::new_from_slice(secret).unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        UserKeyer { mac }
    }

    /// The secret from `EMCEE_USAGE_KEY` when set, else from `usage.key` in
    /// `state_dir`, created with 32 random bytes on first start. Two
    /// processes starting at once agree on one key.
    pub fn load(configured: Option<&str>, state_dir: &Path) -> anyhow::Result<UserKeyer> {
        if let Some(keyer) = UserKeyer::existing(configured, state_dir)? {
            return Ok(keyer);
        }
        let path = state_dir.join(KEY_FILE);
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness for a usage key: {e}"))?;
        let secret = crate::hex::encode(&bytes);
        std::fs::create_dir_all(state_dir).with_context(|| format!("creating {}", state_dir.display()))?;
        // Written whole under another name, then linked into place only if no key is there yet.
        let draft = state_dir.join(format!("{KEY_FILE}.{}", std::process::id()));
        write_private(&draft, &secret).with_context(|| format!("saving a usage key to {}", draft.display()))?;
        let linked = std::fs::hard_link(&draft, &path);
        let _ = std::fs::remove_file(&draft);
        match linked {
            Ok(()) => {
                tracing::info!("generated a usage key in {}", path.display());
                Ok(UserKeyer::new(secret.as_bytes()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => UserKeyer::existing(None, state_dir)?
                .ok_or_else(|| anyhow::anyhow!("{} appeared but holds no key", path.display())),
            Err(e) => Err(e).with_context(|| {
                format!("saving the generated usage key to {} (or set EMCEE_USAGE_KEY)", path.display())
            }),
        }
    }

    /// The secret from `EMCEE_USAGE_KEY`, or from an existing `usage.key`;
    /// `None` when there is neither. Never makes one: a new key would match nobody.
    pub fn existing(configured: Option<&str>, state_dir: &Path) -> anyhow::Result<Option<UserKeyer>> {
        if let Some(secret) = configured.filter(|s| !s.is_empty()) {
            return Ok(Some(UserKeyer::new(secret.as_bytes())));
        }
        let path = state_dir.join(KEY_FILE);
        match std::fs::read_to_string(&path) {
            Ok(secret) if !secret.trim().is_empty() => Ok(Some(UserKeyer::new(secret.trim().as_bytes()))),
            Ok(_) => anyhow::bail!(
                "{} is empty: restore the key it held, or delete it to start a new one (earlier usage rows then match nobody)",
                path.display()
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("reading the usage key {}", path.display())),
        }
    }

    /// The key for one user of one platform, as 64 hex digits.
    pub fn key(&self, platform: &str, user: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(platform.as_bytes());
        mac.update(&[0]);
        mac.update(user.as_bytes());
        crate::hex::encode(&mac.finalize().into_bytes())
    }

    /// The token of a person's calendar feed: 160 bits of an HMAC of the
    /// platform, the user id and the feed's nonce under the same secret,
    /// so that the database holds only the nonce and the token's hash, and
    /// a new nonce revokes the old address.
    pub fn feed_token(&self, platform: &str, user: &str, nonce: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(b"agenda-feed\0");
        mac.update(platform.as_bytes());
        mac.update(&[0]);
        mac.update(user.as_bytes());
        mac.update(&[0]);
        mac.update(nonce.as_bytes());
        crate::hex::encode(&mac.finalize().into_bytes()[..FEED_TOKEN_BYTES])
    }
}

/// Bytes of a feed's token: 160 bits, more than the 128 that make it unguessable.
pub const FEED_TOKEN_BYTES: usize = 20;

/// What the database keeps of a feed's token: its SHA-256, in hex. A
/// token is hex, so one written in capitals (a calendar app or a person
/// copying it may) is the same token.
pub fn feed_hash(token: &str) -> String {
    use sha2::Digest;
    crate::hex::encode(&Sha256::digest(token.to_ascii_lowercase().as_bytes()))
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_feed_token_is_the_same_in_capitals() {
        assert_eq!(feed_hash("ab12cd"), feed_hash("AB12CD"));
        assert_ne!(feed_hash("ab12cd"), feed_hash("ab12ce"));
    }

    #[test]
    fn keys_are_stable_per_secret_and_hide_the_id() {
        let a = UserKeyer::new(b"secret");
        assert_eq!(a.key("discord", "42"), a.key("discord", "42"));
        assert_ne!(a.key("discord", "42"), a.key("slack", "42"));
        assert_ne!(a.key("discord", "42"), UserKeyer::new(b"other").key("discord", "42"));
        assert_eq!(a.key("discord", "42").len(), 64);
        assert!(!a.key("discord", "user-4242").contains("4242"));
    }

    #[test]
    fn an_empty_key_file_is_an_error_not_a_new_key() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(KEY_FILE), "").unwrap();
        let error = UserKeyer::load(None, dir.path()).unwrap_err().to_string();
        assert!(error.contains("usage.key is empty"), "{error}");
        let missing = tempfile::tempdir().unwrap();
        assert!(UserKeyer::existing(None, missing.path()).unwrap().is_none());
        assert!(!missing.path().join(KEY_FILE).exists(), "looking up a key never makes one");
    }

    #[test]
    fn generates_and_reuses_a_key_file() {
        let dir = tempfile::tempdir().unwrap();
        let first = UserKeyer::load(None, dir.path()).unwrap().key("terminal", "me");
        let again = UserKeyer::load(None, dir.path()).unwrap().key("terminal", "me");
        assert_eq!(first, again);
        let configured = UserKeyer::load(Some("set"), dir.path()).unwrap().key("terminal", "me");
        assert_ne!(first, configured);
    }
}
