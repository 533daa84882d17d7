"""Reads an iCalendar feed on standard input with Python's `icalendar`
package, the parser of another ecosystem than emcee's, and prints what it
understood as JSON: the calendar's name and zones, and each event with its
times in UTC. Exits non-zero, saying why, when the feed does not parse.

Used by the Rust tests (bot/tests/it/agenda.rs) through scripts/test, which
installs the package in a virtual environment under target/.
"""

import json
import sys

import icalendar


def utc(value):
    moment = value.dt
    if moment.tzinfo is None:
        raise SystemExit(f"an event time has no zone: {value.to_ical().decode()}")
    return moment.astimezone(__import__("datetime").timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    calendar = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
    zones = [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")]
    events = []
    for event in calendar.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            if required not in event:
                raise SystemExit(f"an event lacks {required}: {event.to_ical().decode()}")
        tzid = event["DTSTART"].params.get("TZID")
        if tzid is not None and tzid not in zones:
            raise SystemExit(f"an event names the zone {tzid}, which no VTIMEZONE describes")
        events.append({
            "uid": str(event["UID"]),
            "sequence": int(event.get("SEQUENCE", 0)),
            "status": str(event.get("STATUS", "")),
            "start": utc(event["DTSTART"]),
            "end": utc(event["DTEND"]),
            "summary": str(event["SUMMARY"]),
            "location": str(event.get("LOCATION", "")),
            "tzid": tzid,
        })
    print(json.dumps({"name": str(calendar.get("X-WR-CALNAME", "")), "zones": zones, "events": events}))


if __name__ == "__main__":
    main()
