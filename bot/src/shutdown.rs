//! The signals that ask emcee to stop: Ctrl-C (SIGINT) and SIGTERM.

use std::future::Future;

/// Listens for a request to stop from now on, and completes when one
/// comes. The handlers are installed when this is called, not when the
/// future is first polled: a signal in between is kept rather than ending
/// the process on the spot (a SIGTERM right after `emcee serve` says it
/// listens still stops it cleanly). Call it inside the runtime.
pub fn signal() -> impl Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (term, interrupt) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt()));
        async move {
            match (term, interrupt) {
                (Ok(mut term), Ok(mut interrupt)) => {
                    tokio::select! {
                        _ = term.recv() => {}
                        _ = interrupt.recv() => {}
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
