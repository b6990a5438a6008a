"""`risk_assess`: the automated clearance decision on a registered declaration."""
import hashlib
import logging
import time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from customs_portal.prepared import PreparedQuery
from declarations.lifecycle import Action, Channel, Status
from declarations.models import Declaration, PaymentStatus
from declarations.services.lifecycle import declaration_lock, declaration_transition
from risk.engine import channel_for_score, random_selection, stricter
from risk.models import Assessment, RiskSettings
from risk.services.compilation import rule_set_current
from risk.services.facts import declaration_facts
from risk.services.minimums import minimums_apply, required_minimums

logger = logging.getLogger(__name__)


_settings = PreparedQuery(lambda: RiskSettings.objects.filter(pk=1))
_assessment_of_version = PreparedQuery(
    lambda declaration_id, version: Assessment.objects.filter(declaration_id=declaration_id, declaration_version=version).order_by("pk")
)


def risk_settings_current() -> RiskSettings:
    settings = _settings.first()
    if settings is None:
        settings, _ = RiskSettings.objects.get_or_create(pk=1)
    return settings


def random_draw_for(declaration: Declaration) -> Decimal:
    """A number in [0, 1) fixed by the declaration and its version, so a re-run draws the same."""
    digest = hashlib.sha256(f"{declaration.pk}:{declaration.number}:{declaration.version}".encode()).digest()
    return (Decimal(int.from_bytes(digest[:8], "big")) / Decimal(2**64)).quantize(Decimal("0.00000001"))


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
        existing = _assessment_of_version.first(declaration_id=declaration.pk, version=declaration.version)
        if existing is not None or declaration.status != Status.REGISTERED:
            return existing
        settings = risk_settings_current()
        rule_set = rule_set_current()
        started = time.perf_counter()
        facts = declaration_facts(declaration=declaration)
        result = rule_set.evaluate(facts)
        elapsed_micros = int((time.perf_counter() - started) * 1_000_000)

        score_channel = channel_for_score(
            result.score, yellow_threshold=settings.yellow_threshold, red_threshold=settings.red_threshold
        )
        channel = stricter(score_channel, result.min_channel)
        # Minimum channels the content requires (risk/services/minimums.py): always applied.
        minimums = required_minimums(declaration=declaration)
        channel = minimums_apply(channel, minimums)
        draw = random_draw_for(declaration)
        final = random_selection(
            channel, draw=draw, yellow_rate=settings.random_yellow_rate, red_rate=settings.random_red_rate
        )
        assessment = Assessment.objects.create(
            declaration=declaration,
            declaration_version=declaration.version,
            score=result.score,
            score_channel=score_channel,
            channel=final,
            fired_rules=result.fired,
            required_minimums=minimums,
            thresholds={
                "yellow": settings.yellow_threshold,
                "red": settings.red_threshold,
                "random_yellow_rate": str(settings.random_yellow_rate),
                "random_red_rate": str(settings.random_red_rate),
                "settings_version": settings.version,
                "min_channel": result.min_channel,
                "rule_set": rule_set.key,
            },
            random_draw=draw,
            random_selection=final != channel,
            engine_micros=elapsed_micros,
        )
        Assessment.rule_versions.through.objects.bulk_create(
            Assessment.rule_versions.through(assessment=assessment, riskruleversion_id=version_id)
            for version_id in result.version_ids
        )
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
