"""The home-visit checklist (SVC-10), read from its versioned data file in workflow/checklists/.

A session records the code and version it was filled with, so a later version of the file never
changes what an earlier record says was checked.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.utils.translation import get_language

CHECKLIST_FILE = Path(__file__).resolve().parent / "checklists" / "home_visit.yaml"


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    zh: str
    en: str

    @property
    def label(self) -> str:
        return self.zh if (get_language() or "").startswith("zh") else self.en


@dataclass(frozen=True)
class Checklist:
    code: str
    version: str
    items: tuple[ChecklistItem, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)

    def record(self, done) -> dict:
        """What a session stores: this version, and the keys ticked, in the checklist's order."""
        ticked = set(done)
        return {"code": self.code, "version": self.version, "done": [k for k in self.keys if k in ticked]}


@functools.cache
def home_visit_checklist() -> Checklist:
    data = yaml.safe_load(CHECKLIST_FILE.read_text(encoding="utf-8"))
    items = tuple(ChecklistItem(key=i["key"], zh=i["zh"], en=i["en"]) for i in data["items"])
    return Checklist(code=data["code"], version=str(data["version"]), items=items)


def checklist_lines(record: dict) -> list[tuple[str, bool]]:
    """Each item of a stored checklist with whether it was ticked, for the session's page."""
    checklist = home_visit_checklist()
    done = set((record or {}).get("done", []))
    return [(item.label, item.key in done) for item in checklist.items]
