//! How tag lines and biographies say what someone does, for whom, where
//! they are and what they studied: the words around a role, an
//! organisation, a place or a school. Written from the grammar of English
//! (with German and French, the other languages of the real programmes a
//! conference hands over), never from the people described.

/// Source: English job titles written as acronyms or coined after WordNet
/// 3.0 (2006), which its occupations lack, and the titles whose commonest
/// sense in WordNet is another (`lead`, `head`, `founder`, `builder`).
pub(crate) const ROLE_WORDS: &[&str] = &[
    "ceo",
    "cto",
    "cfo",
    "coo",
    "cio",
    "ciso",
    "cpo",
    "vp",
    "svp",
    "evp",
    "mvp",
    "sre",
    "devrel",
    "pm",
    "devops",
    "postdoc",
    "lead",
    "head",
    "founder",
    "cofounder",
    "co-founder",
    "builder",
    "creator",
    "contributor",
    "partner",
    "fellow",
];

/// Source: English titles that lead a whole organisation, so that `<title>
/// of <Name>` names the organisation (`CEO of Intuji`), where `Head of
/// Engineering` names a part of one and `maintainer of qTox` a project.
pub(crate) const LEADS_ORGANISATION: &[&str] = &[
    "founder",
    "cofounder",
    "co-founder",
    "ceo",
    "cto",
    "cfo",
    "coo",
    "owner",
    "president",
    "chairman",
    "chair",
    "chairwoman",
    "director",
    "partner",
];

/// Source: English prepositions after a role that introduce whom it is
/// for (`Engineer at SEEK`, `Developer @ Vouch`), with German `bei` and
/// `am` and French `chez` and `au`.
pub(crate) const AT: &[&str] = &["at", "bei", "am", "chez", "au"];

/// Source: English, German and French verbs of working, each form, that
/// `at`, `for` or `with` an organisation follows.
pub(crate) const WORK_VERBS: &[&str] = &[
    "work",
    "works",
    "working",
    "worked",
    "employed",
    "job",
    "arbeitet",
    "arbeite",
    "arbeitete",
    "tatig",
    "travaille",
    "travaillant",
    "travaillais",
];

/// Source: prepositions after a verb of working: English, German, French.
pub(crate) const WORK_PREPOSITIONS: &[&str] = &["at", "for", "with", "bei", "fur", "chez", "pour"];

/// Source: English and German verbs of joining an organisation.
pub(crate) const JOIN_VERBS: &[&str] = &["joined", "joining", "joins", "rejoint", "rejoins"];

/// Source: English copulas, with their contractions as folded (`I'm`,
/// `she's`), and the phrases that introduce a role (`is a`, `as an`,
/// `works as`), with German `ist`/`bin`/`als` and French `est`/`suis`/`comme`.
pub(crate) const IS: &[&str] = &[
    "is", "am", "m", "im", "shes", "hes", "theyre", "was", "as", "are", "being", "ist", "bin", "als", "est", "suis",
    "comme", "en", "tant",
];

/// Source: English, German and French articles and possessives before a
/// role (`a developer`, `an engineer`, `ein`, `une`).
pub(crate) const ARTICLES: &[&str] =
    &["a", "an", "the", "ein", "eine", "einer", "der", "die", "un", "une", "le", "la", "l"];

/// Source: adverbs of time that say a past job is past (`previously at`,
/// `ex-Google`, `formerly`), in English, German and French.
pub(crate) const FORMERLY: &[&str] = &[
    "previously",
    "formerly",
    "former",
    "ex",
    "prior",
    "before",
    "past",
    "earlier",
    "once",
    "retired",
    "retirement",
    "left",
    "spent",
    "ehemals",
    "fruher",
    "zuvor",
    "anciennement",
    "auparavant",
    "ancien",
    "ancienne",
];

/// Source: adverbs of time that say a job is now (`currently at`,
/// `now with`, `since 2015`), in English, German and French.
pub(crate) const NOW: &[&str] =
    &["currently", "now", "presently", "today", "since", "derzeit", "aktuell", "zurzeit", "actuellement"];

/// Source: English auxiliaries and the past tense of the verbs a career is
/// told with (`was`, `got a job`, `began working`), and German and French
/// past auxiliaries: a job they are in says it was.
pub(crate) const PAST: &[&str] = &[
    "was", "were", "had", "got", "began", "became", "spent", "did", "joined", "war", "waren", "hatte", "etait", "fut",
];

/// Source: English present-tense copulas and verbs of working in the
/// third person (not `work`, as often an infinitive), with German and
/// French: a clause with one says what is so now.
pub(crate) const PRESENT: &[&str] = &[
    "is",
    "am",
    "are",
    "m",
    "works",
    "leads",
    "runs",
    "has",
    "have",
    "ist",
    "bin",
    "sind",
    "arbeitet",
    "arbeite",
    "est",
    "suis",
    "travaille",
    "dirige",
];

/// Source: English, German and French phrases before where someone is
/// based: `based in`, `lives in`, `wohnt in`, `vit à`.
pub(crate) const BASED_VERBS: &[&str] = &[
    "based",
    "live",
    "lives",
    "living",
    "lived",
    "reside",
    "resides",
    "residing",
    "located",
    "settled",
    "lebt",
    "lebe",
    "wohnt",
    "wohne",
    "wohnhaft",
    "vit",
    "habite",
    "basee",
    "base",
    "installe",
    "installee",
];

/// Source: the phrases before where someone comes from: English `born in`,
/// `grew up in`, `originally from`, `hails from`, German `geboren in`,
/// `stammt aus`, French `originaire de`, `né à`.
pub(crate) const ORIGIN_VERBS: &[&str] = &[
    "born",
    "grew",
    "raised",
    "originally",
    "hails",
    "native",
    "geboren",
    "aufgewachsen",
    "stammt",
    "stamme",
    "ursprunglich",
    "originaire",
    "ne",
    "nee",
];

/// Source: English, German and French verbs and nouns of studying and
/// graduating, each form.
pub(crate) const STUDY_WORDS: &[&str] = &[
    "studied",
    "studies",
    "studying",
    "study",
    "graduated",
    "graduate",
    "graduating",
    "enrolled",
    "alumnus",
    "alumna",
    "alumni",
    "degree",
    "bachelor",
    "master",
    "masters",
    "phd",
    "doctorate",
    "msc",
    "bsc",
    "studiert",
    "studiere",
    "studierte",
    "studium",
    "diplome",
    "diplomee",
    "etudes",
    "etudie",
    "etudiant",
    "etudiante",
    "doctorat",
    "doktor",
    "promoviert",
];

/// Source: English phrases that say what someone is known for.
pub(crate) const KNOWN_FOR: &[&str] = &["known", "famous", "renowned", "recognized", "recognised"];

/// Source: connecting words inside an organisation's or a place's name
/// (`Bank of America`, `Auto & General`, `Université de Strasbourg`).
pub(crate) const NAME_JOINERS: &[&str] =
    &["of", "and", "for", "the", "de", "du", "des", "la", "le", "der", "die", "das", "von", "fur", "y", "del"];

/// Source: company legal-form suffixes written in lower case (`e.V.`,
/// `gGmbH`), which end an organisation's name.
pub(crate) const LEGAL_FORMS: &[&str] =
    &["e", "v", "ev", "gmbh", "ggmbh", "ag", "inc", "ltd", "llc", "sas", "sarl", "bv", "pty"];

/// Source: English, German and French first- and second-person pronouns
/// and verbs of liking: a tag line holding one is a sentence, not a title.
pub(crate) const SENTENCE_WORDS: &[&str] =
    &["i", "im", "my", "we", "our", "you", "me", "like", "love", "ich", "wir", "je", "nous"];

/// Source: English, German and French pronouns (subject and object) as a
/// biography gives them with a slash (`she/her`, `they/them`, `sie/ihr`).
pub(crate) const PRONOUN_SETS: &[&str] = &[
    "she/her",
    "he/him",
    "they/them",
    "she/they",
    "he/they",
    "they/she",
    "they/he",
    "xe/xem",
    "ze/zir",
    "sie/ihr",
    "er/ihm",
    "sie/she",
    "er/he",
    "il/lui",
    "elle/elle",
];

/// Source: how organisers name the questions of a call for papers and the
/// facts of a biography (Sessionize's and pretalx's custom questions, an
/// encyclopedia's infobox): a key holding one of these words gives that
/// kind of fact. Compared with the key's folded words.
pub(crate) const ROLE_KEYS: &[&str] =
    &["occupation", "job", "title", "role", "position", "profession", "beruf", "poste", "metier"];
pub(crate) const ORGANISATION_KEYS: &[&str] = &[
    "company",
    "employer",
    "organisation",
    "organization",
    "affiliation",
    "firma",
    "arbeitgeber",
    "entreprise",
    "employeur",
    "institution",
];
pub(crate) const BASED_KEYS: &[&str] =
    &["location", "city", "country", "based", "residence", "lives", "wohnort", "ville", "pays"];
pub(crate) const ORIGIN_KEYS: &[&str] = &["hometown", "birthplace", "origin", "nationality", "herkunft", "origine"];
pub(crate) const STUDY_KEYS: &[&str] = &["education", "alma", "university", "studied", "studium", "formation"];
pub(crate) const KNOWN_KEYS: &[&str] = &["known"];
pub(crate) const PRONOUN_KEYS: &[&str] = &["pronoun", "pronouns", "pronomen"];

/// Source: German agent-noun suffixes that name a person whatever comes
/// before (`Beraterin`, `Aktivist`, `Pädagoge`, `Ingenieur`): in a German
/// biography, a capitalised noun with one, where a role stands, names one.
pub(crate) const GERMAN_AGENT_SUFFIXES: &[&str] =
    &["erin", "ist", "istin", "oge", "ogin", "eur", "eurin", "entin", "antin", "andin", "innen"];

/// Source: German agent-noun suffixes that other nouns share (`Entwickler`
/// and `Computer`, `Student` and `Moment`): they name a role only right
/// after `ist`, `bin` or `als`.
pub(crate) const GERMAN_WEAK_AGENT_SUFFIXES: &[&str] = &["er", "ent", "ant", "and"];

/// Source: French agent-noun suffixes (`développeur`, `développeuse`,
/// `statisticien`, `étudiante`, `directrice`): in a French biography, a
/// noun with one, where a role stands, names one.
pub(crate) const FRENCH_AGENT_SUFFIXES: &[&str] =
    &["eur", "euse", "rice", "ien", "ienne", "iste", "ant", "ante", "aire", "ier", "iere", "logue", "graphe"];

/// Source: the parts people take at an event rather than jobs: `<part>
/// at <Name>` names an event, not an employer (`speaker at KubeCon`).
pub(crate) const EVENT_PARTS: &[&str] =
    &["speaker", "attendee", "organiser", "organizer", "volunteer", "guest", "host", "participant", "keynoter"];

/// Whether a word (folded) names a role: an occupation of WordNet's, or
/// one of [`ROLE_WORDS`]; a regular plural too.
pub(crate) fn names_a_role(word: &str) -> bool {
    let singular = super::grammar::singular(word);
    [word, singular.as_str()].iter().any(|w| ROLE_WORDS.contains(w) || super::wordnet::is_occupation(w))
}

/// Source: English coordinating conjunctions, which may start a clause.
pub(crate) const CONJUNCTIONS: &[&str] = &["and", "but", "so", "because", "then", "now", "yet"];

/// Source: English verbs (in the forms that follow `I`) of what one is,
/// does or comes from: a speaker's `I …` with one says a fact of them.
pub(crate) const FIRST_PERSON_VERBS: &[&str] = &[
    "am",
    "was",
    "work",
    "worked",
    "joined",
    "live",
    "lived",
    "grew",
    "studied",
    "graduated",
    "run",
    "ran",
    "lead",
    "led",
    "founded",
    "cofounded",
    "teach",
    "taught",
    "moved",
    "left",
];

/// Source: what follows `I'm` when it says a fact of the speaker (`I'm a`,
/// `I'm from`, `I'm based in`, `I'm working at`, `I'm currently`).
pub(crate) const FIRST_PERSON_AFTER_IM: &[&str] =
    &["a", "an", "the", "from", "based", "working", "currently", "now", "originally", "living"];

/// Source: English prepositions, which end a role (`Lead consultant in
/// the transformation business`).
pub(crate) const ROLE_ENDS: &[&str] = &["in", "at", "for", "with", "on", "to", "from", "by", "of"];

/// Source: English adverbs and articles that stand between a copula and
/// the role it gives (`is also a`, `is currently an`).
pub(crate) const BEFORE_ROLE: &[&str] = &["also", "currently", "now", "an"];

/// Source: German and French subject pronouns (`je suis`, `il est`, `ich
/// bin`, `wohne ich`): a role or a home said of a person.
pub(crate) const SUBJECT_PRONOUNS: &[&str] = &["je", "j", "il", "elle", "ich", "er", "sie", "wir"];

/// Source: English determiners and possessives, after which `work` is a
/// noun (`his work with Kubernetes`).
pub(crate) const DETERMINERS: &[&str] = &["his", "her", "their", "my", "our", "the", "its", "a", "this"];

/// Source: the prepositions of English, German and French that say whose
/// a title is (`CEO of`, `Gründer von`, `directrice de`).
pub(crate) const OF: &[&str] = &["of", "von", "de", "du", "des"];

/// Source: English, German and French prepositions after a verb of living
/// (`based in`, `based out of`, `lives near`, `wohnt im`, `vit à`).
pub(crate) const BASED_PREPOSITIONS: &[&str] =
    &["in", "out", "of", "im", "a", "en", "au", "near", "close", "to", "around"];

/// Source: the particles and prepositions after a verb of origin (`grew
/// up in`, `born and raised in`, `stammt aus`, `originaire de`).
pub(crate) const ORIGIN_PREPOSITIONS: &[&str] = &["up", "in", "from", "of", "aus", "de", "a", "en", "and", "raised"];

/// Source: English and German `from`.
pub(crate) const FROM: &[&str] = &["from", "aus"];

/// Source: English, German and French prepositions before where someone
/// studied (`at`, `from`, `an der`, `à`, `de`).
pub(crate) const STUDY_PREPOSITIONS: &[&str] = &["at", "from", "in", "an", "der", "a", "de", "of"];

/// Source: the English perfect's auxiliaries (`has worked`, `have been`):
/// what it says goes on now.
pub(crate) const PERFECT: &[&str] = &["has", "have", "been"];

/// Source: words that end a role in any of the three languages: `based`,
/// German `bei`, French `chez`.
pub(crate) const ROLE_STOPS: &[&str] = &["based", "bei", "chez"];

/// Source: English, German and French indefinite articles: a name never
/// takes one (`a small Portland startup`).
pub(crate) const INDEFINITE_ARTICLES: &[&str] = &["a", "an", "ein", "eine", "un", "une"];
