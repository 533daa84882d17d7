//! When the programme runs, as a person would say it, and how to look at
//! it by its days: for replies about a day, or a time, with nothing on it.

use jiff::civil::Date;

use super::Engine;

impl Engine {
    /// The programme's days, in order, in the conference's zone.
    pub(crate) fn days(&self) -> Vec<Date> {
        super::ask::days(&self.schedule.sessions, &self.schedule.conference.time_zone)
    }

    /// Where `now` is against the programme's days, for an FAQ answer
    /// that changes with the day; `None` for a programme with no session.
    pub fn phase(&self, now: jiff::Timestamp) -> Option<crate::faq::Phase> {
        let days = self.days();
        let (first, last) = (*days.first()?, *days.last()?);
        let today = now.to_zoned(self.schedule.conference.time_zone.clone()).date();
        Some(crate::faq::Phase::of(today, first, last))
    }

    /// When the programme runs: `1–2 November 2022`, `30 October – 2
    /// November 2022`, `31 December 2022 – 1 January 2023`, `1 November
    /// 2022`; `None` for a programme with no session.
    pub fn dates_text(&self) -> Option<String> {
        let days = self.days();
        let (first, last) = (*days.first()?, *days.last()?);
        Some(span(first, last))
    }

    /// How to look at the programme by its days: `/talks day 1` (to the
    /// last), or one of its dates.
    pub(crate) fn browse_hint(&self) -> Option<String> {
        let days = self.days();
        let first = days.first()?;
        let by_day = match days.len() {
            1 => String::from("`/talks day 1`"),
            n => format!("`/talks day 1` to `/talks day {n}`"),
        };
        Some(format!("{by_day}, or a date such as `/talks {first}`"))
    }

    /// For a terminal's first line: when the programme is past or far
    /// ahead of `now`, when it runs and how to pin the clock to its first
    /// session (`EMCEE_NOW=… emcee chat`) to try it as it happens.
    pub fn clock_hint(&self, now: jiff::Timestamp) -> Option<String> {
        let sessions = &self.schedule.sessions;
        let first = sessions.iter().map(|s| s.start).min()?;
        let last = sessions.iter().map(|s| s.end).max()?;
        let dates = self.dates_text()?;
        let pinned = first.to_zoned(self.schedule.conference.time_zone.clone()).strftime("%Y-%m-%dT%H:%M:%S%:z");
        let when = if last < now {
            format!("The programme ran on {dates}")
        } else if now < first - jiff::SignedDuration::from_hours(24) {
            format!("The programme runs on {dates}")
        } else {
            return None;
        };
        Some(format!("{when}: to try it as it happens, pin the clock with `EMCEE_NOW={pinned} emcee chat`."))
    }

    /// The nearest day with sessions to a day with none: the first, for
    /// a day before the programme; none after it; the next otherwise.
    pub(crate) fn nearest(&self, date: Date) -> Option<Nearest> {
        let days = self.days();
        let (first, last) = (*days.first()?, *days.last()?);
        Some(if date < first {
            Nearest::StartsOn(first)
        } else if date > last {
            Nearest::Ran
        } else {
            days.into_iter().find(|d| *d > date).map_or(Nearest::Ran, Nearest::NextDay)
        })
    }

    /// The sentence that says where to look instead of `date`, with
    /// `command` (`/talks`, `/schedule post`) and a day after it.
    pub(crate) fn look_instead(&self, date: Date, command: &str) -> String {
        let dates = self.dates_text().unwrap_or_default();
        let count = self.days().len();
        let by_day = if count == 1 {
            format!("`{command} day 1`")
        } else {
            format!("`{command} day 1` to `{command} day {count}`")
        };
        match self.nearest(date) {
            Some(Nearest::StartsOn(first)) => {
                format!("The programme starts on {}: `{command} day 1`.", first.strftime("%A %-d %B %Y"))
            }
            Some(Nearest::NextDay(next)) => {
                format!("The next day with sessions is {}: `{command} {next}`.", next.strftime("%A %-d %B"))
            }
            Some(Nearest::Ran) => format!("The programme ran on {dates}: {by_day}."),
            None => String::new(),
        }
    }
}

/// Where the days with sessions are, from a day with none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Nearest {
    /// The programme has not started: its first day.
    StartsOn(Date),
    /// The next day that has sessions.
    NextDay(Date),
    /// The programme is over.
    Ran,
}

/// `1–2 November 2022` and the like.
fn span(first: Date, last: Date) -> String {
    let day = |d: Date| d.strftime("%-d").to_string();
    let month = |d: Date| d.strftime("%B").to_string();
    if first == last {
        return first.strftime("%-d %B %Y").to_string();
    }
    if first.year() != last.year() {
        return format!("{} – {}", first.strftime("%-d %B %Y"), last.strftime("%-d %B %Y"));
    }
    if first.month() != last.month() {
        return format!("{} {} – {} {} {}", day(first), month(first), day(last), month(last), last.year());
    }
    format!("{}–{} {} {}", day(first), day(last), month(last), last.year())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn spans_read_as_people_write_them() {
        assert_eq!(span(date(2022, 11, 1), date(2022, 11, 2)), "1–2 November 2022");
        assert_eq!(span(date(2022, 10, 30), date(2022, 11, 2)), "30 October – 2 November 2022");
        assert_eq!(span(date(2022, 12, 31), date(2023, 1, 1)), "31 December 2022 – 1 January 2023");
        assert_eq!(span(date(2022, 11, 1), date(2022, 11, 1)), "1 November 2022");
    }

    #[test]
    fn a_past_programme_says_how_to_replay_it() {
        let engine = crate::engine::tests::seed_engine();
        let after = "2026-12-05T10:00:00Z".parse().unwrap();
        assert_eq!(
            engine.clock_hint(after).as_deref(),
            Some(
                "The programme ran on 1–2 November 2022: to try it as it happens, pin the clock with `EMCEE_NOW=2022-11-01T09:00:00+01:00 emcee chat`."
            )
        );
        assert_eq!(engine.clock_hint("2022-11-01T08:30:00Z".parse().unwrap()), None);
    }

    #[test]
    fn the_sample_runs_two_days() {
        let engine = crate::engine::tests::seed_engine();
        assert_eq!(engine.dates_text().as_deref(), Some("1–2 November 2022"));
        assert_eq!(
            engine.browse_hint().as_deref(),
            Some("`/talks day 1` to `/talks day 2`, or a date such as `/talks 2022-11-01`")
        );
    }
}
