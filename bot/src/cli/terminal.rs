//! `emcee chat` and `emcee ask`: the terminal adapter over a dispatcher
//! with its usage log.

use std::process::ExitCode;
use std::sync::Arc;

use crate::config::Settings;
use crate::startup;

#[derive(Debug, clap::Args)]
pub struct AskArgs {
    /// One JSON object per query, one per line.
    #[arg(long)]
    json: bool,
    /// The queries; each argument is one query.
    #[arg(value_name = "QUERY")]
    queries: Vec<String>,
}

pub async fn chat(settings: &Settings) -> anyhow::Result<ExitCode> {
    let (dispatcher, writer) = startup::dispatcher(settings).await?;
    let dispatcher = Arc::new(dispatcher);
    startup::follow(&dispatcher);
    // The line editor cannot be interrupted; on a signal the usage log is flushed and the process ends.
    let result = tokio::select! {
        result = crate::terminal::chat(dispatcher.clone(), settings) => result,
        () = crate::shutdown::signal() => Ok(()),
    };
    drop(dispatcher);
    writer.stop().await;
    result.map(|()| ExitCode::SUCCESS)
}

pub async fn ask(args: AskArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let (dispatcher, writer) = startup::dispatcher(settings).await?;
    let result = crate::terminal::ask(&dispatcher, settings, &args.queries, args.json).await;
    drop(dispatcher);
    writer.wait().await;
    result
}
