"""The iCal text (RFC 5545) of a person's occurrences: one all-day event per occurrence.

No calendar library is installed, and the format needed is small: lines end in CRLF, text is
escaped, and lines longer than 75 octets are folded.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> list[str]:
    """Lines of at most 75 octets, continuation lines starting with a space (never splitting a
    multi-byte character)."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > (75 if not parts else 74):
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return [parts[0], *(" " + part for part in parts[1:])]


def calendar_text(occurrences, *, host: str) -> str:
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Xinqiao//Work plans//ZH",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:" + _escape("我的工作计划"),
    ]
    for occurrence in occurrences:
        item = occurrence.item
        lines += [
            "BEGIN:VEVENT",
            f"UID:workplan-item-{item.pk}-{occurrence.starts_on:%Y%m%d}@{host.split(':')[0] or 'xinqiao'}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{occurrence.starts_on:%Y%m%d}",
            # DTEND of an all-day event is the day after the last one.
            f"DTEND;VALUE=DATE:{occurrence.ends_on + timedelta(days=1):%Y%m%d}",
            "SUMMARY:" + _escape(f"{item.title}（{occurrence.state_label}）"),
            "DESCRIPTION:"
            + _escape(f"{item.plan.org_unit.name} · {item.plan.title} · {item.get_category_display()}"),
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(folded + "\r\n" for line in lines for folded in _fold(line))
