"""How close a declaration's foreign partner is to the watchlist: the facts `partner.on_watchlist`
and `partner.watchlist_similarity` (docs/decisions.md, "Watchlists").

Both compare `risk.names.partner_name_key` of the declared name with the keys of the active
partners listed in the declaration's partner country or in any country:
- the same key is a listed partner, found by the index on (name_key, country);
- otherwise the most similar key, by rapidfuzz's `fuzz.ratio` (0–100, the normalised Indel
  similarity: one letter changed in a key of 10 letters gives 90), is a near-miss for an officer.
  Similarities under SIMILARITY_FLOOR are not measured and read as 0.

An assessment must not read the whole watchlist: the keys of the active partners are kept in
each process, by country and by length, and read again only when the watchlist changed (the
newest `WatchlistChange`, written by watchlisted_partner_add and _deactivate, names its state,
as the newest rule version names the rule set in risk.services.compilation). A key of length a
can only be SIMILARITY_FLOOR similar to keys of length a·f/(200−f) to a·(200−f)/f, so only those
are compared.
"""
import bisect
import threading
from dataclasses import dataclass
from decimal import Decimal

from rapidfuzz import fuzz, process

from risk.models import WatchlistedPartner
from risk.names import partner_name_key
from risk.selectors import watchlist_key, watchlisted_partner_listed

SIMILARITY_FLOOR = 70
SIMILARITY_PLACES = Decimal("0.1")
EXACT = Decimal("100")


@dataclass(frozen=True)
class ListedPartner:
    id: int
    name: str
    country: str


@dataclass(frozen=True)
class PartnerMatch:
    """The listed partner a declared name is (exact) or resembles, and how closely (0–100)."""

    partner: ListedPartner
    similarity: Decimal
    exact: bool

    def explanation(self) -> dict:
        """What an officer reads in the risk explanation (never shown to traders)."""
        return {"watchlisted_partner": {"id": self.partner.id, "name": self.partner.name, "country": self.partner.country,
                                        "similarity": str(self.similarity)}}


class _Keys:
    """The active partners of one country (or of any country), ordered by the length of their keys."""

    def __init__(self, entries: list[tuple[str, ListedPartner]]):
        entries.sort(key=lambda entry: len(entry[0]))  # stable: equal lengths stay in id order
        self.keys = [key for key, _ in entries]
        self.lengths = [len(key) for key in self.keys]
        self.partners = [partner for _, partner in entries]

    def most_similar(self, key: str, cutoff: float) -> tuple[float, ListedPartner] | None:
        size = len(key)
        low = bisect.bisect_left(self.lengths, size * cutoff / (200 - cutoff))
        high = bisect.bisect_right(self.lengths, size * (200 - cutoff) / cutoff)
        if low >= high:
            return None
        found = process.extractOne(key, self.keys[low:high], scorer=fuzz.ratio, processor=None, score_cutoff=cutoff)
        if found is None:
            return None
        _, score, index = found
        return score, self.partners[low + index]


class WatchlistKeys:
    def __init__(self, partners, key: int):
        self.key = key
        by_country: dict[str, list] = {}
        for pk, name, country, name_key in partners:
            by_country.setdefault(country, []).append((name_key, ListedPartner(pk, name, country)))
        self.by_country = {country: _Keys(entries) for country, entries in by_country.items()}

    def most_similar(self, key: str, country: str) -> tuple[float, ListedPartner] | None:
        best = None
        for where in (country, "") if country else ("",):
            keys = self.by_country.get(where)
            found = keys.most_similar(key, best[0] if best else SIMILARITY_FLOOR) if keys else None
            if found is not None and (best is None or found[0] > best[0]):
                best = found
        return best


_cache: dict = {}
_lock = threading.Lock()


def watchlist_keys_current() -> WatchlistKeys:
    """The active partners' keys, read again only when the watchlist changed."""
    key = watchlist_key()
    keys = _cache.get("current")
    if keys is not None and keys.key == key:
        return keys
    with _lock:
        keys = _cache.get("current")
        if keys is None or keys.key != key:
            partners = WatchlistedPartner.objects.filter(active=True).order_by("pk").values_list("pk", "name", "country", "name_key")
            keys = WatchlistKeys(partners.iterator(chunk_size=5000), key)
            _cache["current"] = keys
    return keys


def partner_watchlist_match(*, name: str, country: str) -> PartnerMatch | None:
    """The listed partner (in `country` or in any country) that `name` is, or the one it most
    resembles if at least SIMILARITY_FLOOR similar; None when it resembles none."""
    key = partner_name_key(name)
    if not key.strip():
        return None
    listed = watchlisted_partner_listed(name_key=key, country=country or "")
    if listed is not None:
        return PartnerMatch(ListedPartner(listed.pk, listed.name, listed.country), EXACT, exact=True)
    found = watchlist_keys_current().most_similar(key, country or "")
    if found is None:
        return None
    score, partner = found
    similarity = Decimal(repr(score)).quantize(SIMILARITY_PLACES)
    # A key that differs from the listed one rounds below 100 however long it is.
    return PartnerMatch(partner, min(similarity, EXACT - SIMILARITY_PLACES), exact=False)
