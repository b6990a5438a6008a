"""Minimum channels the declaration's content requires, whatever the rules and the score say.

Unlike a risk rule, these are not configured by risk admins and always apply (before random
selection, which only ever raises a channel): a declaration with an import duty that a special
rule of the tariff leaves to an officer (`DutyAssessment.TO_BE_ASSESSED`) goes at least to
yellow, so that an officer sets that duty before the goods are cleared. The assessment stores
each minimum that applied, with the items that required it, and explains it like a fired rule.
"""
from django.utils.translation import gettext_lazy as _

from declarations.lifecycle import Channel
from declarations.models import Declaration, DutyAssessment, GoodsItem
from risk.engine import stricter

DUTY_TO_BE_ASSESSED = "duty_to_be_assessed"
# code → (minimum channel, name, why)
REQUIREMENTS = {
    DUTY_TO_BE_ASSESSED: (
        Channel.YELLOW,
        _("Duty to be assessed by an officer"),
        _("A special rule of the tariff sets the import duty: an officer must assess it, so the declaration goes at "
          "least to yellow. Always applied, before random selection."),
    ),
}

def required_minimums(*, declaration: Declaration) -> list[dict]:
    """[{"code", "channel", "items": [{"line_no", "hs_code"}]}] for every minimum the declaration requires."""
    pending = list(GoodsItem.objects.filter(declaration_id=declaration.pk, duty_assessment=DutyAssessment.TO_BE_ASSESSED)
                   .order_by("line_no").values_list("line_no", "hs_code"))
    if not pending:
        return []
    channel = REQUIREMENTS[DUTY_TO_BE_ASSESSED][0]
    return [{"code": DUTY_TO_BE_ASSESSED, "channel": str(channel),
             "items": [{"line_no": line_no, "hs_code": hs_code} for line_no, hs_code in pending]}]


def minimums_apply(channel: str, minimums: list[dict]) -> str:
    """`channel`, raised to every required minimum."""
    for minimum in minimums:
        channel = stricter(channel, minimum["channel"])
    return channel


def requirement_label(code: str) -> str:
    return str(REQUIREMENTS[code][1]) if code in REQUIREMENTS else code


def requirement_explanation(code: str) -> str:
    return str(REQUIREMENTS[code][2]) if code in REQUIREMENTS else ""
