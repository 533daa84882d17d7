//! The words questions are asked with: what frames a question rather than
//! says what it is about, the nouns and verbs of a conference's sessions,
//! the pronouns that refer back, the words after a wh-word that say what
//! kind of answer is wanted, and the words that ask a fact of the
//! conference itself (where it is held, when it starts, its time zone, how
//! many rooms it has). Each list was written from English usage
//! for a conference (its source is on the list), never from a question set.

use std::collections::HashSet;
use std::sync::LazyLock;

/// Source: English verbs of asking and telling, and the nouns that ask for
/// a session's name, time, place or length.
pub(crate) const FRAME_WORDS: &[&str] = &[
    "tell",
    "know",
    "say",
    "says",
    "said",
    "saying",
    "think",
    "thinks",
    "thought",
    "thoughts",
    "feel",
    "feels",
    "believe",
    "believes",
    "opinion",
    "opinions",
    "view",
    "views",
    "take",
    "mean",
    "means",
    "explain",
    "describe",
    "title",
    "titled",
    "name",
    "named",
    "called",
    "topic",
    "subject",
    "time",
    "date",
    "day",
    "year",
    "room",
    "place",
    "location",
    "located",
    "venue",
    "stage",
    "track",
    "start",
    "starts",
    "starting",
    "begin",
    "begins",
    "end",
    "ends",
    "finish",
    "finishes",
    "happen",
    "happens",
    "happening",
    "held",
    "long",
    "old",
    "age",
    "minutes",
    "hours",
    "duration",
    "last",
    "lasts",
    "schedule",
    "scheduled",
    "programme",
    "program",
    "agenda",
    "conference",
];

/// Source: the kinds of session conference programmes list (frab, pretalx
/// and Sessionize session types).
pub(crate) const SESSION_NOUNS: &[&str] = &[
    "talk",
    "talks",
    "session",
    "sessions",
    "keynote",
    "keynotes",
    "presentation",
    "presentations",
    "lecture",
    "lectures",
    "workshop",
    "workshops",
    "panel",
    "panels",
    "tutorial",
    "tutorials",
    "demo",
    "demos",
];

/// Source: the nouns of [`SESSION_NOUNS`] for any session of a programme,
/// whatever its type (a keynote and a workshop are talks and sessions too).
pub(crate) const ANY_SESSION_NOUNS: &[&str] = &["talk", "session", "presentation", "lecture"];

/// Source: English verbs that say someone gives a session, in their forms.
pub(crate) const SESSION_VERBS: &[&str] = &[
    "talk",
    "talking",
    "talks",
    "speak",
    "speaking",
    "speaks",
    "present",
    "presenting",
    "presents",
    "give",
    "giving",
    "gives",
    "gave",
    "host",
    "hosting",
    "hosts",
    "run",
    "running",
    "runs",
    "lead",
    "leading",
    "leads",
    "doing",
    "on",
];

/// Source: English third-person personal pronouns (a grammar category),
/// which stand for the person last asked about.
pub(crate) const PRONOUNS: &[&str] = &["he", "she", "they", "him", "her", "them", "his", "hers", "their", "theirs"];

/// Source: English verbs and nouns of opinion: a question with one wants
/// someone's own words.
pub(crate) const OPINION_WORDS: &[&str] = &[
    "think", "thinks", "feel", "feels", "believe", "believes", "opinion", "opinions", "thoughts", "view", "views",
    "stance",
];

/// After `what` or `which`, the nouns that ask for a time.
pub(crate) const TIME_NOUNS: &[&str] = &["time", "year", "hour"];
/// …for a day.
pub(crate) const DAY_NOUNS: &[&str] = &["day", "date", "days"];
/// …for a place at the conference.
pub(crate) const PLACE_NOUNS: &[&str] = &["room", "stage", "hall", "venue", "location", "place", "building", "floor"];
/// …for a track.
pub(crate) const TRACK_NOUNS: &[&str] = &["track", "devroom"];
/// After `what is`, the words that ask what is on: `what's on`, `what's next`.
pub(crate) const ON_NOW: &[&str] = &["on", "happening", "next", "up", "coming", "running", "playing"];
/// Source: the forms of English verbs of giving a talk, before `about` or
/// `on` a topic (`who is talking about X`).
pub(crate) const TALKING: &[&str] = &["talking", "speaking", "presenting", "talks", "speaks", "presents"];

static FRAME: LazyLock<HashSet<&'static str>> = LazyLock::new(|| FRAME_WORDS.iter().copied().collect());

/// Whether a word frames a question (`tell`, `time`, `room`, `speaking`)
/// rather than says what it is about.
pub(crate) fn is_frame_word(word: &str) -> bool {
    FRAME.contains(word) || SESSION_VERBS.contains(&word)
}

/// Whether a word names a kind of session.
pub(crate) fn is_session_noun(word: &str) -> bool {
    SESSION_NOUNS.contains(&word)
}

/// Source: English nouns and verbs of employment: a question about a
/// person with one asks where they work.
pub(crate) const EMPLOYER_WORDS: &[&str] = &[
    "work",
    "works",
    "working",
    "worked",
    "employer",
    "employers",
    "employed",
    "employs",
    "employ",
    "employment",
    "company",
    "companies",
    "organisation",
    "organization",
    "firm",
    "workplace",
    "represent",
    "represents",
    "representing",
    "org",
    "orgs",
];
/// …what they do for a living.
pub(crate) const ROLE_ASK_WORDS: &[&str] =
    &["job", "jobs", "role", "roles", "title", "position", "occupation", "profession", "career", "do", "does"];
/// …where they come from.
pub(crate) const ORIGIN_ASK_WORDS: &[&str] =
    &["from", "hometown", "born", "grow", "grew", "raised", "nationality", "origin", "originally", "come", "comes"];
/// …where they are based.
pub(crate) const BASED_ASK_WORDS: &[&str] =
    &["based", "live", "lives", "living", "located", "reside", "resides", "home", "city", "country"];
/// …where or what they studied.
pub(crate) const STUDY_ASK_WORDS: &[&str] = &[
    "study",
    "studied",
    "studies",
    "studying",
    "university",
    "college",
    "school",
    "degree",
    "education",
    "alma",
    "graduate",
    "graduated",
    "uni",
    "attend",
    "attended",
];
/// …what they are known for.
pub(crate) const KNOWN_ASK_WORDS: &[&str] = &["known", "famous", "renowned", "notable"];
/// …their pronouns.
pub(crate) const PRONOUN_ASK_WORDS: &[&str] = &["pronoun", "pronouns"];

/// Source: the other words of a question about someone's work or home:
/// when (`these days`, `currently`), how (`exactly`, `professionally`,
/// `for a living`), and the nouns it asks with (`title`, `town`, `place`).
pub(crate) const THEIR_WORDS: &[&str] = &[
    "currently",
    "today",
    "days",
    "exactly",
    "professionally",
    "living",
    "title",
    "town",
    "place",
    "name",
    "current",
    "main",
    "actual",
    "usual",
    "full",
    "go",
    "went",
    "up",
    "tell",
    "mater",
    "there",
    "earn",
    "earns",
];

/// Source: the English nouns and pronouns a question names the people it
/// asks for with (`which speakers`, `anyone`), not a role they have.
pub(crate) const PEOPLE_NOUNS: &[&str] = &[
    "speaker",
    "speakers",
    "people",
    "person",
    "persons",
    "anyone",
    "anybody",
    "someone",
    "somebody",
    "presenter",
    "presenters",
    "folks",
    "who",
    "whom",
    "everyone",
    "everybody",
    "attendee",
    "attendees",
];

/// Source: the English words a request for a list of people starts with
/// (`any journalists?`, `list the CTOs`, `are there designers here`).
pub(crate) const LISTING_WORDS: &[&str] = &["any", "anyone", "anybody", "is", "are", "list", "show", "name", "find"];

/// Source: English prepositions before an organisation or a place a
/// question asks who works at or comes from.
pub(crate) const AT_OR_FROM: &[&str] = &["at", "for", "from", "with", "in", "of", "based"];

/// Source: English prepositions after `work` that ask what someone works
/// on, not where (`what does she work on`).
pub(crate) const TOPIC_PREPOSITIONS: &[&str] = &["on", "about"];

/// Source: what follows `what does X do` when it asks their job (`for a
/// living`, `professionally`, `exactly`, `now`, `for work`).
pub(crate) const AFTER_DO: &[&str] = &["for", "a", "living", "professionally", "exactly", "now", "work"];

/// Source: English nouns for what someone does for a living.
pub(crate) const ROLE_NOUNS: &[&str] =
    &["job", "jobs", "role", "roles", "position", "occupation", "profession", "career", "title"];

/// Source: English prepositions before a place someone is from or in.
pub(crate) const FROM_PLACE: &[&str] = &["from", "in", "based"];

/// Source: English prepositions before an organisation someone works at.
pub(crate) const AT_ORGANISATION: &[&str] = &["at", "for", "with"];

/// Source: the English nouns a conference as a whole is called by, as
/// organisers and attendees name one (`the conference`, `this event`, `the
/// congress`), in the singular.
pub(crate) const CONFERENCE_NOUNS: &[&str] = &[
    "conference",
    "conf",
    "event",
    "congress",
    "convention",
    "summit",
    "symposium",
    "festival",
    "meetup",
    "camp",
    "expo",
    "gathering",
    "edition",
];

/// Source: English nouns for the place an event is held in, after `which`
/// or `what` (`which city`, `what country`), in the singular.
pub(crate) const HOST_PLACE_NOUNS: &[&str] =
    &["city", "town", "country", "state", "region", "venue", "location", "place"];

/// Source: English verbs that say an event is held somewhere, in their
/// forms (`held`, `hosted`, `take place`, `happening`).
pub(crate) const HELD_WORDS: &[&str] =
    &["held", "hosted", "located", "happen", "happens", "happening", "take", "takes", "taking", "place"];

/// Source: English verbs of beginning, in their forms (`start`, `kick
/// off`, `open`), and the nouns made from them.
pub(crate) const START_WORDS: &[&str] = &[
    "start",
    "starts",
    "starting",
    "started",
    "begin",
    "begins",
    "beginning",
    "began",
    "open",
    "opens",
    "kick",
    "kicks",
    "kickoff",
    "commence",
    "commences",
];

/// Source: English verbs of ending, in their forms (`end`, `finish`, `wrap
/// up`, `be over`), and the nouns made from them.
pub(crate) const END_WORDS: &[&str] = &[
    "end",
    "ends",
    "ending",
    "ended",
    "finish",
    "finishes",
    "finishing",
    "finished",
    "close",
    "closes",
    "over",
    "wrap",
    "wraps",
    "conclude",
    "concludes",
];

/// Source: the English nouns for a time zone, written apart, together or
/// abbreviated (`time zone`, `timezone`, `TZ`).
pub(crate) const ZONE_NOUNS: &[&str] = &["zone", "zones", "timezone", "timezones", "tz"];

/// Source: the English nouns a conference's rooms are called by in its
/// programme and on its signs, in the singular.
pub(crate) const ROOM_NOUNS: &[&str] = &["room", "stage", "hall", "auditorium", "theatre", "theater"];

/// Source: the English nouns for someone who gives a conference session
/// (frab's, pretalx's and Sessionize's roles), in the singular.
pub(crate) const SPEAKER_NOUNS: &[&str] =
    &["speaker", "presenter", "lecturer", "panelist", "panellist", "moderator", "keynoter"];

/// Source: English words that ask for a count besides `how many` (`the
/// number of`, `in total`, `altogether`).
pub(crate) const COUNT_WORDS: &[&str] = &[
    "number",
    "count",
    "total",
    "overall",
    "altogether",
    "different",
    "distinct",
    "exactly",
    "roughly",
    "approximately",
];

/// Source: English verbs of having and holding, in their forms, that ask
/// what something has (`how many rooms does it use`, `what tracks does it
/// offer`).
pub(crate) const HAVE_WORDS: &[&str] = &[
    "use", "uses", "used", "using", "offer", "offers", "include", "includes", "contain", "contains", "feature",
    "features", "follow", "follows", "hold", "holds", "list", "lists",
];

/// Source: English words that ask what something is called (`what is it
/// called`, `its name`, `what does the acronym stand for`).
pub(crate) const NAME_ASK_WORDS: &[&str] =
    &["name", "named", "called", "title", "titled", "acronym", "abbreviation", "stand", "stands"];

/// Source: English nouns that ask for what is known of something as a
/// whole (`conference info`, `the details of the event`).
pub(crate) const OVERVIEW_WORDS: &[&str] =
    &["info", "information", "details", "overview", "summary", "basics", "facts", "practical", "practicalities"];
