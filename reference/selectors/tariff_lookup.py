"""The tariff look-up: what a trader types (a code, or words in Vietnamese or English) → lines, best first.

A query of digits (dots and spaces ignored) lists the lines whose code starts with them.
Otherwise every word must match, in the line's description or in the headings above it
(`reference.search_text`), with or without diacritics, and the lines are ranked:

- first the lines where every word is a whole word (the last may be a prefix: it is being
  typed), then, when those are too few, lines where a word is only the start of a longer word
  or, from three letters, a part of one;
- within each, by a score: a word of the line's own description counts more than one of a
  heading; a whole word more than a prefix; the words as a phrase add to it; and most of all a
  description or heading that starts with the words, i.e. that is about them ("Ô tô và các loại
  xe…" of heading 87.03 for "ô tô", not the tyres "dùng cho ô tô"). A word of digits that starts
  the code counts as much as a phrase;
- then lines with an automatic duty rate before lines whose rate a special rule sets (chapter
  98 references), then by code.

At most `limit` lines are returned; `truncated` says that more matched.
"""
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.db.models.expressions import RawSQL

from reference.models import TariffLine
from reference.search_text import HEADING_MARK, SEGMENT_MARK, description_plain, search_words

MAX_WORDS = 8
MAX_CODE_DIGITS = 8
SUBSTRING_MIN_LENGTH = 3  # shorter words match whole or as a prefix only
WHOLE, PREFIX, LOOSE = "whole", "prefix", "loose"

# Score of one word, best match first (CASE takes the first that holds).
CODE_PREFIX = 20
OWN_WHOLE, OWN_PREFIX, HEADING_WHOLE, HEADING_PREFIX, PART = 10, 7, 4, 3, 1
PHRASE = 6
STARTS_HEADING, STARTS_PART = 8, 5  # per word of the phrase that starts the outermost heading / another part


@dataclass(frozen=True)
class TariffSearchResult:
    lines: list[TariffLine]
    truncated: bool  # more lines matched than `limit`
    limit: int


def _special_last(queryset: QuerySet[TariffLine]) -> QuerySet[TariffLine]:
    return queryset.annotate(
        special_rate=ExpressionWrapper(Q(mfn_rate__isnull=True), output_field=BooleanField())
    )


def _code_digits(query: str) -> str:
    digits = query.replace(".", "").replace(" ", "")
    return digits[:MAX_CODE_DIGITS] if digits.isdigit() else ""


def _whole(word: str, weight: str = "") -> str:
    """The word, or it with a plural ending (car → cars), in the tsquery syntax."""
    return " | ".join(f"{form}{weight}" for form in (word, f"{word}s", f"{word}es"))


def _phrase(words: list[str]) -> str:
    return " <-> ".join(f"({_whole(word)})" for word in words)


def _vector_matches(tsquery: str, params: list) -> str:
    params.append(tsquery)
    return "search_vector @@ to_tsquery('simple', %s)"


def _word_score(word: str, how: str, params: list) -> str:
    """The score of one word. Only what the tier leaves open is tested: in a tier where the word is
    whole, it is whole in the line's own description or else in a heading."""
    branches = []
    if word.isdigit():
        params.append(f"{word}%")
        branches.append(f"WHEN hs_code LIKE %s THEN {CODE_PREFIX}")
    branches.append(f"WHEN {_vector_matches(_whole(word, ':A'), params)} THEN {OWN_WHOLE}")
    if how == WHOLE and not word.isdigit():
        return f"(CASE {' '.join(branches)} ELSE {HEADING_WHOLE} END)"
    branches.append(f"WHEN {_vector_matches(f'{word}:*A', params)} THEN {OWN_PREFIX}")
    branches.append(f"WHEN {_vector_matches(_whole(word), params)} THEN {HEADING_WHOLE}")
    branches.append(f"WHEN {_vector_matches(f'{word}:*', params)} THEN {HEADING_PREFIX}")
    return f"(CASE {' '.join(branches)} ELSE {PART} END)"


def _score_sql(words: list[str], tier: list[str]) -> tuple[str, list]:
    params: list = []
    parts = [_word_score(word, how, params) for word, how in zip(words, tier)]
    if len(words) > 1:
        parts.append(f"(CASE WHEN {_vector_matches(_phrase(words), params)} THEN {PHRASE} ELSE 0 END)")
    # A part (heading or description) that starts with the first words; more if it is the outermost heading.
    # Most lines have none: one test per count of words, the heading's only when a part does.
    starts = []
    for count in range(len(words), 0, -1):
        phrase = _phrase(words[:count])
        any_part = _vector_matches(f"({HEADING_MARK} | {SEGMENT_MARK}) <-> {phrase}", params)
        heading = _vector_matches(f"{HEADING_MARK} <-> {phrase}", params)
        starts.append(f"WHEN {any_part} THEN (CASE WHEN {heading} THEN {STARTS_HEADING * count} "
                      f"ELSE {STARTS_PART * count} END)")
    parts.append(f"(CASE {' '.join(starts)} ELSE 0 END)")
    return " + ".join(parts), params


def _matches(tsquery: str) -> Q:
    return Q(search_vector=SearchQuery(tsquery, search_type="raw", config="simple"))


def _word_matches(word: str, *, how: str) -> Q:
    """Where `word` matches: as a whole word, as the start of a word, or loosely (the start or,
    from three letters, a part of a word). Digits also match the start of the code."""
    if how == WHOLE:
        condition = _matches(_whole(word))
    else:
        condition = _matches(f"{word}:*")
        if how == LOOSE and len(word) >= SUBSTRING_MIN_LENGTH:
            condition |= Q(search_text__contains=word)
    if word.isdigit():
        condition |= Q(hs_code__startswith=word)
    return condition


def _tiers(words: list[str]) -> list[list[str]]:
    """How each word must match, tier by tier: all whole; then the last one (being typed) as a
    prefix; then all loosely. A last word of one letter is not matched until more is typed."""
    if len(words) > 1 and len(words[-1]) == 1:
        words = words[:-1]
    whole = [WHOLE] * len(words)
    tiers = [whole, whole[:-1] + [PREFIX], [LOOSE] * len(words)]
    return [tier for index, tier in enumerate(tiers) if tier not in tiers[:index]]


def _ranked(words: list[str], tier: list[str], *, exclude: list[int], limit: int) -> list[TariffLine]:
    condition = Q()
    for word, how in zip(words, tier):
        condition &= _word_matches(word, how=how)
    score_sql, params = _score_sql(words, tier)
    queryset = _special_last(TariffLine.objects.filter(condition).exclude(pk__in=exclude))
    queryset = queryset.annotate(relevance=RawSQL(score_sql, params))
    return list(queryset.order_by("-relevance", "special_rate", "hs_code")[:limit])


def tariff_search(*, q: str, limit: int = 20) -> TariffSearchResult:
    """Tariff lines for what was typed in a look-up, best first (see the module's docstring)."""
    q = (q or "").strip()
    digits = _code_digits(q)
    if digits:
        lines = list(_special_last(TariffLine.objects.filter(hs_code__startswith=digits))
                     .order_by("special_rate", "hs_code")[:limit + 1])
        if lines:
            return TariffSearchResult(lines=lines[:limit], truncated=len(lines) > limit, limit=limit)
    words = search_words(q)[:MAX_WORDS]
    if not words:
        return TariffSearchResult(lines=[], truncated=False, limit=limit)
    lines: list[TariffLine] = []
    for tier in _tiers(words):
        lines += _ranked(words[:len(tier)], tier, exclude=[line.pk for line in lines], limit=limit + 1 - len(lines))
        if len(lines) > limit:
            break
    return TariffSearchResult(lines=lines[:limit], truncated=len(lines) > limit, limit=limit)


def _english(language: str | None) -> bool:
    return (language or "").startswith("en")


def line_description(line: TariffLine, *, language: str | None) -> str:
    """The line's description in `language` (English where the tariff has one), without its dashes."""
    text = line.description_en if _english(language) and line.description_en else line.description_vi
    return description_plain(text)


def line_parents(line: TariffLine, *, language: str | None) -> list[dict]:
    """The headings above the line, outermost first: [{"code", "description"}] in `language`."""
    english = _english(language)
    return [
        {"code": parent.get("code", ""),
         "description": (parent.get("en") if english and parent.get("en") else parent.get("vi", ""))}
        for parent in line.parents or []
    ]
