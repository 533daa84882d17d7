//! Ed25519 signatures on Discord's interactions, checked in batches.
//!
//! One check costs tens of microseconds, the most expensive step of an
//! interaction. Requests that arrive together are checked together: a
//! batch equation over all of them costs about half as much per signature.
//! A request joins the pending batch and yields once; the first of them to
//! run again checks everything pending and tells each request its result.
//! When a batch fails, each of its signatures is checked on its own, so a
//! forged request is refused and the genuine ones beside it still pass. A
//! request alone is checked alone, at the cost of a single check.

use std::sync::Mutex;

use ed25519_dalek::{Signature, Verifier as _, VerifyingKey};
use tokio::sync::oneshot;

/// The most signatures one batch equation checks; more wait for the next batch.
const BATCH_MAX: usize = 64;

struct Pending {
    /// The timestamp followed by the body, as signed.
    message: Vec<u8>,
    signature: Signature,
    verdict: oneshot::Sender<bool>,
}

/// The application's public key and the requests waiting to be checked.
pub struct Signatures {
    key: VerifyingKey,
    pending: Mutex<Vec<Pending>>,
}

impl Signatures {
    /// Checks with `public_key`, 64 hexadecimal digits.
    pub fn new(public_key: &str) -> anyhow::Result<Signatures> {
        let bytes = crate::hex::decode::<32>(public_key)
            .ok_or_else(|| anyhow::anyhow!("DISCORD_PUBLIC_KEY is not 64 hexadecimal digits"))?;
        let key = VerifyingKey::from_bytes(&bytes)
            .map_err(|_| anyhow::anyhow!("DISCORD_PUBLIC_KEY is not a valid Ed25519 key"))?;
        Ok(Signatures { key, pending: Mutex::new(Vec::new()) })
    }

    /// Whether `signature` (hex) signs `timestamp` followed by `body`.
    pub async fn verify(&self, signature: &str, timestamp: &str, body: &[u8]) -> bool {
        let Some(signature) = crate::hex::decode::<64>(signature).map(|bytes| Signature::from_bytes(&bytes)) else {
            return false;
        };
        let message = [timestamp.as_bytes(), body].concat();
        let (verdict, answer) = oneshot::channel();
        self.lock().push(Pending { message, signature, verdict });
        // Let the requests that are ready run up to here and join the batch.
        tokio::task::yield_now().await;
        loop {
            let batch = {
                let mut pending = self.lock();
                let from = pending.len().saturating_sub(BATCH_MAX);
                pending.split_off(from)
            };
            if batch.is_empty() {
                break;
            }
            self.check(batch);
        }
        // Every pending request, ours included, has been answered by now:
        // by this call or by the one that took the batch ours was in.
        answer.await.unwrap_or(false)
    }

    fn check(&self, batch: Vec<Pending>) {
        let all_good = batch.len() > 1 && {
            let messages: Vec<&[u8]> = batch.iter().map(|p| p.message.as_slice()).collect();
            let signatures: Vec<Signature> = batch.iter().map(|p| p.signature).collect();
            let keys = vec![self.key; batch.len()];
            ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok()
        };
        for pending in batch {
            let good = all_good || self.key.verify(&pending.message, &pending.signature).is_ok();
            // The request may have gone (its client hung up); nothing waits then.
            let _ = pending.verdict.send(good);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Pending>> {
        self.pending.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use ed25519_dalek::{Signer, SigningKey};

    use super::*;
    use crate::hex::encode as hex;

    #[tokio::test]
    async fn a_forged_signature_in_a_batch_fails_alone() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let signatures = Arc::new(Signatures::new(&hex(key.verifying_key().as_bytes())).unwrap());
        let mut checks = Vec::new();
        for i in 0..40 {
            let body = format!("{{\"type\":2,\"n\":{i}}}");
            let mut signature = key.sign(format!("1700000000{body}").as_bytes()).to_bytes();
            let forged = i % 7 == 3;
            if forged {
                signature[5] ^= 1;
            }
            let signatures = signatures.clone();
            checks.push(tokio::spawn(async move {
                (forged, signatures.verify(&hex(&signature), "1700000000", body.as_bytes()).await)
            }));
        }
        for check in checks {
            let (forged, good) = check.await.unwrap();
            assert_eq!(good, !forged);
        }
        let body = b"{}";
        let alone = hex(&key.sign(b"1700000000{}").to_bytes());
        assert!(signatures.verify(&alone, "1700000000", body).await);
        assert!(!signatures.verify(&alone, "1700000001", body).await, "the timestamp is signed too");
        assert!(!signatures.verify("zz", "1700000000", body).await);
        assert!(Signatures::new("abc").is_err());
    }
}
