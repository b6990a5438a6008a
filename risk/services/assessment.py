"""`risk_assess`: the automated clearance decision on a registered declaration.

Random selection is keyed with a server secret and drawn once per declaration (`random_draw_for`);
a re-assessment of a later version never lowers the channel an earlier assessment or an
officer set (`_assessment_record`).
"""
import functools
import hashlib
import hmac
import logging
import time
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.crypto import salted_hmac

from declarations.lifecycle import HELD, Action, Channel, Status
from declarations.models import Declaration, DeclarationVersion, PaymentStatus
from declarations.services.lifecycle import declaration_lock, declaration_transition
from risk.engine import CHANNEL_ORDER, channel_for_score, stricter
from risk.models import Assessment, RiskSettings
from risk.selectivity import ClassCaps, selectivity_decide
from risk.selectivity_models import ClassSelectivity
from risk.selectors import assessment_of_version, declaration_items_for_facts, risk_settings_stored
from risk.selectors.selectivity import class_selectivity_of, selectivity_count, window_counts
from risk.services.compilation import rule_set_current
from risk.services.facts import declaration_facts
from risk.services.minimums import minimums_apply, required_minimums
from risk.services.model_score import declaration_model_score

logger = logging.getLogger(__name__)
SELECTION_KEY_SALT = "customs_portal.risk.random_selection"
DRAW_PLACES = Decimal("0.00000001")


def risk_settings_current() -> RiskSettings:
    settings = risk_settings_stored()
    if settings is None:
        settings, _ = RiskSettings.objects.get_or_create(pk=1)
    return settings


def class_caps(row: ClassSelectivity) -> ClassCaps:
    """The pure decision's view of a class's row."""
    return ClassCaps(level=row.compliance_level, yellow_cap=row.yellow_cap, red_cap=row.red_cap,
                     random_yellow=row.random_yellow_min, random_red=row.random_red_min)


def random_selection_key() -> bytes:
    """The secret the random draw is keyed with: RISK_SELECTION_KEY when set, otherwise a key derived
    from SECRET_KEY for this purpose alone (salted HMAC: it reveals nothing of SECRET_KEY, so it can
    be handed to an auditor). docs/decisions.md, "Random draw"."""
    return _selection_key(settings.RISK_SELECTION_KEY, settings.SECRET_KEY)[0]


def random_selection_key_id(key: bytes | None = None) -> str:
    """A fingerprint of the key, stored with each draw: tells an auditor which key recomputes it,
    and nothing about the key."""
    if key is None:
        return _selection_key(settings.RISK_SELECTION_KEY, settings.SECRET_KEY)[1]
    return _key_id(key)


def _key_id(key: bytes) -> str:
    return hashlib.sha256(b"risk selection key id:" + key).hexdigest()[:12]


@functools.lru_cache(maxsize=4)
def _selection_key(configured: str, secret_key: str) -> tuple[bytes, str]:
    """(key, its fingerprint) for these settings, worked out once: deriving it cost more than the draw."""
    if configured:
        key = configured.encode()
    else:
        key = salted_hmac(SELECTION_KEY_SALT, "random selection key", secret=secret_key, algorithm="sha256").digest()
    return key, _key_id(key)


def random_draw_for(declaration: Declaration, *, key: bytes | None = None, purpose: str = "") -> Decimal:
    """The declaration's draw in [0, 1): HMAC-SHA256 of "{id}:{number}" under the selection key.

    Nobody without the key can tell it in advance; the version is not part of it, and the draw of
    the first assessment is stored and reused by later versions (`_assessment_record`), so an
    amendment never draws again. With the key an auditor recomputes the stored value.
    Another selection (`purpose`, e.g. "post_clearance") draws "{purpose}:{id}:{number}": a draw
    of its own, independent of the channel's, under the same key.
    """
    message = f"{purpose}:{declaration.pk}:{declaration.number}".encode() if purpose else f"{declaration.pk}:{declaration.number}".encode()
    digest = hmac.digest(key or random_selection_key(), message, "sha256")
    return (Decimal(int.from_bytes(digest[:8], "big")) / Decimal(2**64)).quantize(DRAW_PLACES, rounding=ROUND_DOWN)


@dataclass(frozen=True)
class _History:
    """What the earlier versions of a declaration fix for its next assessment."""

    draw: Decimal | None  # the first assessment's random draw, reused
    draw_version: int | None
    draw_key: str | None
    floor: str | None  # the strictest channel any earlier version had
    floor_version: int | None
    floor_set_by: str  # "assessment", or "officer" when an officer's escalation set it


def _history(declaration: Declaration) -> _History:
    """One query over the superseded versions (each keeps the channel it had when it was replaced,
    an officer's escalation included) and their assessments. Only for versions after the first."""
    assessed = Assessment.objects.filter(declaration_id=OuterRef("declaration_id"), declaration_version=OuterRef("version"))
    rows = (
        DeclarationVersion.objects.filter(declaration_id=declaration.pk).order_by("version")
        .values_list("version", "channel", Subquery(assessed.values("channel")[:1]),
                     Subquery(assessed.values("random_draw")[:1]),
                     Subquery(assessed.values("thresholds__random_draw__key")[:1]))
    )
    draw = draw_version = draw_key = floor = floor_version = None
    floor_set_by = ""
    for version, kept_channel, assessed_channel, version_draw, version_key in rows:
        if draw is None and version_draw is not None:
            draw, draw_version, draw_key = version_draw, version, version_key
        for channel, set_by in ((assessed_channel, "assessment"), (kept_channel, "officer")):
            if channel and (floor is None or CHANNEL_ORDER[channel] > CHANNEL_ORDER[floor]):
                floor, floor_version, floor_set_by = channel, version, set_by
    return _History(draw, draw_version, draw_key, floor, floor_version, floor_set_by)


def _assessment_record(declaration: Declaration, *, count: bool = False) -> Assessment:
    """Run the rules on the declaration's current version and store the decision with its explanation.

    The random draw is the declaration's one draw; the channel is never lower than an earlier
    version's (the floor, recorded in `thresholds["channel_floor"]`). Version 1, the hot path,
    reads no history. The caps and random rates of the enterprise's compliance class apply
    (risk/selectivity.py); with `count` (the assessment that decides the channel), the class's row
    is locked while its window is read and the decision counted, three queries."""
    current = risk_settings_current()
    rule_set = rule_set_current()
    started = time.perf_counter()
    items = declaration_items_for_facts(declaration_id=declaration.pk)
    facts = declaration_facts(declaration=declaration, items=items)
    model = declaration_model_score(declaration=declaration, items=items)
    if model is not None:
        facts.header["model.score"] = model.score
    result = rule_set.evaluate(facts)
    elapsed_micros = int((time.perf_counter() - started) * 1_000_000)

    score_channel = channel_for_score(
        result.score, yellow_threshold=current.yellow_threshold, red_threshold=current.red_threshold
    )
    # Minimum channels the content requires (risk/services/minimums.py): always applied, like a rule's minimum channel.
    minimums = required_minimums(declaration=declaration)
    required_channel = minimums_apply(result.min_channel, minimums)
    history = _history(declaration) if declaration.version > 1 else None
    if history is not None and history.draw is not None:
        draw, draw_version, draw_key = history.draw, history.draw_version, history.draw_key
    else:
        key, key_id = _selection_key(settings.RISK_SELECTION_KEY, settings.SECRET_KEY)
        draw, draw_version, draw_key = random_draw_for(declaration, key=key), declaration.version, key_id
    level = facts.header.get("enterprise.compliance_level") or declaration.enterprise.compliance_level
    today = timezone.localdate()
    # Locked from here to the commit: assessments of one class at once are counted one after the other.
    row = class_selectivity_of(level=level, lock=count)
    counts = window_counts(level=level, today=today, days=current.cap_window_days)
    decision = selectivity_decide(
        score_channel=score_channel, required_channel=required_channel, draw=draw, caps=class_caps(row), counts=counts,
        general_yellow_rate=current.random_yellow_rate, general_red_rate=current.random_red_rate,
    )
    if count:
        selectivity_count(level=level, day=today, increments=decision.increments)
    drawn = final = decision.channel
    explanation = {
        "yellow": current.yellow_threshold,
        "red": current.red_threshold,
        "random_yellow_rate": str(current.random_yellow_rate),
        "random_red_rate": str(current.random_red_rate),
        "settings_version": current.version,
        "min_channel": result.min_channel,
        "rule_set": rule_set.key,
        "random_draw": {"key": draw_key, "version": draw_version},
        "selectivity": {**decision.as_json(), "window_days": current.cap_window_days, "day": today.isoformat(),
                        "counted": count},
    }
    if history is not None and history.floor is not None:
        final = stricter(drawn, history.floor)
        explanation["channel_floor"] = {"channel": history.floor, "version": history.floor_version,
                                        "set_by": history.floor_set_by, "raised": final != drawn}
    assessment = Assessment.objects.create(
        declaration=declaration,
        declaration_version=declaration.version,
        score=result.score,
        score_channel=score_channel,
        channel=final,
        fired_rules=result.fired,
        required_minimums=minimums,
        thresholds=explanation,
        random_draw=draw,
        random_selection=decision.random,
        engine_micros=elapsed_micros,
        model_version_id=model.version_id if model is not None else None,
        model_score=model.score if model is not None else None,
        model_factors=[{**factor, "line_no": model.line_no} for factor in model.factors] if model is not None else [],
    )
    Assessment.rule_versions.through.objects.bulk_create(
        Assessment.rule_versions.through(assessment=assessment, riskruleversion_id=version_id)
        for version_id in result.version_ids
    )
    return assessment


def risk_assessment_of_amendment(*, declaration: Declaration) -> Assessment:
    """The rules run on the new version of a declaration that customs holds, once an officer accepted
    an amendment request (declarations.services.amendments): for the officer's information, and
    never lower than the channel it had. The caller holds the row lock and moves the status."""
    assert declaration.status in HELD and declaration.version > 1, "only an accepted amendment of a held declaration"
    return _assessment_record(declaration)


def _next_status(channel: str, declaration: Declaration) -> str:
    if channel == Channel.RED:
        return Status.UNDER_INSPECTION
    if channel == Channel.YELLOW:
        return Status.UNDER_REVIEW
    if declaration.amount_due > 0 and declaration.payment_status != PaymentStatus.PAID:
        return Status.ASSESSED
    return Status.CLEARED


def risk_assess(*, declaration_id: int) -> Assessment | None:
    """Assess a registered declaration once per version; running it again changes nothing.

    Returns the assessment of the declaration's current version (new or existing), or None
    when the declaration is gone or not in a state to be assessed.
    """
    with transaction.atomic():
        try:
            declaration = declaration_lock(declaration_id=declaration_id)
        except Declaration.DoesNotExist:
            logger.warning("risk_assess: declaration %s does not exist", declaration_id)
            return None
        existing = assessment_of_version(declaration_id=declaration.pk, version=declaration.version)
        if existing is not None or declaration.status != Status.REGISTERED:
            return existing
        assessment = _assessment_record(declaration, count=True)
        final = assessment.channel
        now = timezone.now()
        to_status = _next_status(final, declaration)
        fields = {"channel": final, "assessed_at": now}
        if to_status == Status.CLEARED:
            fields["cleared_at"] = now
        declaration_transition(
            declaration=declaration,
            action=Action.ASSESS,
            to_status=to_status,
            data={"assessment": assessment.pk, "channel": final},
            fields=fields,
        )
        return assessment
