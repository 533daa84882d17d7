//! The help desk: when `/ask` cannot answer, the reply says who can help
//! (`EMCEE_HELP_CONTACT`), and where the platform has a help channel the
//! question is passed there, without the asker's name, for an organiser to
//! answer. The answer goes back to everyone who asked it, in a direct
//! message, and **Add to FAQ** makes it an FAQ entry the next asker gets.
//!
//! Each platform's adapter posts and sends through a [`HelpDesk`] it
//! registers; what is waiting and what was answered is claimed in the
//! database ([`Store::ask_for_help`](crate::store::Store::ask_for_help)),
//! so a question is posted once and its answer sent once, whichever
//! replica handles what. A flood of questions is held back twice: one
//! person may have [`PER_PERSON`] questions waiting an hour, and a
//! workspace passes on `EMCEE_HELP_PER_HOUR`.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};

use emcee_core::Reply;
use emcee_core::command::CommandKind;
use emcee_core::faq::Entry;
use emcee_core::reply::{Offer, Status};

use super::{Dispatcher, Origin, Platform};
pub use crate::config::HelpSettings;
use crate::store::{HelpAsk, HelpOutcome, NamedHelp};

/// Questions one person may have waiting for the organisers in an hour:
/// enough for a real conversation's follow-ups, too few for one person to
/// fill the channel.
pub const PER_PERSON: u32 = 3;

/// The section an entry added from the help desk is filed under.
pub const FAQ_SECTION: &str = "Answered at the help desk";

pub type Pending<'a, T> = Pin<Box<dyn Future<Output = anyhow::Result<T>> + Send + 'a>>;

/// A platform's help channel: where questions are posted, and how answers
/// reach the people who asked.
pub trait HelpDesk: Send + Sync {
    /// Posts request `id`'s question with **Answer** and **Add to FAQ**;
    /// returns the channel and the platform's id of the message.
    fn post<'a>(&'a self, id: &'a str, question: &'a str) -> Pending<'a, (String, String)>;
    /// Sends `answer` to `asker` (the platform's user id) in a direct message.
    fn deliver<'a>(&'a self, asker: &'a str, question: &'a str, answer: &'a str) -> Pending<'a, ()>;
    /// Shows the question posted as `posted` again, with `named` (platform
    /// user ids, who agreed) as those who asked it.
    fn name<'a>(&'a self, id: &'a str, posted: &'a NamedHelp) -> Pending<'a, ()>;
}

/// The token of the button that names the asker with their question.
const NAME_ME: &str = "help-name:";

/// The help desks the adapters registered, by platform.
#[derive(Default)]
pub(super) struct Desks(RwLock<HashMap<Platform, Arc<dyn HelpDesk>>>);

impl Desks {
    fn get(&self, platform: Platform) -> Option<Arc<dyn HelpDesk>> {
        self.0.read().unwrap_or_else(|poisoned| poisoned.into_inner()).get(&platform).cloned()
    }
}

/// An organiser's answer, recorded: what the post shows at once; the
/// answer is sent to the askers by [`Dispatcher::send_help`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpClaimed {
    id: String,
    platform: Platform,
    pub question: String,
    pub answer: String,
    /// The platform ids of those who asked, to send the answer to.
    askers: Vec<String>,
    /// Where the question was posted: channel and message.
    pub posted: Option<(String, String)>,
}

impl HelpClaimed {
    /// How many people asked.
    pub fn askers(&self) -> usize {
        self.askers.len()
    }
}

/// An answer sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpAnswered {
    pub question: String,
    pub answer: String,
    /// How many of those who asked were sent it.
    pub delivered: usize,
    /// Whether it is now an FAQ entry.
    pub in_faq: bool,
    pub posted: Option<(String, String)>,
}

/// Why an answer was not recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HelpRefused {
    #[error("Only organisers can answer the help desk's questions.")]
    NotOrganiser,
    #[error("That question is no longer waiting: it was answered already.")]
    Answered,
    #[error("There is no such question at the help desk.")]
    Unknown,
    #[error("Write an answer to send.")]
    Empty,
    #[error("The answer is longer than {HELP_ANSWER_MAX} characters; a direct message should be short.")]
    TooLong,
    #[error("The database is not answering; the answer was not sent. Try again soon.")]
    Database,
}

/// Longest answer an organiser may send, in characters: with the question
/// it answers, it fits in one direct message on both platforms (Discord's
/// 2,000 characters, Slack's 3,000 a section).
pub const HELP_ANSWER_MAX: usize = 1_500;

/// Longest the database may take to take a question in before `/ask`
/// replies without it: the reply goes within the platforms' three seconds
/// whatever the database does.
const PASS_ON_BUDGET: std::time::Duration = std::time::Duration::from_millis(800);

/// Longest the database may take to find a question for the form, which
/// Discord wants within three seconds.
const LOOK_UP_BUDGET: std::time::Duration = std::time::Duration::from_millis(1_500);

/// Tries at sending an answer to one person, a second and then two apart
/// (a platform's rate limit, a moment's outage).
const DELIVERY_TRIES: u32 = 3;

impl Dispatcher {
    /// Who can help, and how many questions an hour go to the help channels.
    pub fn with_help(self, help: HelpSettings) -> Dispatcher {
        Dispatcher { help, ..self }
    }

    /// Passes the questions `/ask` cannot answer on `platform` to `desk`.
    pub fn add_help_desk(&self, platform: Platform, desk: Arc<dyn HelpDesk>) {
        if self.usage.is_none() {
            tracing::warn!(
                platform = platform.as_str(),
                "a help channel is set, but there is no database to keep its questions: none will be posted"
            );
            return;
        }
        self.desks.0.write().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(platform, desk);
    }

    /// Says who can help under a reply that declined `question`, and passes
    /// the question to the platform's help channel when there is one.
    pub(super) async fn ask_for_help(&self, origin: &Origin, question: &str, reply: &mut Reply) {
        let contact = self.help.contact.as_deref().map(|c| format!(" Who can help: {c}.")).unwrap_or_default();
        let passed = match (self.desks.get(origin.platform), &self.usage) {
            (Some(desk), Some(usage)) => self.pass_on(desk, usage, origin, question).await,
            _ => None,
        };
        let said = match passed {
            Some(HelpOutcome::New(_) | HelpOutcome::Joined(_)) => format!(
                "I have passed your question to the organisers, without your name; their answer will come to you \
                 in a direct message.{contact}"
            ),
            Some(HelpOutcome::AlreadyWaiting) => format!(
                "Your question is already with the organisers; their answer will come to you in a direct message.{contact}"
            ),
            Some(HelpOutcome::PersonLimited) => format!(
                "You have {PER_PERSON} questions waiting for the organisers this hour, so this one was not passed on.{contact}"
            ),
            Some(HelpOutcome::ChannelLimited) => format!(
                "The organisers have as many questions as they can take this hour, so yours was not passed on.{contact}"
            ),
            None => contact.trim_start().to_string(),
        };
        if !said.is_empty() {
            reply.body = format!("{}\n\n{said}", reply.body.trim_end());
        }
        if let Some(HelpOutcome::New(id) | HelpOutcome::Joined(id)) = passed {
            reply.offer =
                Some(Offer { label: String::from("Tell the organisers who I am"), token: format!("{NAME_ME}{id}") });
        }
    }

    /// A button a reply offered ([`Offer`]), pressed by `origin`: the one
    /// kind there is names the asker with their question in the help
    /// channel, which only they can do, since the database knows them as
    /// one who waits for it.
    pub async fn take_offer(&self, origin: &Origin, token: &str) -> Reply {
        // An audience question's Upvote: anyone's, answered and logged as `/qa vote`.
        if let Some(id) = token.strip_prefix(emcee_core::engine::qa::VOTE_TOKEN) {
            let line = format!("/qa vote {id}");
            return match id.parse::<i64>() {
                Ok(id) => {
                    let pressed = emcee_core::command::QaCommand::Vote { id, pressed: true };
                    self.answer_form(origin, &line, emcee_core::Command::Qa(pressed)).await
                }
                Err(_) => self.answer(origin, &line).await,
            };
        }
        let refused = |text: &str| Reply::message(CommandKind::Ask, Status::Invalid, text);
        let (Some(id), Some(usage), Some(desk)) =
            (token.strip_prefix(NAME_ME), &self.usage, self.desks.get(origin.platform))
        else {
            return refused("That button no longer does anything.");
        };
        let named = tokio::time::timeout(LOOK_UP_BUDGET, usage.store.name_help_asker(id, &origin.user)).await;
        match named {
            Ok(Ok(Some(posted))) => match desk.name(id, &posted).await {
                Ok(()) => Reply::message(
                    CommandKind::Ask,
                    Status::Ok,
                    "The organisers now see your name with your question; their answer will still come to you in \
                     a direct message.",
                ),
                Err(error) => {
                    tracing::warn!("naming an asker on the help channel failed: {error:#}");
                    refused("Your name could not be added to the question just now; try again in a moment.")
                }
            },
            Ok(Ok(None)) => refused("Your question is no longer waiting, or has not reached the organisers yet."),
            Ok(Err(error)) => {
                tracing::warn!("naming an asker failed: {error:#}");
                refused("The database is not answering; try again soon.")
            }
            Err(_) => refused("The database is not answering; try again soon."),
        }
    }

    /// Records the question as waiting and, when it is new, posts it in the
    /// background; `None` when the database could not say in time.
    async fn pass_on(
        &self,
        desk: Arc<dyn HelpDesk>,
        usage: &super::Usage,
        origin: &Origin,
        question: &str,
    ) -> Option<HelpOutcome> {
        let question = crate::store::storable(question.trim());
        let folded = emcee_core::text::fold(&question);
        let user_key = usage.keyer.key(origin.platform.as_str(), &origin.user);
        let ask = HelpAsk {
            platform: origin.platform.as_str(),
            workspace: &origin.workspace,
            question: &question,
            folded: &folded,
            asker: &origin.user,
            user_key: &user_key,
            now: jiff::Timestamp::now().as_second(),
            per_hour: self.help.per_hour,
            per_person: PER_PERSON,
        };
        let store = usage.store.clone();
        let asked = async {
            self.migrated.get_or_try_init(|| store.migrate()).await?;
            // A second try joins the request another replica made at the same moment.
            match store.ask_for_help(&ask).await {
                Ok(outcome) => Ok(outcome),
                Err(_) => store.ask_for_help(&ask).await,
            }
        };
        let outcome = match tokio::time::timeout(PASS_ON_BUDGET, asked).await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(error)) => {
                tracing::warn!("passing a question to the help channel failed: {error:#}");
                return None;
            }
            Err(_) => {
                tracing::warn!("passing a question to the help channel failed: the database did not answer in time");
                return None;
            }
        };
        crate::metrics::help_request(origin.platform.as_str(), outcome_label(&outcome));
        if let HelpOutcome::New(id) = &outcome {
            let id = id.clone();
            tokio::spawn(async move {
                let recorded = match desk.post(&id, &question).await {
                    Ok((channel, message)) => store.help_posted(&id, &channel, &message).await,
                    Err(error) => {
                        tracing::warn!("posting a question to the help channel failed: {error:#}");
                        // Forgotten, so that the next asker's question is posted.
                        store.drop_help(&id).await
                    }
                };
                if let Err(error) = recorded {
                    tracing::warn!("recording a help question's post failed: {error:#}");
                }
            });
        }
        Some(outcome)
    }

    /// The question of help request `id`, for the form an organiser answers in.
    pub async fn help_question(&self, id: &str) -> Result<String, HelpRefused> {
        let usage = self.usage.as_ref().ok_or(HelpRefused::Unknown)?;
        match tokio::time::timeout(LOOK_UP_BUDGET, usage.store.help_request(id)).await {
            Ok(Ok(Some(request))) if request.answer.is_some() => Err(HelpRefused::Answered),
            Ok(Ok(Some(request))) => Ok(request.question),
            Ok(Ok(None)) => Err(HelpRefused::Unknown),
            Ok(Err(error)) => {
                tracing::warn!("reading a help question failed: {error:#}");
                Err(HelpRefused::Database)
            }
            Err(_) => Err(HelpRefused::Database),
        }
    }

    /// An organiser's answer to request `id`, recorded once, whichever
    /// replica and whoever records it first; [`send_help`](Self::send_help)
    /// then sends it.
    pub async fn claim_help(&self, origin: &Origin, id: &str, answer: &str) -> Result<HelpClaimed, HelpRefused> {
        if !origin.organiser {
            return Err(HelpRefused::NotOrganiser);
        }
        let answer = crate::store::storable(answer.trim());
        if answer.is_empty() {
            return Err(HelpRefused::Empty);
        }
        if answer.chars().count() > HELP_ANSWER_MAX {
            return Err(HelpRefused::TooLong);
        }
        let usage = self.usage.as_ref().ok_or(HelpRefused::Unknown)?;
        let by = usage.keyer.key(origin.platform.as_str(), &origin.user);
        let now = jiff::Timestamp::now().as_second();
        let claimed = tokio::time::timeout(
            LOOK_UP_BUDGET,
            usage.store.answer_help(id, origin.platform.as_str(), &answer, &by, now),
        )
        .await;
        match claimed {
            Ok(Ok(Some(answered))) => Ok(HelpClaimed {
                id: id.to_string(),
                platform: origin.platform,
                question: answered.question,
                answer,
                askers: answered.askers,
                posted: answered.channel.zip(answered.message),
            }),
            Ok(Ok(None)) => Err(match usage.store.help_request(id).await {
                Ok(Some(request)) if request.platform == origin.platform.as_str() => HelpRefused::Answered,
                Ok(_) => HelpRefused::Unknown,
                Err(_) => HelpRefused::Database,
            }),
            Ok(Err(error)) => {
                tracing::warn!("recording a help desk answer failed: {error:#}");
                Err(HelpRefused::Database)
            }
            Err(_) => Err(HelpRefused::Database),
        }
    }

    /// Sends a recorded answer to each person who asked (each forgotten
    /// once it is sent, or could not be after [`DELIVERY_TRIES`]) and, with
    /// `faq_question`, adds it to the FAQ.
    pub async fn send_help(&self, claimed: HelpClaimed, faq_question: Option<&str>) -> HelpAnswered {
        let mut delivered = 0;
        if let (Some(desk), Some(usage)) = (self.desks.get(claimed.platform), &self.usage) {
            for asker in &claimed.askers {
                for attempt in 1..=DELIVERY_TRIES {
                    match desk.deliver(asker, &claimed.question, &claimed.answer).await {
                        Ok(()) => {
                            delivered += 1;
                            break;
                        }
                        Err(error) if attempt == DELIVERY_TRIES => {
                            tracing::warn!("sending a help desk answer failed {attempt} times: {error:#}");
                        }
                        Err(_) => tokio::time::sleep(std::time::Duration::from_secs(u64::from(attempt))).await,
                    }
                }
                if let Err(error) = usage.store.help_delivered(&claimed.id, asker).await {
                    tracing::warn!("forgetting who asked a help question failed: {error:#}");
                }
            }
        }
        let in_faq = match (faq_question.map(str::trim).filter(|q| !q.is_empty()), &self.usage) {
            (Some(question), Some(usage)) => self.add_to_faq(&usage.store, question, &claimed.answer).await,
            _ => false,
        };
        HelpAnswered { question: claimed.question, answer: claimed.answer, delivered, in_faq, posted: claimed.posted }
    }

    /// [`claim_help`](Self::claim_help), then [`send_help`](Self::send_help).
    pub async fn answer_help(
        &self,
        origin: &Origin,
        id: &str,
        answer: &str,
        faq_question: Option<&str>,
    ) -> Result<HelpAnswered, HelpRefused> {
        let claimed = self.claim_help(origin, id, answer).await?;
        Ok(self.send_help(claimed, faq_question).await)
    }

    /// Adds an entry to the FAQ, stored as its next version and answered
    /// from at once here (other replicas take it up as they take up an
    /// import); whether it was stored. Two stored at the same moment take
    /// the same version number, and the one refused tries again on the
    /// other's FAQ.
    async fn add_to_faq(&self, store: &crate::store::Store, question: &str, answer: &str) -> bool {
        let entry = Entry {
            question: crate::store::storable(question),
            answer: answer.to_string(),
            section: Some(String::from(FAQ_SECTION)),
        };
        for attempt in 1..=3 {
            match store.add_faq_entry(entry.clone(), self.engine().faq(), jiff::Timestamp::now()).await {
                Ok((_, faq)) => {
                    self.use_faq(faq);
                    return true;
                }
                Err(error) if attempt == 3 => {
                    tracing::warn!("adding a help desk answer to the FAQ failed: {error:#}");
                }
                Err(_) => {}
            }
        }
        false
    }
}

fn outcome_label(outcome: &HelpOutcome) -> &'static str {
    match outcome {
        HelpOutcome::New(_) => "posted",
        HelpOutcome::Joined(_) | HelpOutcome::AlreadyWaiting => "joined",
        HelpOutcome::PersonLimited => "person_limited",
        HelpOutcome::ChannelLimited => "channel_limited",
    }
}
