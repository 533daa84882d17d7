//! Ed25519 signatures on Discord's interactions, checked in batches.
//!
//! One check costs tens of microseconds, the most expensive step of an
//! interaction. Requests that arrive together are checked together, with one
//! batch equation that costs about a third as much per signature.
//! A request joins the pending batch and yields once; the first of them to
//! run again checks everything pending and tells each request its result.
//! When a batch fails, each of its signatures is checked on its own, so a
//! forged request is refused and the genuine ones beside it still pass. A
//! request alone is checked alone, at the cost of a single check.
//!
//! The batch equation, for signatures (R, s) on messages M by the key A,
//! with B the base point, k = SHA-512(R ‖ A ‖ M) and a random 128-bit z
//! for each signature:
//!
//! ```text
//! [8] ( [-Σ z·s] B + Σ z·R + [Σ z·k] A ) = 0
//! ```
//!
//! Every signature here is by the one application key, so A enters the sum
//! once: `ed25519_dalek::verify_batch` takes a key per signature and
//! multiplies A once per signature, nearly twice the points. The random
//! factors keep a forger from making bad signatures cancel out; they come
//! from the operating system for every batch.

use std::sync::Mutex;

use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};
use ed25519_dalek::{Signature, Verifier as _, VerifyingKey};
use sha2::{Digest, Sha512};
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
        let all_good = batch.len() > 1 && self.batch_holds(&batch);
        for pending in batch {
            let good = all_good || self.key.verify(&pending.message, &pending.signature).is_ok();
            // The request may have gone (its client hung up); nothing waits then.
            let _ = pending.verdict.send(good);
        }
    }

    /// Whether the batch equation holds for every signature in `batch`.
    /// `false` when any signature cannot be read (an R off the curve, an s
    /// out of range) or the system has no randomness to give: then each
    /// is checked on its own.
    fn batch_holds(&self, batch: &[Pending]) -> bool {
        let mut random = vec![0u8; 16 * batch.len()];
        if getrandom::fill(&mut random).is_err() {
            return false;
        }
        let mut factors = Vec::with_capacity(batch.len());
        let mut points = Vec::with_capacity(batch.len());
        let (mut on_base, mut on_key) = (Scalar::ZERO, Scalar::ZERO);
        for (pending, z) in batch.iter().zip(random.chunks_exact(16)) {
            let r = pending.signature.r_bytes();
            let Some(s) = Option::<Scalar>::from(Scalar::from_canonical_bytes(*pending.signature.s_bytes())) else {
                return false;
            };
            let Some(r_point) = CompressedEdwardsY(*r).decompress() else {
                return false;
            };
            let k = Scalar::from_hash(
                Sha512::new().chain_update(r).chain_update(self.key.as_bytes()).chain_update(&pending.message),
            );
            let mut wide = [0u8; 32];
            wide[..16].copy_from_slice(z);
            let z = Scalar::from_bytes_mod_order(wide);
            on_base -= z * s;
            on_key += z * k;
            factors.push(z);
            points.push(r_point);
        }
        let sum = EdwardsPoint::vartime_multiscalar_mul(
            [on_base, on_key].iter().chain(&factors),
            [ED25519_BASEPOINT_POINT, self.key.to_edwards()].iter().chain(&points),
        );
        sum.mul_by_cofactor().is_identity()
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

    fn pending(key: &SigningKey, n: usize) -> Vec<Pending> {
        (0..n)
            .map(|i| {
                let message = format!("1700000000{{\"type\":2,\"n\":{i}}}").into_bytes();
                let signature = key.sign(&message);
                Pending { message, signature, verdict: oneshot::channel().0 }
            })
            .collect()
    }

    #[test]
    fn the_batch_equation_holds_only_when_every_signature_does() {
        let key = SigningKey::from_bytes(&[9; 32]);
        let signatures = Signatures::new(&hex(key.verifying_key().as_bytes())).unwrap();
        for n in [2, 3, 64] {
            assert!(signatures.batch_holds(&pending(&key, n)), "{n} genuine signatures");
        }
        // Each way a single signature can be wrong: its R, its s, its message, its signer.
        let mut batch = pending(&key, 8);
        let mut bytes = batch[3].signature.to_bytes();
        bytes[1] ^= 4;
        batch[3].signature = Signature::from_bytes(&bytes);
        assert!(!signatures.batch_holds(&batch), "a changed R");
        let mut batch = pending(&key, 8);
        let mut bytes = batch[5].signature.to_bytes();
        bytes[40] ^= 1;
        batch[5].signature = Signature::from_bytes(&bytes);
        assert!(!signatures.batch_holds(&batch), "a changed s");
        let mut batch = pending(&key, 8);
        let mut bytes = batch[0].signature.to_bytes();
        bytes[63] |= 0xf0;
        batch[0].signature = Signature::from_bytes(&bytes);
        assert!(!signatures.batch_holds(&batch), "an s out of range");
        let mut batch = pending(&key, 8);
        batch[7].message.push(b' ');
        assert!(!signatures.batch_holds(&batch), "a changed message");
        let mut batch = pending(&key, 8);
        batch[2].signature = SigningKey::from_bytes(&[10; 32]).sign(&batch[2].message);
        assert!(!signatures.batch_holds(&batch), "another signer");
    }
}
