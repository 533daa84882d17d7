//! The help desk on Slack: a question `/ask` could not answer is posted to
//! `EMCEE_SLACK_HELP_CHANNEL` with **Answer** and **Add to FAQ**; either
//! button opens a form (a modal, `views.open`) for an organiser, and the
//! form's submission sends the answer to everyone who asked, in a direct
//! message, and shows it on the post (`chat.update`), its buttons gone.

use slack_morphism::prelude::*;

use super::blocks::{SECTION_MAX, cut, escape};
use super::{Api, Slack};
use crate::dispatch::{HELP_ANSWER_MAX, HelpAnswered, HelpDesk, Origin, Pending, Platform};
use crate::store::NamedHelp;

/// The buttons on a question posted to the help channel, and the forms they open.
pub const HELP_ANSWER: &str = "help_answer";
pub const HELP_FAQ: &str = "help_faq";
/// The fields of the form.
const ANSWER_FIELD: &str = "answer";
const QUESTION_FIELD: &str = "question";
/// Longest FAQ question the form takes, and the most of the question a
/// direct message repeats.
const QUESTION_MAX: u64 = 300;

/// Posts to the help channel and sends answers, with the bot's token.
pub struct SlackHelp {
    api: Api,
    channel: String,
}

impl SlackHelp {
    /// A help desk when a help channel is configured and there is a token to post with.
    pub fn new(slack: &Slack) -> Option<SlackHelp> {
        Some(SlackHelp { api: slack.api.clone()?, channel: slack.help_channel.clone()? })
    }
}

impl HelpDesk for SlackHelp {
    fn post<'a>(&'a self, id: &'a str, question: &'a str) -> Pending<'a, (String, String)> {
        Box::pin(async move {
            let request = SlackApiChatPostMessageRequest::new(self.channel.clone().into(), waiting(id, question, &[]))
                .with_unfurl_links(false);
            let posted = self.api.client.open_session(&self.api.token).chat_post_message(&request).await?;
            Ok((posted.channel.0, posted.ts.0))
        })
    }

    fn deliver<'a>(&'a self, asker: &'a str, question: &'a str, answer: &'a str) -> Pending<'a, ()> {
        Box::pin(async move {
            let question: String = question.chars().take(QUESTION_MAX as usize).collect();
            let text = format!("You asked: _{}_\nThe organisers answer:\n{}", escape(&question), escape(answer));
            let content = SlackMessageContent::new()
                .with_text(cut(&escape(answer), SECTION_MAX))
                .with_blocks(vec![section(text)]);
            self.api.post(asker, content, None).await
        })
    }

    fn name<'a>(&'a self, id: &'a str, posted: &'a NamedHelp) -> Pending<'a, ()> {
        Box::pin(async move {
            let content = waiting(id, &posted.question, &posted.named);
            let request =
                SlackApiChatUpdateRequest::new(posted.channel.clone().into(), content, posted.message.clone().into());
            self.api.client.open_session(&self.api.token).chat_update(&request).await?;
            Ok(())
        })
    }
}

fn section(text: String) -> SlackBlock {
    SlackSectionBlock::new()
        .with_text(SlackBlockText::MarkDown(SlackBlockMarkDownText::new(cut(&text, SECTION_MAX))))
        .into()
}

fn plain(text: &str) -> SlackBlockPlainTextOnly {
    SlackBlockPlainTextOnly::from(SlackBlockPlainText::from(text))
}

/// A question waiting, as posted: what was asked, who asked only when they
/// agreed (`named`, Slack user ids), and the two buttons.
pub fn waiting(id: &str, question: &str, named: &[String]) -> SlackMessageContent {
    let mut text = format!("*A question I could not answer*\n>{}", escape(question).replace('\n', "\n>"));
    if !named.is_empty() {
        let who: Vec<String> = named.iter().map(|user| format!("<@{}>", escape(user))).collect();
        text.push_str(&format!("\nAsked by {}", who.join(", ")));
    }
    let button = |label: &str, action: &str| {
        SlackActionBlockElement::Button(
            SlackBlockButtonElement::new(plain(label)).with_action_id(action.into()).with_value(id.to_string()),
        )
    };
    let help = "Answer sends your answer to everyone who asked it, in a direct message; Add to FAQ also makes it \
                an FAQ entry, which the next person to ask gets at once.";
    SlackMessageContent::new()
        .with_text(cut(&format!("A question I could not answer: {}", escape(question)), SECTION_MAX))
        .with_blocks(vec![
            section(text),
            SlackContextBlock::new(vec![SlackContextBlockElement::Plain(SlackBlockPlainText::new(help.to_string()))])
                .into(),
            SlackActionsBlock::new(vec![button("Answer", HELP_ANSWER), button("Add to FAQ", HELP_FAQ)]).into(),
        ])
}

/// A question answered, as the post then shows it: no buttons left.
pub fn answered(answered: &HelpAnswered, by: &str) -> SlackMessageContent {
    let filed = if answered.in_faq { " It is in the FAQ now." } else { "" };
    let text = format!(
        "*A question I could not answer*\n>{}\n*Answered by <@{by}>* (sent to {} who asked):{filed}\n{}",
        escape(&answered.question).replace('\n', "\n>"),
        answered.delivered,
        escape(&answered.answer)
    );
    SlackMessageContent::new().with_text(cut(&escape(&answered.answer), SECTION_MAX)).with_blocks(vec![section(text)])
}

/// The form an organiser answers in: the question, the answer and, to add
/// it to the FAQ, the question as the FAQ should ask it.
fn form(action: &str, id: &str, question: &str) -> SlackView {
    let mut blocks = vec![section(format!(">{}", escape(question).replace('\n', "\n>")))];
    if action == HELP_FAQ {
        let field = SlackBlockPlainTextInputElement::new()
            .with_action_id(QUESTION_FIELD.into())
            .with_initial_value(question.chars().take(QUESTION_MAX as usize).collect())
            .with_max_length(QUESTION_MAX);
        blocks.push(
            SlackInputBlock::new(plain("The question, as the FAQ asks it"), field.into())
                .with_block_id(QUESTION_FIELD.into())
                .into(),
        );
    }
    let field = SlackBlockPlainTextInputElement::new()
        .with_action_id(ANSWER_FIELD.into())
        .with_multiline(true)
        .with_max_length(HELP_ANSWER_MAX as u64);
    blocks.push(SlackInputBlock::new(plain("Your answer"), field.into()).with_block_id(ANSWER_FIELD.into()).into());
    let title = if action == HELP_FAQ { "Answer and add to FAQ" } else { "Answer a question" };
    SlackView::Modal(
        SlackModalView::new(plain(title), blocks)
            .with_submit(plain("Send"))
            .with_close(plain("Cancel"))
            .with_callback_id(action.into())
            .with_private_metadata(id.to_string()),
    )
}

impl Slack {
    /// **Answer** or **Add to FAQ** under a question in the help channel:
    /// the form for an organiser; anyone else is told why not.
    pub(super) async fn help_button(
        &self,
        event: &SlackInteractionBlockActionsEvent,
        action: &SlackInteractionActionInfo,
        user: &str,
    ) {
        let id = action.value.as_deref().unwrap_or("");
        let refused = if !self.is_organiser(user).await {
            Some(crate::dispatch::HelpRefused::NotOrganiser)
        } else {
            match self.dispatcher.help_question(id).await {
                Ok(question) => {
                    let Some(api) = &self.api else { return };
                    let request = SlackApiViewsOpenRequest::new(
                        event.trigger_id.clone(),
                        form(&action.action_id.0, id, &question),
                    );
                    if let Err(error) = api.client.open_session(&api.token).views_open(&request).await {
                        tracing::warn!("opening the help desk's form failed: {error:#}");
                    }
                    None
                }
                Err(refused) => Some(refused),
            }
        };
        if let (Some(refused), Some(url)) = (refused, &event.response_url) {
            let body = serde_json::json!({
                "response_type": "ephemeral", "replace_original": false, "text": refused.to_string()
            });
            self.respond(url.0.as_str(), &body).await;
        }
    }

    /// The form submitted: the answer recorded, sent to those who asked,
    /// and shown on the post; a refusal goes to the organiser who sent it.
    pub(super) async fn help_submitted(&self, event: SlackInteractionViewSubmissionEvent) {
        let SlackView::Modal(modal) = &event.view.view else { return };
        let action = modal.callback_id.as_ref().map(|c| c.0.as_str()).unwrap_or("");
        if action != HELP_ANSWER && action != HELP_FAQ {
            return;
        }
        let id = modal.private_metadata.as_deref().unwrap_or("");
        let value = |field: &str| {
            let values = &event.view.state_params.state.as_ref()?.values;
            values.get(&field.into())?.get(&field.into())?.value.clone()
        };
        let answer = value(ANSWER_FIELD).unwrap_or_default();
        let faq_question = (action == HELP_FAQ).then(|| value(QUESTION_FIELD).unwrap_or_default());
        let user = event.user.id.0.clone();
        let origin = Origin {
            platform: Platform::Slack,
            workspace: event.team.id.0.clone(),
            channel: String::new(),
            user: user.clone(),
            organiser: self.is_organiser(&user).await,
        };
        let Some(api) = &self.api else { return };
        match self.dispatcher.answer_help(&origin, id, &answer, faq_question.as_deref()).await {
            Ok(done) => {
                let Some((channel, ts)) = &done.posted else { return };
                let request =
                    SlackApiChatUpdateRequest::new(channel.clone().into(), answered(&done, &user), ts.clone().into());
                if let Err(error) = api.client.open_session(&api.token).chat_update(&request).await {
                    tracing::warn!("showing the answer on the help channel's post failed: {error:#}");
                }
            }
            Err(refused) => {
                let content = SlackMessageContent::new().with_text(refused.to_string());
                if let Err(error) = api.post(&user, content, None).await {
                    tracing::warn!("telling an organiser their answer was not sent failed: {error:#}");
                }
            }
        }
    }
}
