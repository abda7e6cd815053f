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


def test_every_model_of_xinqiao_has_a_chinese_name_for_the_audit_log_and_the_admin():
    # The audit views name an object's type by its verbose name (AuditEntry.object_type_label):
    # a model without one shows "follow up task" to a Chinese reader.
    from django.apps import apps
    from django.conf import settings
    from django.utils import translation

    own = set(settings.INSTALLED_APPS[settings.INSTALLED_APPS.index("core") :])
    with translation.override("zh-hans"):
        unnamed = [
            model._meta.label
            for model in apps.get_models()
            if model._meta.app_config.name in own
            and not any(ord(char) > 127 for char in str(model._meta.verbose_name))
        ]
    assert unnamed == []
