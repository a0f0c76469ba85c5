"""The self-test's text check: sorting and case mapping still work in the bundle.

The bundle carries ICU's data trimmed to what Qt reads (packaging/icu_data.py). These
cases are where a missing piece would show: each list is in its language's own
order, which differs from ICU's root order (or from plain code points, Qt's fallback
without ICU) for every language but German, whose check is that umlauts sort with
their vowels at all. Case mapping uses ICU's locale rules (Turkish dotted i, German
sharp s); the number and date come from Qt's own locale data.
"""

from __future__ import annotations

from functools import cmp_to_key

from PySide6.QtCore import QCollator, QDate, QLocale

SORTED: dict[str, list[str]] = {
    "de_DE": ["apfel", "Äpfel", "Ärger", "arm", "ober", "Öl", "zebra"],
    "sv_SE": ["apa", "zebra", "åska", "ära", "öl"],  # å ä ö after z
    "fr_CA": ["cote", "côte", "coté", "côté"],  # accents weighed from the end
    "ja_JP": ["あめ", "カメ", "亜", "一"],  # kanji in JIS order, not code points
    "zh_CN": ["阿", "北", "上", "中"],  # pinyin: a, bei, shang, zhong
    "ko_KR": ["가방", "나무", "하늘"],
}
UPPER: dict[str, tuple[str, str]] = {
    "tr_TR": ("istanbul", "İSTANBUL"),
    "de_DE": ("straße", "STRASSE"),
}
FORMATTED = ("1.234.567,89", "Montag, 30. November 2026")


def text_problems() -> list[str]:
    """What came out wrong (empty when everything is right)."""
    problems = []
    for name, expected in SORTED.items():
        collator = QCollator(QLocale(name))
        got = sorted(reversed(expected), key=cmp_to_key(collator.compare))
        if got != expected:
            problems.append(f"{name} sorts {' '.join(got)}")
    for name, (text, expected_upper) in UPPER.items():
        upper = QLocale(name).toUpper(text)
        if upper != expected_upper:
            problems.append(f"{name} upper-cases {text} as {upper}")
    german = QLocale("de_DE")
    formatted = (
        german.toString(1234567.891, "f", 2),
        german.toString(QDate(2026, 11, 30), QLocale.FormatType.LongFormat),
    )
    if formatted != FORMATTED:
        problems.append(f"de_DE formats {' / '.join(formatted)}")
    return problems
