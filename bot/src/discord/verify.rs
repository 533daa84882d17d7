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
//! Both checks follow one rule set, ZIP 215's, so that a signature's
//! verdict never depends on which requests arrived beside it: R and A are
//! any encodings of curve points (small-order and non-canonical ones
//! included), s must be below the group order, and the equation is
//! multiplied by the cofactor 8. A single signature (R, s) on the message M
//! by the key A, with B the base point and k = SHA-512(R ‖ A ‖ M), holds when
//!
//! ```text
//! [8] ( [s] B - R - [k] A ) = 0
//! ```
//!
//! and a batch, with a random 128-bit z for each signature, when
//!
//! ```text
//! [8] ( [-Σ z·s] B + Σ z·R + [Σ z·k] A ) = 0
//! ```
//!
//! (`ed25519_dalek`'s own `verify` leaves out the cofactor, so a signature
//! with a small-order part would pass a batch and fail alone; the single
//! check here is written out for that reason.)
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
use ed25519_dalek::{Signature, VerifyingKey};
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

/// A signature as the equations take it.
struct Read {
    r: EdwardsPoint,
    s: Scalar,
    k: Scalar,
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
            let good = all_good || self.holds(&pending);
            // The request may have gone (its client hung up); nothing waits then.
            let _ = pending.verdict.send(good);
        }
    }

    /// The signature's R and s and its hash k, read as both checks read
    /// them; `None` when it cannot be read (an R off the curve, an s not
    /// below the group order).
    fn read(&self, pending: &Pending) -> Option<Read> {
        let r = pending.signature.r_bytes();
        let s = Option::<Scalar>::from(Scalar::from_canonical_bytes(*pending.signature.s_bytes()))?;
        let r_point = CompressedEdwardsY(*r).decompress()?;
        let k = Scalar::from_hash(
            Sha512::new().chain_update(r).chain_update(self.key.as_bytes()).chain_update(&pending.message),
        );
        Some(Read { r: r_point, s, k })
    }

    /// Whether the single equation holds for `pending`.
    fn holds(&self, pending: &Pending) -> bool {
        let Some(Read { r, s, k }) = self.read(pending) else { return false };
        let sb_minus_ka = EdwardsPoint::vartime_double_scalar_mul_basepoint(&k, &-self.key.to_edwards(), &s);
        (sb_minus_ka - r).mul_by_cofactor().is_identity()
    }

    /// Whether the batch equation holds for every signature in `batch`.
    /// `false` when any signature cannot be read or the system has no
    /// randomness to give: then each is checked on its own.
    fn batch_holds(&self, batch: &[Pending]) -> bool {
        let mut random = vec![0u8; 16 * batch.len()];
        if getrandom::fill(&mut random).is_err() {
            return false;
        }
        let mut factors = Vec::with_capacity(batch.len());
        let mut points = Vec::with_capacity(batch.len());
        let (mut on_base, mut on_key) = (Scalar::ZERO, Scalar::ZERO);
        for (pending, z) in batch.iter().zip(random.chunks_exact(16)) {
            let Some(Read { r, s, k }) = self.read(pending) else { return false };
            let mut wide = [0u8; 32];
            wide[..16].copy_from_slice(z);
            let z = Scalar::from_bytes_mod_order(wide);
            on_base -= z * s;
            on_key += z * k;
            factors.push(z);
            points.push(r);
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

    /// How a test key is made: its secret scalar (none for a small-order
    /// key) and its encoding.
    #[derive(Debug, Clone, Copy)]
    enum KeyKind {
        Genuine,
        /// A genuine key plus a small-order point.
        Mixed(usize),
        /// A small-order point alone.
        Small(usize),
        /// A small-order point in its second, non-canonical encoding where it has one.
        NonCanonical(usize),
    }

    /// How a test signature is made.
    #[derive(Debug, Clone, Copy)]
    enum SigKind {
        Genuine,
        /// R with a small-order part added.
        MixedR(usize),
        /// R a small-order point alone.
        SmallR(usize),
        /// R a small-order point in a non-canonical encoding where it has one.
        NonCanonicalR(usize),
        /// A genuine signature with s one more.
        ForgedS,
        /// A genuine signature on another message.
        ForgedMessage,
        /// A genuine signature with s written as s + ℓ.
        NonCanonicalS,
        /// 64 random bytes.
        Random,
    }

    impl SigKind {
        /// Whether ZIP 215's rule takes it: every signature made with the
        /// key's secret, and with a small-order key (whose secret is 0, so
        /// that anyone can sign for it) one on another message too.
        fn holds(self, key: KeyKind) -> bool {
            let small_key = matches!(key, KeyKind::Small(_) | KeyKind::NonCanonical(_));
            matches!(self, SigKind::Genuine | SigKind::MixedR(_) | SigKind::SmallR(_) | SigKind::NonCanonicalR(_))
                || (small_key && matches!(self, SigKind::ForgedMessage))
        }
    }

    fn torsion(t: usize) -> EdwardsPoint {
        curve25519_dalek::constants::EIGHT_TORSION[t % 8]
    }

    /// The second encoding of `point`, y + p, which exists when y < 19;
    /// else its one encoding.
    fn second_encoding(point: &EdwardsPoint) -> [u8; 32] {
        let bytes = point.compress().to_bytes();
        let (sign, mut y) = (bytes[31] & 0x80, bytes);
        y[31] &= 0x7f;
        if y[1..].iter().any(|&b| b != 0) || y[0] >= 19 {
            return bytes;
        }
        // p = 2^255 - 19, little-endian: 0xed, thirty 0xff, 0x7f.
        let mut encoded = [0xffu8; 32];
        encoded[0] = 0xed + y[0];
        encoded[31] = 0x7f | sign;
        encoded
    }

    fn scalar(seed: u64, what: &str) -> Scalar {
        Scalar::from_hash(Sha512::new().chain_update(seed.to_le_bytes()).chain_update(what))
    }

    /// A key of `kind`: its secret scalar and its encoding.
    fn make_key(kind: KeyKind, seed: u64) -> (Scalar, [u8; 32]) {
        let x = scalar(seed, "key");
        let base = |x: Scalar| EdwardsPoint::mul_base(&x);
        match kind {
            KeyKind::Genuine => (x, base(x).compress().to_bytes()),
            KeyKind::Mixed(t) => (x, (base(x) + torsion(t)).compress().to_bytes()),
            KeyKind::Small(t) => (Scalar::ZERO, torsion(t).compress().to_bytes()),
            KeyKind::NonCanonical(t) => (Scalar::ZERO, second_encoding(&torsion(t))),
        }
    }

    /// A signature of `kind` on message number `n` by the key (`x`, `key`).
    fn make_signature(kind: SigKind, x: Scalar, key: &[u8; 32], n: u64) -> (Vec<u8>, Signature) {
        let message = format!("1700000000{{\"type\":2,\"n\":{n}}}").into_bytes();
        let r = scalar(n, "nonce");
        let r_bytes = match kind {
            SigKind::MixedR(t) => (EdwardsPoint::mul_base(&r) + torsion(t)).compress().to_bytes(),
            SigKind::SmallR(t) => torsion(t).compress().to_bytes(),
            SigKind::NonCanonicalR(t) => second_encoding(&torsion(t)),
            _ => EdwardsPoint::mul_base(&r).compress().to_bytes(),
        };
        let r = if matches!(kind, SigKind::SmallR(_) | SigKind::NonCanonicalR(_)) { Scalar::ZERO } else { r };
        let k = Scalar::from_hash(Sha512::new().chain_update(r_bytes).chain_update(key).chain_update(&message));
        let s = r + k * x;
        let mut bytes = [0u8; 64];
        bytes[..32].copy_from_slice(&r_bytes);
        bytes[32..].copy_from_slice(s.as_bytes());
        match kind {
            SigKind::ForgedS => bytes[32..].copy_from_slice((s + Scalar::ONE).as_bytes()),
            SigKind::ForgedMessage => {
                return (message.iter().chain(b" ").copied().collect(), Signature::from_bytes(&bytes));
            }
            SigKind::NonCanonicalS => {
                // s + ℓ, as 256-bit little-endian sums: below 2^256 since s < ℓ < 2^253.
                // ℓ = 2^252 + 27742317777372353535851937790883648493, little-endian.
                let mut l = [0u8; 32];
                l[..16].copy_from_slice(&[
                    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
                ]);
                l[31] = 0x10;
                let mut carry = 0u16;
                for (i, byte) in bytes[32..].iter_mut().enumerate() {
                    let sum = u16::from(*byte) + u16::from(l[i]) + carry;
                    *byte = sum as u8;
                    carry = sum >> 8;
                }
            }
            SigKind::Random => {
                for (i, byte) in bytes.iter_mut().enumerate() {
                    *byte = scalar(n, "random").as_bytes()[i % 32] ^ (i as u8);
                }
            }
            _ => {}
        }
        (message, Signature::from_bytes(&bytes))
    }

    /// Checks the batch of `kinds` by a key of `key_kind` through the path
    /// requests take, and each signature alone; fails on any verdict that
    /// differs, and on a verdict that is not what the signature was made to be.
    fn same_verdict_alone_and_in_a_batch(key_kind: KeyKind, kinds: &[SigKind], seed: u64) {
        let (x, key) = make_key(key_kind, seed);
        let signatures = Signatures::new(&hex(&key)).expect("every test key is a curve point");
        let made: Vec<(Vec<u8>, Signature)> = (0..kinds.len())
            .map(|i| make_signature(kinds[i], x, &key, seed.wrapping_mul(1_000).wrapping_add(i as u64)))
            .collect();
        let pending = |(message, signature): &(Vec<u8>, Signature)| {
            let (verdict, answer) = oneshot::channel();
            (Pending { message: message.clone(), signature: *signature, verdict }, answer)
        };
        let (batch, mut answers): (Vec<Pending>, Vec<oneshot::Receiver<bool>>) = made.iter().map(pending).unzip();
        let equation = batch.len() > 1 && signatures.batch_holds(&batch);
        signatures.check(batch);
        let in_batch: Vec<bool> =
            answers.iter_mut().map(|answer| answer.try_recv().expect("every request is answered")).collect();
        let alone: Vec<bool> = made.iter().map(|made| signatures.holds(&pending(made).0)).collect();
        for (i, kind) in kinds.iter().enumerate() {
            assert_eq!(
                in_batch[i],
                alone[i],
                "{kind:?} by a {key_kind:?} key, {i} of {}: in the batch {}, alone {}",
                kinds.len(),
                in_batch[i],
                alone[i]
            );
            assert_eq!(alone[i], kind.holds(key_kind), "{kind:?} by a {key_kind:?} key");
        }
        if kinds.len() > 1 {
            assert_eq!(
                equation,
                alone.iter().all(|good| *good),
                "the batch equation agrees with the single checks: {kinds:?}"
            );
        }
    }

    const KEYS: [KeyKind; 7] = [
        KeyKind::Genuine,
        KeyKind::Mixed(1),
        KeyKind::Mixed(4),
        KeyKind::Small(0),
        KeyKind::Small(3),
        KeyKind::NonCanonical(2),
        KeyKind::NonCanonical(0),
    ];

    const SIGNATURES: [SigKind; 12] = [
        SigKind::Genuine,
        SigKind::MixedR(1),
        SigKind::MixedR(4),
        SigKind::MixedR(6),
        SigKind::SmallR(0),
        SigKind::SmallR(5),
        SigKind::NonCanonicalR(2),
        SigKind::NonCanonicalR(0),
        SigKind::ForgedS,
        SigKind::ForgedMessage,
        SigKind::NonCanonicalS,
        SigKind::Random,
    ];

    #[test]
    fn a_small_order_part_has_one_verdict_alone_and_in_a_batch() {
        let (x, key) = make_key(KeyKind::Mixed(1), 11);
        let (message, signature) = make_signature(SigKind::MixedR(3), x, &key, 5);
        let signatures = Signatures::new(&hex(&key)).unwrap();
        let pending = Pending { message: message.clone(), signature, verdict: oneshot::channel().0 };
        // The rule without the cofactor refuses it; ZIP 215's, here on both paths, takes it.
        assert!(VerifyingKey::from_bytes(&key).unwrap().verify_strict(&message, &signature).is_err());
        assert!(
            ed25519_dalek::Verifier::verify(&VerifyingKey::from_bytes(&key).unwrap(), &message, &signature).is_err()
        );
        assert!(signatures.holds(&pending));
        let genuine = make_signature(SigKind::Genuine, x, &key, 6);
        let beside = Pending { message: genuine.0, signature: genuine.1, verdict: oneshot::channel().0 };
        assert!(signatures.batch_holds(&[pending, beside]));
        // Every torsion point has a second encoding where it can: the identity and the two of order 4.
        let second: Vec<usize> =
            (0..8).filter(|&t| second_encoding(&torsion(t)) != torsion(t).compress().to_bytes()).collect();
        assert_eq!(second.len(), 3, "{second:?}");
    }

    #[test]
    fn every_batch_size_gives_each_signature_its_verdict_alone() {
        for n in 1..=BATCH_MAX {
            let kinds: Vec<SigKind> = (0..n).map(|i| SIGNATURES[(i * 5 + n) % SIGNATURES.len()]).collect();
            same_verdict_alone_and_in_a_batch(KEYS[n % KEYS.len()], &kinds, n as u64);
            // The same size all genuine: the batch equation holds.
            let genuine: Vec<SigKind> = (0..n).map(|i| SIGNATURES[i % 8]).collect();
            same_verdict_alone_and_in_a_batch(KEYS[(n + 3) % KEYS.len()], &genuine, 100 + n as u64);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        #[test]
        fn any_mix_of_keys_and_signatures_gives_each_its_verdict_alone(
            key in proptest::sample::select(KEYS.to_vec()),
            kinds in proptest::collection::vec(proptest::sample::select(SIGNATURES.to_vec()), 1..=BATCH_MAX),
            seed in proptest::prelude::any::<u64>(),
        ) {
            same_verdict_alone_and_in_a_batch(key, &kinds, seed);
        }
    }
}
