//! The help desk on Discord: a question `/ask` could not answer is posted
//! to `EMCEE_DISCORD_HELP_CHANNEL` with **Answer** and **Add to FAQ**;
//! either button opens a form (a modal) for an organiser, and the form's
//! submission sends the answer to everyone who asked, in a direct message,
//! and replaces the post with the answer, its buttons gone.

use std::sync::Arc;

use serenity::all::{
    ButtonStyle, ChannelId, ComponentInteraction, CreateActionRow, CreateAllowedMentions, CreateButton, CreateEmbed,
    CreateInputText, CreateInteractionResponse, CreateInteractionResponseMessage, CreateMessage, CreateModal,
    EditMessage, Http, InputTextStyle, MessageId, ModalInteraction, UserId,
};

use super::embed::{CONTENT_MAX, DESCRIPTION_MAX, cut};
use super::markdown::escape;
use super::{Discord, Handled};
use crate::dispatch::{HELP_ANSWER_MAX, HelpClaimed, HelpDesk, HelpRefused, Pending};
use crate::store::NamedHelp;

/// The custom ids of the two buttons, and of the forms they open: `help:answer:ID`, `help:faq:ID`.
const HELP: &str = "help";
const ANSWER: &str = "answer";
const FAQ: &str = "faq";
/// The form's fields.
const ANSWER_FIELD: &str = "answer";
const QUESTION_FIELD: &str = "question";
/// Longest FAQ question the form takes, and the most of the question a
/// direct message repeats.
const QUESTION_MAX: u16 = 300;

/// Posts to the help channel and sends answers, with the bot's token.
pub struct DiscordHelp {
    http: Arc<Http>,
    channel: u64,
}

impl DiscordHelp {
    /// A help desk when a help channel is configured (which needs the token).
    pub fn new(discord: &Discord) -> Option<DiscordHelp> {
        discord.settings.token.as_ref()?;
        Some(DiscordHelp { http: discord.http.clone(), channel: discord.settings.help_channel? })
    }
}

impl HelpDesk for DiscordHelp {
    fn post<'a>(&'a self, id: &'a str, question: &'a str) -> Pending<'a, (String, String)> {
        Box::pin(async move {
            let buttons = vec![
                CreateButton::new(format!("{HELP}:{ANSWER}:{id}")).label("Answer").style(ButtonStyle::Primary),
                CreateButton::new(format!("{HELP}:{FAQ}:{id}")).label("Add to FAQ").style(ButtonStyle::Secondary),
            ];
            let message = CreateMessage::new()
                .embed(waiting(question, &[]))
                .components(vec![CreateActionRow::Buttons(buttons)])
                .allowed_mentions(CreateAllowedMentions::new());
            let posted = ChannelId::new(self.channel).send_message(&self.http, message).await?;
            Ok((posted.channel_id.to_string(), posted.id.to_string()))
        })
    }

    fn deliver<'a>(&'a self, asker: &'a str, question: &'a str, answer: &'a str) -> Pending<'a, ()> {
        Box::pin(async move {
            let channel = UserId::new(super::snowflake(asker, "user")?).create_dm_channel(&self.http).await?;
            let question: String = question.chars().take(usize::from(QUESTION_MAX)).collect();
            let text = format!("You asked: *{}*\nThe organisers answer:\n{}", escape(&question), escape(answer));
            let message =
                CreateMessage::new().content(cut(&text, CONTENT_MAX)).allowed_mentions(CreateAllowedMentions::new());
            channel.id.send_message(&self.http, message).await?;
            Ok(())
        })
    }

    fn name<'a>(&'a self, _id: &'a str, posted: &'a NamedHelp) -> Pending<'a, ()> {
        Box::pin(async move {
            let channel = super::snowflake(&posted.channel, "channel")?;
            let message = super::snowflake(&posted.message, "message")?;
            let edit = EditMessage::new()
                .embed(waiting(&posted.question, &posted.named))
                .allowed_mentions(CreateAllowedMentions::new());
            ChannelId::new(channel).edit_message(&self.http, MessageId::new(message), edit).await?;
            Ok(())
        })
    }
}

/// A question waiting, as posted: what was asked, and who asked only when
/// they agreed (`named`, Discord user ids).
fn waiting(question: &str, named: &[String]) -> CreateEmbed {
    let who: Vec<String> = named.iter().filter(|id| id.parse::<u64>().is_ok()).map(|id| format!("<@{id}>")).collect();
    let asked = if who.is_empty() { String::new() } else { format!("Asked by {}\n", who.join(", ")) };
    CreateEmbed::new()
        .title("A question I could not answer")
        .description(cut(&format!("{asked}>>> {}", escape(question)), DESCRIPTION_MAX))
        .footer(serenity::all::CreateEmbedFooter::new(
            "Answer sends your answer to everyone who asked it, in a direct message; Add to FAQ also makes it an FAQ \
             entry, which the next person to ask gets at once.",
        ))
}

/// A question answered, as the post then shows it.
fn answered(answered: &HelpClaimed, by: u64, filing: bool) -> CreateEmbed {
    let filed = if filing { " It goes into the FAQ." } else { "" };
    let text = format!(
        ">>> {}\n\n**Answered by <@{by}>**, sent to the {} who asked:{filed}\n{}",
        escape(&answered.question),
        answered.askers(),
        escape(&answered.answer)
    );
    CreateEmbed::new().title("A question I could not answer").description(cut(&text, DESCRIPTION_MAX))
}

/// `help:VERB:ID` → its verb and id.
fn parse(custom_id: &str) -> Option<(&str, &str)> {
    let rest = custom_id.strip_prefix(HELP)?.strip_prefix(':')?;
    let (verb, id) = rest.split_once(':')?;
    ([ANSWER, FAQ].contains(&verb) && !id.is_empty()).then_some((verb, id))
}

fn refusal(refused: &HelpRefused) -> Handled {
    let message = CreateInteractionResponseMessage::new()
        .content(refused.to_string())
        .ephemeral(true)
        .allowed_mentions(CreateAllowedMentions::new());
    Handled::now(CreateInteractionResponse::Message(message))
}

impl Discord {
    /// **Answer** or **Add to FAQ**: the form for an organiser; `None` for
    /// a component that is not one of these.
    pub(super) async fn help_button(&self, component: &ComponentInteraction) -> Option<Handled> {
        let (verb, id) = parse(&component.data.custom_id)?;
        if !self.organiser(component.member.as_ref()) {
            return Some(refusal(&HelpRefused::NotOrganiser));
        }
        let question = match self.dispatcher.help_question(id).await {
            Ok(question) => question,
            Err(refused) => return Some(refusal(&refused)),
        };
        let mut rows = Vec::new();
        if verb == FAQ {
            let initial: String = question.chars().take(usize::from(QUESTION_MAX)).collect();
            rows.push(CreateActionRow::InputText(
                CreateInputText::new(InputTextStyle::Short, "The question, as the FAQ asks it", QUESTION_FIELD)
                    .value(initial)
                    .max_length(QUESTION_MAX),
            ));
        }
        rows.push(CreateActionRow::InputText(
            CreateInputText::new(InputTextStyle::Paragraph, "Your answer", ANSWER_FIELD)
                .max_length(u16::try_from(HELP_ANSWER_MAX).unwrap_or(u16::MAX)),
        ));
        let title = if verb == FAQ { "Answer and add to FAQ" } else { "Answer a question" };
        let modal = CreateModal::new(component.data.custom_id.clone(), title).components(rows);
        Some(Handled::now(CreateInteractionResponse::Modal(modal)))
    }

    /// The form submitted: the answer recorded, and the post it came from
    /// replaced by it at once; it is sent to those who asked (and filed in
    /// the FAQ) afterwards, within Discord's three seconds whatever that takes.
    pub(super) async fn help_submitted(&self, modal: ModalInteraction) -> Option<Handled> {
        let (verb, id) = parse(&modal.data.custom_id)?;
        let value = |field: &str| {
            modal.data.components.iter().flat_map(|row| &row.components).find_map(|c| match c {
                serenity::all::ActionRowComponent::InputText(input) if input.custom_id == field => input.value.clone(),
                _ => None,
            })
        };
        let answer = value(ANSWER_FIELD).unwrap_or_default();
        let faq_question = (verb == FAQ).then(|| value(QUESTION_FIELD).unwrap_or_default());
        let origin = self.origin(
            modal.guild_id.map(|g| g.get()),
            modal.channel_id.get(),
            modal.user.id.get(),
            modal.member.as_ref(),
        );
        match self.dispatcher.claim_help(&origin, id, &answer).await {
            Ok(claimed) => {
                let message = CreateInteractionResponseMessage::new()
                    .embed(answered(&claimed, modal.user.id.get(), faq_question.is_some()))
                    .components(Vec::new())
                    .allowed_mentions(CreateAllowedMentions::new());
                let dispatcher = self.dispatcher.clone();
                let later: super::Later = Box::pin(async move {
                    dispatcher.send_help(claimed, faq_question.as_deref()).await;
                });
                Some(Handled { response: CreateInteractionResponse::UpdateMessage(message), later: Some(later) })
            }
            Err(refused) => Some(refusal(&refused)),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_the_help_desk_s_ids() {
        assert_eq!(super::parse("help:answer:0190-ab"), Some(("answer", "0190-ab")));
        assert_eq!(super::parse("help:faq:x"), Some(("faq", "x")));
        assert_eq!(super::parse("help:delete:x"), None);
        assert_eq!(super::parse("help:answer:"), None);
        assert_eq!(super::parse("agenda:add:x"), None);
    }
}
