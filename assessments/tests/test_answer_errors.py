"""The scoring engine refuses in English for developers; people read its refusals in their own
language, naming the item (review of issues 4–6)."""

from __future__ import annotations

from assessments.labels import answer_error
from assessments.scoring import AnswerError


def test_a_sex_specific_item_is_explained_in_chinese():
    item, message = answer_error(AnswerError("item 4 is answered with 0 for sex M"))
    assert item == 4 and "性别" in message


def test_an_out_of_range_answer_names_its_item_in_chinese():
    item, message = answer_error(AnswerError("item 7: 9 is not an allowed answer"))
    assert item == 7 and "7" in message and "item" not in message
