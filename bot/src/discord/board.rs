//! Audience questions on Discord: each question posted in its channel by
//! the bot (a message of its own, so no "used /qa" names the asker),
//! edited when organisers mark it and deleted when they take it down. Each
//! **Upvote** press updates the post in the interaction's own response,
//! which costs none of the channel's rate limits.

use std::sync::Arc;

use emcee_core::Reply;
use serenity::all::{ChannelId, EditMessage, Http, MessageId};

use super::{Discord, embed, snowflake};
use crate::dispatch::{Pending, QaBoard};

/// Posts with the bot's token.
pub struct DiscordBoard {
    http: Arc<Http>,
}

impl DiscordBoard {
    /// A board when there is a token to post with.
    pub fn new(discord: &Discord) -> Option<DiscordBoard> {
        discord.settings.token.as_ref()?;
        Some(DiscordBoard { http: discord.http.clone() })
    }
}

impl QaBoard for DiscordBoard {
    fn post<'a>(&'a self, channel: &'a str, question: &'a Reply) -> Pending<'a, String> {
        Box::pin(async move {
            let channel = ChannelId::new(snowflake(channel, "channel")?);
            let posted = channel.send_message(&self.http, embed::post(question)).await?;
            Ok(posted.id.to_string())
        })
    }

    fn update<'a>(&'a self, channel: &'a str, message: &'a str, question: &'a Reply) -> Pending<'a, ()> {
        Box::pin(async move {
            let (channel, message) = (snowflake(channel, "channel")?, snowflake(message, "message")?);
            let (embed, components) = embed::post_parts(question);
            let edit = EditMessage::new().embed(embed).components(components);
            ChannelId::new(channel).edit_message(&self.http, MessageId::new(message), edit).await?;
            Ok(())
        })
    }

    fn delete<'a>(&'a self, channel: &'a str, message: &'a str) -> Pending<'a, ()> {
        Box::pin(async move {
            let (channel, message) = (snowflake(channel, "channel")?, snowflake(message, "message")?);
            ChannelId::new(channel).delete_message(&self.http, MessageId::new(message)).await?;
            Ok(())
        })
    }
}
