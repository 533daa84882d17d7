//! Audience questions on Slack: each question posted in its channel by the
//! bot (`chat.postMessage`, so no one's command is shown with it), changed
//! with `chat.update` when organisers mark it and taken down with
//! `chat.delete`. Each **Upvote** press replaces the post through its own
//! `response_url`, which costs none of the Web API's rate limits.

use emcee_core::Reply;
use slack_morphism::prelude::*;

use super::blocks::{self, Again, Shape};
use super::{Api, Slack};
use crate::dispatch::{Pending, QaBoard};

/// Posts with the bot's token.
pub struct SlackBoard {
    api: Api,
}

impl SlackBoard {
    /// A board when there is a token to post with.
    pub fn new(slack: &Slack) -> Option<SlackBoard> {
        Some(SlackBoard { api: slack.api.clone()? })
    }
}

/// The post's message: the question and its **Upvote**.
fn content(question: &Reply) -> SlackMessageContent {
    let again = Again { line: String::new(), shown: 0, seed: 0 };
    blocks::message(question, Shape { ephemeral: false }, Some(&again))
}

impl QaBoard for SlackBoard {
    fn post<'a>(&'a self, channel: &'a str, question: &'a Reply) -> Pending<'a, String> {
        Box::pin(async move {
            let request = SlackApiChatPostMessageRequest::new(channel.to_string().into(), content(question))
                .with_unfurl_links(false);
            let posted = self.api.client.open_session(&self.api.token).chat_post_message(&request).await?;
            Ok(posted.ts.0)
        })
    }

    fn update<'a>(&'a self, channel: &'a str, message: &'a str, question: &'a Reply) -> Pending<'a, ()> {
        Box::pin(async move {
            let request = SlackApiChatUpdateRequest::new(
                channel.to_string().into(),
                content(question),
                message.to_string().into(),
            );
            self.api.client.open_session(&self.api.token).chat_update(&request).await?;
            Ok(())
        })
    }

    fn delete<'a>(&'a self, channel: &'a str, message: &'a str) -> Pending<'a, ()> {
        Box::pin(async move {
            let request = SlackApiChatDeleteRequest::new(channel.to_string().into(), message.to_string().into());
            self.api.client.open_session(&self.api.token).chat_delete(&request).await?;
            Ok(())
        })
    }
}
