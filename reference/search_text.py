"""The text the tariff look-up searches: folded, and marked where each heading starts.

Traders type Vietnamese with or without diacritics ("ô tô", "o to"), and numbers as the tariff
writes them or not ("1.800 cc", "1800"). Descriptions and queries are folded the same way:
lower case, no diacritics ("đ" becomes "d"), digit grouping removed, every run of other
characters one space. The loader stores the folded texts on each tariff line
(`TariffLine.search_text`, `search_own`); PostgreSQL indexes them (`search_vector`).

`search_text` holds the headings above a line, outermost first, then the line itself, in
Vietnamese then English. Each part starts with a marker word: HEADING_MARK before the
outermost heading, SEGMENT_MARK before every other part, so that "a heading starts with
these words" is a phrase query (`zzseg <-> o <-> to`).
"""
import re
import unicodedata

HEADING_MARK = "zzhead"
SEGMENT_MARK = "zzseg"
MARKS = (HEADING_MARK, SEGMENT_MARK)

_DIGIT_GROUPING = re.compile(r"(?<=\d)[.,](?=\d)")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_DASHES = " -–—"


def search_fold(text: str) -> str:
    """'Ô tô chở người, trên 1.800 cc' -> 'o to cho nguoi tren 1800 cc'."""
    text = unicodedata.normalize("NFD", (text or "").lower()).replace("đ", "d")
    text = "".join(char for char in text if unicodedata.category(char) != "Mn")
    text = _DIGIT_GROUPING.sub("", text)
    return _NOT_WORD.sub(" ", text).strip()


def search_words(query: str) -> list[str]:
    """The words of a query, folded; the marker words are not words anyone searches for."""
    return [word for word in search_fold(query).split() if word not in MARKS]


def description_plain(text: str) -> str:
    """A tariff description without its indentation dashes ("- - Loại khác:" -> "Loại khác:")."""
    return (text or "").lstrip(_DASHES).strip()


def heading_plain(text: str) -> str:
    """A heading's description as shown above its lines: no dashes, no closing colon."""
    return description_plain(text).rstrip(":").strip()


def search_texts(*, parents: list[dict], description_vi: str, description_en: str) -> tuple[str, str]:
    """(search_text, search_own) of a line whose headings are `parents` ({"vi", "en"}, outermost first)."""
    path = []
    own = []
    for language, description in (("vi", description_vi), ("en", description_en)):
        parts = [parent.get(language, "") for parent in parents] + [description]
        marks = [HEADING_MARK] + [SEGMENT_MARK] * (len(parts) - 1)
        path.extend(f"{mark} {search_fold(part)}" for mark, part in zip(marks, parts) if search_fold(part))
        folded_own = search_fold(description)
        if folded_own:
            own.append(f"{marks[-1]} {folded_own}")
    return " ".join(path), " ".join(own)
