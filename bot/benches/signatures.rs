//! Ed25519 checks of Discord interactions: one request at a time, and
//! batches of requests that arrive together through `Signatures::verify`
//! (the path `POST /discord/interactions` takes), against
//! `ed25519_dalek::verify_batch` on the same signatures; a request alone
//! takes `Signatures`' single check, under the same rule as its batches. Each body is a
//! realistic 850-byte interaction. Prints microseconds per signature.
//!
//! `cargo bench -p emcee --bench signatures`

#![expect(clippy::unwrap_used, reason = "a benchmark stops at its first failure, by panicking")]

use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier};
use emcee::discord::verify::Signatures;

const TIMESTAMP: &str = "1700000000";

struct Signed {
    body: Vec<u8>,
    signature: Signature,
    hex: String,
}

fn signed(key: &SigningKey, n: usize) -> Vec<Signed> {
    (0..n)
        .map(|i| {
            let body = format!(
                r#"{{"app_permissions":"442368","application_id":"1100000000000000001","channel_id":"1100000000000000003","guild_id":"1100000000000000002","id":"{}","member":{{"user":{{"id":"{}","username":"attendee{i}","discriminator":"0","global_name":"Attendee {i}","avatar":null}},"roles":[],"joined_at":"2024-05-01T10:00:00.000000+00:00","deaf":false,"mute":false,"permissions":"2248473465835073","flags":0}},"token":"{}","type":2,"version":1,"data":{{"id":"1100000000000000009","name":"quote","type":1,"options":[{{"name":"topic","type":3,"value":"kubernetes"}}]}}}}"#,
                1_200_000_000_000_000_000u64 + i as u64,
                1_300_000_000_000_000_000u64 + i as u64,
                "t".repeat(300),
            )
            .into_bytes();
            let signature = key.sign(&[TIMESTAMP.as_bytes(), &body].concat());
            Signed { hex: emcee::hex::encode(&signature.to_bytes()), body, signature }
        })
        .collect()
}

fn signatures(c: &mut Criterion) {
    let key = SigningKey::from_bytes(&[3; 32]);
    let verifying = key.verifying_key();
    let ours = Arc::new(Signatures::new(&emcee::hex::encode(verifying.as_bytes())).unwrap());
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();

    let mut group = c.benchmark_group("ed25519");
    group.sample_size(20);
    let one = signed(&key, 1).remove(0);
    group.throughput(Throughput::Elements(1));
    group.bench_function("ed25519_dalek verify, one request", |b| {
        let message = [TIMESTAMP.as_bytes(), &one.body].concat();
        b.iter(|| assert!(verifying.verify(&message, &one.signature).is_ok()))
    });
    // A request alone takes the single check, with the cofactor as the batch's.
    group.bench_function("Signatures::verify, one request", |b| {
        b.iter(|| runtime.block_on(async { assert!(ours.verify(&one.hex, TIMESTAMP, &one.body).await) }))
    });
    for n in [8, 16, 32, 64] {
        let batch = Arc::new(signed(&key, n));
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("ed25519_dalek verify_batch", n), &batch, |b, batch| {
            let messages: Vec<Vec<u8>> = batch.iter().map(|s| [TIMESTAMP.as_bytes(), &s.body].concat()).collect();
            let messages: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
            let sigs: Vec<Signature> = batch.iter().map(|s| s.signature).collect();
            let keys = vec![verifying; n];
            b.iter(|| assert!(ed25519_dalek::verify_batch(&messages, &sigs, &keys).is_ok()))
        });
        group.bench_with_input(BenchmarkId::new("Signatures::verify, requests together", n), &batch, |b, batch| {
            b.iter(|| {
                runtime.block_on(async {
                    let checks: Vec<_> = (0..batch.len())
                        .map(|i| {
                            let (ours, batch) = (ours.clone(), batch.clone());
                            tokio::spawn(async move {
                                let s = &batch[i];
                                ours.verify(&s.hex, TIMESTAMP, &s.body).await
                            })
                        })
                        .collect();
                    for check in checks {
                        assert!(check.await.unwrap());
                    }
                })
            })
        });
    }
    group.finish();
}

criterion_group!(benches, signatures);
criterion_main!(benches);
