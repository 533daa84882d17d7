//! Audience questions on Slack: each question posted in its channel by the
//! bot (`chat.postMessage`, so no one's command is shown with it), changed
//! with `chat.update` when organisers mark it (or votes are typed for
//! it) and taken down with
//! `chat.delete`. Each **Upvote** press replaces the post through its own
//! `response_url`, which costs none of the Web API's rate limits.
//! **Ask the speaker** beside a session taking questions opens a form (a
//! modal, `views.open`) for one.

use emcee_core::Reply;
use emcee_core::engine::qa::{QUESTION_MAX, asked_in_form};
use serde::{Deserialize, Serialize};
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

/// The form's callback id, and its one field.
const ASK_FORM: &str = "qa_ask";
const QUESTION_FIELD: &str = "question";

/// What a form for a question keeps until it is sent (its private
/// metadata): the session, the channel it is posted in, and where the
/// asker is answered.
#[derive(Serialize, Deserialize)]
pub struct Asked {
    #[serde(rename = "s")]
    session: String,
    #[serde(rename = "c")]
    channel: String,
    #[serde(rename = "r")]
    response_url: String,
}

/// The question form's metadata, when `submitted` is that form.
pub fn asked(submitted: &SlackInteractionViewSubmissionEvent) -> Option<Asked> {
    let SlackView::Modal(modal) = &submitted.view.view else { return None };
    (modal.callback_id.as_ref()?.0 == ASK_FORM).then_some(())?;
    serde_json::from_str(modal.private_metadata.as_deref()?).ok()
}

fn plain(text: &str) -> SlackBlockPlainTextOnly {
    SlackBlockPlainTextOnly::from(SlackBlockPlainText::from(text))
}

impl Slack {
    /// **Ask the speaker**: the form for a question about the session the
    /// button's value names.
    pub(super) async fn ask_button(
        &self,
        event: &SlackInteractionBlockActionsEvent,
        action: &SlackInteractionActionInfo,
        channel: &str,
        response_url: &str,
    ) {
        let Some(api) = &self.api else { return };
        let session = action.value.clone().unwrap_or_default();
        let engine = self.dispatcher.engine();
        let title = engine.schedule().sessions.iter().find(|s| s.id == session).map_or("the session", |s| &s.title);
        let asked = Asked { session: session.clone(), channel: channel.to_string(), response_url: response_url.into() };
        let Ok(metadata) = serde_json::to_string(&asked) else { return };
        let field = SlackBlockPlainTextInputElement::new()
            .with_action_id(QUESTION_FIELD.into())
            .with_multiline(true)
            .with_max_length(QUESTION_MAX as u64)
            .with_placeholder(plain("Posted in the channel without your name, for everyone to upvote."));
        let blocks = vec![
            SlackSectionBlock::new()
                .with_text(SlackBlockText::MarkDown(SlackBlockMarkDownText::new(format!(
                    "A question for *{}*",
                    blocks::escape(title)
                ))))
                .into(),
            SlackInputBlock::new(plain("Your question"), field.into()).with_block_id(QUESTION_FIELD.into()).into(),
        ];
        let view = SlackView::Modal(
            SlackModalView::new(plain("Ask the speaker"), blocks)
                .with_submit(plain("Ask"))
                .with_close(plain("Cancel"))
                .with_callback_id(ASK_FORM.into())
                .with_private_metadata(metadata),
        );
        let request = SlackApiViewsOpenRequest::new(event.trigger_id.clone(), view);
        if let Err(error) = api.client.open_session(&api.token).views_open(&request).await {
            tracing::warn!("opening the form for an audience question failed: {error:#}");
        }
    }

    /// The form sent: asked as `/qa ask session:ID …` is, in the channel
    /// the button was in, and answered to the asker alone through the
    /// button's `response_url`.
    pub(super) async fn ask_submitted(&self, submitted: &SlackInteractionViewSubmissionEvent, asked: Asked) {
        let question = (|| {
            let values = &submitted.view.state_params.state.as_ref()?.values;
            values.get(&QUESTION_FIELD.into())?.get(&QUESTION_FIELD.into())?.value.clone()
        })();
        let Some((line, command)) = asked_in_form(&asked.session, question.as_deref().unwrap_or("")) else {
            return;
        };
        let origin = self.origin(&submitted.team.id.0, &asked.channel, &submitted.user.id.0, &line).await;
        let reply = self.dispatcher.answer_form(&origin, &line, command).await;
        if !self.may_respond_to(&asked.response_url) {
            tracing::warn!("a question form's response_url is not Slack's: {}", asked.response_url);
            return;
        }
        let content = blocks::message(&reply, Shape { ephemeral: true }, None);
        let body = super::response_body(content, false, Some(SlackMessageResponseType::Ephemeral));
        self.respond(&asked.response_url, &body).await;
    }
}
