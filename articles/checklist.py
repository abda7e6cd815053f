"""The safe-messaging checklist for articles on suicide, self-harm or crisis (PRG-4).

Its items live in a versioned data file (``data/safe_messaging_checklist.json``), not in code:
the centre may revise the wording, and each published article keeps the version its reviewer
ticked. A new version must keep or rename keys deliberately: an article reviewed under an old
version stays published, it is not re-checked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

CHECKLIST_FILE = Path(__file__).resolve().parent / "data" / "safe_messaging_checklist.json"


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    labels: dict

    @property
    def label(self) -> str:
        language = (get_language() or "zh-hans").lower()
        return self.labels.get(language) or self.labels.get("zh-hans") or self.labels["en"]


@dataclass(frozen=True)
class Checklist:
    version: str
    items: tuple[ChecklistItem, ...]

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(item.key for item in self.items)


@cache
def safe_messaging_checklist() -> Checklist:
    data = json.loads(CHECKLIST_FILE.read_text(encoding="utf-8"))
    items = tuple(ChecklistItem(key=item["key"], labels=item["label"]) for item in data["items"])
    return Checklist(version=str(data["version"]), items=items)
