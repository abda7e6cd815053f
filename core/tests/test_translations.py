"""PLT-2: the Simplified Chinese catalogue is complete and its placeholders match the English."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def messages():
    with CATALOGUE.open("rb") as handle:
        return [message for message in read_po(handle) if message.id]


def test_every_message_has_a_chinese_translation_and_none_is_fuzzy():
    missing = [m.id for m in messages() if not (m.string if isinstance(m.string, str) else all(m.string))]
    fuzzy = [m.id for m in messages() if m.fuzzy]
    assert missing == [] and fuzzy == []


def test_translations_keep_the_placeholders_of_the_english():
    for message in messages():
        source = message.id if isinstance(message.id, str) else message.id[0]
        target = message.string if isinstance(message.string, str) else message.string[0]
        assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(target)), source
