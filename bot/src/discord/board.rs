//! Audience questions on Discord: each question posted in its channel by
//! the bot (a message of its own, so no "used /qa" names the asker),
//! edited when organisers mark it (or votes are typed for it) and deleted
//! when they take it down. Each
//! **Upvote** press updates the post in the interaction's own response,
//! which costs none of the channel's rate limits. **Ask the speaker**
//! beside a session taking questions opens a form (a modal) for one.

use std::sync::Arc;

use emcee_core::Reply;
use emcee_core::engine::qa::{ASK_TOKEN, QUESTION_MAX, asked_in_form};
use serenity::all::{
    ActionRowComponent, ChannelId, ComponentInteraction, CreateActionRow, CreateInputText, CreateInteractionResponse,
    CreateModal, EditMessage, Http, InputTextStyle, MessageId, ModalInteraction,
};

use super::{Discord, Handled, embed, snowflake};
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

/// The form's one field.
const QUESTION_FIELD: &str = "question";

impl Discord {
    /// **Ask the speaker** (`qa-ask:ID`): the form for a question; `None`
    /// for any other component.
    pub(super) fn ask_button(&self, component: &ComponentInteraction) -> Option<Handled> {
        let session = component.data.custom_id.strip_prefix(ASK_TOKEN)?;
        let engine = self.dispatcher.engine();
        let title = engine.schedule().sessions.iter().find(|s| s.id == session).map_or("the session", |s| &s.title);
        let field = CreateInputText::new(InputTextStyle::Paragraph, "Your question", QUESTION_FIELD)
            .placeholder("Posted here without your name, for everyone to upvote.")
            .max_length(u16::try_from(QUESTION_MAX).unwrap_or(u16::MAX));
        let heading: String = format!("Ask: {title}").chars().take(MODAL_TITLE_MAX).collect();
        let modal = CreateModal::new(component.data.custom_id.clone(), heading)
            .components(vec![CreateActionRow::InputText(field)]);
        Some(Handled::now(CreateInteractionResponse::Modal(modal)))
    }

    /// The form submitted: asked as `/qa ask session:ID …` is, and answered
    /// to the asker alone; `None` for any other form.
    pub(super) async fn ask_submitted(&self, modal: &ModalInteraction) -> Option<Handled> {
        let session = modal.data.custom_id.strip_prefix(ASK_TOKEN)?;
        let question = modal.data.components.iter().flat_map(|row| &row.components).find_map(|c| match c {
            ActionRowComponent::InputText(input) if input.custom_id == QUESTION_FIELD => input.value.clone(),
            _ => None,
        });
        let (line, command) = asked_in_form(session, question.as_deref().unwrap_or(""))?;
        let origin = self.origin(
            modal.guild_id.map(|g| g.get()),
            modal.channel_id.get(),
            modal.user.id.get(),
            modal.member.as_ref(),
        );
        let reply = self.dispatcher.answer_form(&origin, &line, command).await;
        Some(Handled::now(CreateInteractionResponse::Message(embed::message(&reply, &line, 0, 0))))
    }
}

/// The longest title a modal takes.
const MODAL_TITLE_MAX: usize = 45;
