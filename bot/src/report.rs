//! `emcee stats` for people: the usage summary as tables.

use comfy_table::{Cell, CellAlignment, Table, presets};
use emcee_core::stats::{Count, UsageSummary};

/// Every table of the summary, titled, as one text.
pub fn tables(summary: &UsageSummary) -> String {
    let mut out = format!(
        "{} commands from {} people, {} to {}\n",
        summary.total,
        summary.users,
        summary.since.strftime("%Y-%m-%d %H:%M UTC"),
        summary.until.strftime("%Y-%m-%d %H:%M UTC")
    );
    let mut section = |title: &str, table: Table| {
        out.push_str(&format!("\n{title}\n{table}\n"));
    };
    section("By command", counts("command", &summary.by_command));
    section("By platform", counts("platform", &summary.by_platform));
    let mut days = table(&["day", "commands", "people"]);
    for d in &summary.by_day {
        days.add_row(vec![Cell::new(d.day), number(d.events), number(d.users)]);
    }
    section("By day (UTC)", days);
    section("Top queries", counts("query", &summary.top_queries));
    section("Could not answer", counts("query", &summary.unanswered));
    let mut latency = table(&["command", "commands", "p50 µs", "p95 µs", "p99 µs"]);
    for l in &summary.latency {
        latency.add_row(vec![
            Cell::new(&l.command),
            number(l.events),
            number(l.p50_us),
            number(l.p95_us),
            number(l.p99_us),
        ]);
    }
    section("Latency", latency);
    let audience = summary.audience;
    let mut questions = table(&["asked", "answered", "votes"]);
    questions.add_row(vec![number(audience.questions), number(audience.answered), number(audience.votes)]);
    section("Questions for the speakers", questions);
    out
}

fn table(header: &[&str]) -> Table {
    let mut table = Table::new();
    table.load_preset(presets::ASCII_MARKDOWN).set_header(header.to_vec());
    table
}

fn counts(name: &str, counts: &[Count]) -> Table {
    let mut table = table(&[name, "commands"]);
    for c in counts {
        let named = if c.also.is_empty() { c.name.clone() } else { c.label() };
        table.add_row(vec![Cell::new(named), number(c.events)]);
    }
    table
}

fn number(n: u64) -> Cell {
    Cell::new(n).set_alignment(CellAlignment::Right)
}
