//! The words of the English calendar and clock: days, months, parts of the
//! day, ordinals, and what a question names a session by when it asks for
//! the first or last one.

/// Source: the English calendar. The days of the week by name, in lower case.
pub(crate) const WEEKDAYS: [(&str, jiff::civil::Weekday); 7] = [
    ("monday", jiff::civil::Weekday::Monday),
    ("tuesday", jiff::civil::Weekday::Tuesday),
    ("wednesday", jiff::civil::Weekday::Wednesday),
    ("thursday", jiff::civil::Weekday::Thursday),
    ("friday", jiff::civil::Weekday::Friday),
    ("saturday", jiff::civil::Weekday::Saturday),
    ("sunday", jiff::civil::Weekday::Sunday),
];

/// The months by name, in lower case, January first.
pub(crate) const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Source: English ordinal and cardinal numbers up to a week's days.
pub(crate) const ORDINALS: [&str; 7] = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh"];
pub(crate) const NUMBERS: [&str; 7] = ["one", "two", "three", "four", "five", "six", "seven"];

/// Parts of a day, and meals, by their usual hours.
pub(crate) const PARTS: [(&str, (i8, i8)); 4] =
    [("morning", (0, 12)), ("afternoon", (12, 17)), ("evening", (17, 24)), ("tonight", (17, 24))];

/// Meals by their usual hours, for `before lunch` in a programme that lists no meal.
pub(crate) const MEALS: [(&str, (i8, i8)); 3] = [("breakfast", (8, 9)), ("lunch", (12, 13)), ("dinner", (18, 19))];

/// Words that end what `after` or `before` refers to.
pub(crate) const REFERENCE_ENDS: &[&str] =
    &["on", "in", "at", "today", "tomorrow", "tonight", "this", "and", "or", "but"];

/// Besides the kinds of session, what `the first …` or `the last …` can
/// name a session with (`the last one`, `the first slot`).
pub(crate) const SESSION_WORDS: &[&str] = &["one", "thing", "event", "slot"];
