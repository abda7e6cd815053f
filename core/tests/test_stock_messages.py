"""Issue 18 #8: Django's own validation messages read as plain Chinese ("最多填写 500 个字"), not as
the stock catalogue's "确保该变量包含不超过 500 字符"."""

from __future__ import annotations

from django import forms
from django.utils import translation


class _Form(forms.Form):
    note = forms.CharField(max_length=5)
    count = forms.IntegerField(max_value=10)
    when = forms.DateField()
    kind = forms.ChoiceField(choices=[("a", "A")])


def test_the_stock_messages_read_as_plain_chinese():
    with translation.override("zh-hans"):
        form = _Form({"note": "一二三四五六", "count": "11", "when": "昨天", "kind": "b"})
        assert not form.is_valid()
        errors = {name: " ".join(messages) for name, messages in form.errors.items()}
    assert errors["note"] == "最多填写 5 个字（现有 6 个），请删减。"
    assert errors["count"] == "请填写不大于 10 的数。"
    assert errors["when"] == "请填写有效的日期。"
    assert errors["kind"] == "请从列表中选择；“b”不在可选范围内。"
    assert "确保" not in " ".join(errors.values())


def test_a_missing_field_says_it_is_required():
    with translation.override("zh-hans"):
        form = _Form({})
        form.is_valid()
        assert form.errors["note"] == ["此项必填。"]
