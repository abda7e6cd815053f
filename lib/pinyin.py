"""Pinyin forms of Chinese names, so that "zhangsan" and "zs" both find 张三 (ARC-4)."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin


def name_pinyin(name: str) -> str:
    return "".join(lazy_pinyin(name.strip(), errors="default")).lower().replace(" ", "")


def name_initials(name: str) -> str:
    return (
        "".join(lazy_pinyin(name.strip(), style=Style.FIRST_LETTER, errors="default"))
        .lower()
        .replace(" ", "")
    )
