"""The key a foreign partner's name is matched by: the one normalisation used both when a partner
is put on the watchlist and when a declaration is assessed (docs/decisions.md, "Watchlists").

`partner_name_key` turns a name into the letters and digits that identify it, so that the ways
of writing one name that a person reads as the same give the same key:

1. Unicode NFKC: full-width and other compatibility forms become their plain letters
   ("ＡＣＭＥ" → "ACME", "ﬁ" → "fi").
2. Confusable characters: a letter of another script that looks like a Latin letter or digit
   becomes that letter (Cyrillic "е", "о", "р", "А", Greek "Ο", "Ρ" …), from Unicode's confusables
   data (UTS #39) as the confusable_homoglyphs package ships it. Letters with no Latin look-alike
   (Cyrillic "д", Chinese characters) stay as they are; ASCII letters and digits are never changed
   ("0" stays distinct from "O": that difference is visible, and the similarity match sees it).
3. Case folding ("ß" → "ss").
4. Diacritics are dropped, including Vietnamese tone marks and "đ" → "d", so "Công ty Hòa Phát"
   and "Cong ty Hoa Phat" are one name.
5. "&" reads as "and"; every other punctuation or symbol separates words.
6. Legal forms are dropped: Vietnamese ones in front ("Công ty TNHH", "Công ty Cổ phần", "CTCP",
   "TNHH MTV" …) and the common company forms at the end ("Co., Ltd", "Company Limited", "Ltd",
   "LLC", "Inc", "Corp", "Pte. Ltd", "GmbH", "JSC", "S.A." …; `LEGAL_FORMS_AT_END`). A name is
   never reduced to nothing: the last word stays even when it is a legal form.
7. The words are joined without spaces, so "A C M E", "ACME" and "Ac me" are one name.

The key is at most KEY_MAX characters. A name with no letter or digit at all keys as itself,
case-folded, so a non-blank name never has an empty key.
"""
import unicodedata
from functools import cache

from confusable_homoglyphs.confusables import confusables_data

KEY_MAX = 255

# Legal forms written in front of the name (Vietnamese). A name starts with one of the heads,
# which may be followed by any of the qualifiers: "Công ty TNHH Một thành viên X" → "x".
LEGAL_FORM_HEADS = (
    "cong ty", "cty", "ctcp", "cttnhh", "tnhh", "dntn", "doanh nghiep tu nhan", "pt",
)
LEGAL_FORM_QUALIFIERS = (
    "tnhh", "trach nhiem huu han", "co phan", "cp", "mtv", "mot thanh vien", "hai thanh vien tro len",
)
# Legal forms written after the name, removed from the end as long as one is there:
# "Acme Trading Co., Ltd" → "acme trading", "Müller GmbH & Co. KG" → "muller".
LEGAL_FORMS_AT_END = (
    "co", "company", "and co", "and company", "ltd", "limited", "llc", "llp", "lp", "inc", "incorporated",
    "corp", "corporation", "pte", "pty", "plc", "gmbh", "ag", "kg", "jsc", "joint stock", "sa", "sas", "sarl",
    "srl", "spa", "bv", "nv", "kk", "kabushiki kaisha", "oy", "ab", "as", "a s", "sdn bhd", "bhd", "tbk",
    "tnhh", "mtv",
)


def _phrases(forms) -> tuple[tuple[str, ...], ...]:
    """Longest first, so "company limited" goes as a whole before "limited" would."""
    return tuple(sorted((tuple(form.split()) for form in forms), key=len, reverse=True))


_HEADS = _phrases(LEGAL_FORM_HEADS)
_QUALIFIERS = _phrases(LEGAL_FORM_QUALIFIERS)
_AT_END = _phrases(LEGAL_FORMS_AT_END)


def _plain(text: str) -> str:
    """Text without its combining marks, case-folded."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).casefold()


@cache
def _confusables_table() -> dict[int, str]:
    """Each non-ASCII character that Unicode's confusables data says looks like ASCII letters or
    digits (once its marks are dropped: "đ" is "d" with a stroke) → those letters or digits."""
    table = {}
    for character, homoglyphs in confusables_data.items():
        if len(character) != 1 or character.isascii():
            continue
        for glyph in homoglyphs:
            latin = "".join(c for c in _plain(glyph["c"]) if c.isalnum())
            if latin and latin.isascii():
                table[ord(character)] = latin
                break
    return table


def _strip_phrase(words: list[str], phrases, *, at_end: bool) -> bool:
    for phrase in phrases:
        size = len(phrase)
        where = slice(len(words) - size, None) if at_end else slice(0, size)
        if len(words) > size and tuple(words[where]) == phrase:
            del words[where]
            return True
    return False


def _without_legal_forms(words: list[str]) -> list[str]:
    words = list(words)
    if _strip_phrase(words, _HEADS, at_end=False):
        while _strip_phrase(words, _QUALIFIERS, at_end=False):
            pass
    while _strip_phrase(words, _AT_END, at_end=True):
        pass
    return words


def partner_name_key(name: str) -> str:
    """The matching key of a partner's name (see the module's docstring)."""
    table = _confusables_table()
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name or ""))
    text = text.translate(table).casefold().translate(table)
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    text = unicodedata.normalize("NFC", text.replace("&", " and "))
    words = "".join(c if c.isalnum() else " " for c in text).split()
    key = "".join(_without_legal_forms(words))
    if not key:
        key = "".join((name or "").casefold().split())
    return key[:KEY_MAX]
