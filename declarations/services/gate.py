"""The gate: the goods of a cleared declaration leave the customs-controlled area.

`gate_release_check` says whether the goods may leave, and what the gate should see before it lets
them (`GateSummary`); `gate_release` checks the same under the declaration's row lock and records the
release. The page and `POST /api/v1/gate/release/` call these, so they accept and refuse alike.

The gate reads no declaration but the cleared one whose number (or QR code, with its verification
code) it was given, and only once its containers match: a number that is unknown, not cleared,
already released, or whose containers differ is refused with the reason alone.
"""
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_portal.errors import DomainConflict, DomainValidationError
from customs_portal.localization import moment_text
from declarations import extensions
from declarations.containers import container_numbers_clean, container_numbers_differ
from declarations.lifecycle import Action, Status
from declarations.models import Declaration, GateRelease, GoodsItem
from declarations.services.lifecycle import declaration_lock, declaration_transition
from declarations.services.verification import qr_payload_parse, verification_code_valid


@dataclass(frozen=True)
class GateSummary:
    """What the gate sees before it lets the goods leave."""

    declaration: Declaration
    items: list[GoodsItem]
    containers: list[str]  # as entered at the gate, normalised
    containers_declared: bool  # the declaration lists containers (and they match)


def _release_text(declaration: Declaration) -> str:
    release = GateRelease.objects.select_related("released_by").filter(declaration=declaration).first()
    when = release.released_at if release else (declaration.released_at or declaration.updated_at)
    if release is None:
        return _("The goods of declaration %(number)s already left the area on %(when)s.") % {
            "number": declaration.number, "when": moment_text(when)}
    who = release.released_by
    name = who.get_full_name()
    return _("The goods of declaration %(number)s already left the area on %(when)s, released at the gate by "
             "%(who)s.") % {"number": declaration.number, "when": moment_text(when),
                            "who": f"{name} ({who.get_username()})" if name else who.get_username()}


def _gate_declaration(*, scanned: str, container_numbers: list[str], lock: bool) -> tuple[Declaration, list[str]]:
    """The cleared declaration named by `scanned` and the containers entered (normalised), or the refusal."""
    containers, errors = container_numbers_clean(container_numbers)
    if errors:
        raise DomainValidationError({"container_numbers": errors})
    number, code = qr_payload_parse(scanned)
    if not number.isdigit() or len(number) != 12:
        raise DomainValidationError({"declaration_number": [_("A declaration number has 12 digits.")]})
    if code is not None and not verification_code_valid(number=number, code=code):
        raise DomainConflict(_("The verification code does not match declaration %(number)s: the printout may have been altered.")
                             % {"number": number}, code="tampered")
    found = Declaration.objects.filter(number=number).values_list("pk", flat=True).first()
    if found is None:
        raise DomainConflict(_("No declaration has the number %(number)s.") % {"number": number}, code="unknown")
    if lock:
        declaration = declaration_lock(declaration_id=found)
    else:
        declaration = Declaration.objects.select_related("enterprise").get(pk=found)
    if declaration.status == Status.RELEASED:
        raise DomainConflict(_release_text(declaration), code="already_released")
    if declaration.status != Status.CLEARED:
        raise DomainConflict(
            _("Declaration %(number)s is not cleared (status: %(status)s); the goods may not leave.")
            % {"number": number, "status": Status(declaration.status).label},
            code="not_cleared",
        )
    if declaration.container_numbers:
        missing, undeclared = container_numbers_differ(declared=declaration.container_numbers, seen=containers)
        if missing or undeclared:
            parts = []
            if undeclared:
                parts.append(_("not in the declaration: %(numbers)s") % {"numbers": ", ".join(undeclared)})
            if missing:
                parts.append(_("declared but not entered: %(numbers)s") % {"numbers": ", ".join(missing)})
            raise DomainConflict(
                _("The containers do not match declaration %(number)s (%(differences)s); the goods may not leave.")
                % {"number": number, "differences": "; ".join(parts)},
                code="containers_mismatch",
            )
    return declaration, containers


def gate_release_check(*, scanned: str, container_numbers: list[str]) -> GateSummary:
    """Whether the goods may leave, and what the gate sees before it confirms; nothing is recorded."""
    declaration, containers = _gate_declaration(scanned=scanned, container_numbers=container_numbers, lock=False)
    items = list(declaration.items.select_related("unit").order_by("line_no"))
    return GateSummary(declaration=declaration, items=items, containers=containers,
                       containers_declared=bool(declaration.container_numbers))


@transaction.atomic
def gate_release(*, user, scanned: str, container_numbers: list[str]) -> Declaration:
    """Record that the goods of a cleared declaration left the controlled area.

    `scanned` is the QR payload of the printed declaration or the bare number typed by hand.
    Refused (DomainConflict) when unknown, tampered with, not cleared, already released, or when
    the declaration lists containers and those entered differ; malformed input is a
    DomainValidationError.
    """
    declaration, containers = _gate_declaration(scanned=scanned, container_numbers=container_numbers, lock=True)
    GateRelease.objects.create(declaration=declaration, released_by=user, container_numbers=containers)
    declaration = declaration_transition(
        declaration=declaration, action=Action.GATE_RELEASE, to_status=Status.RELEASED, actor=user,
        data={"container_numbers": containers}, fields={"released_at": timezone.now()},
    )
    extensions.goods_released.handler(declaration=declaration)  # post-clearance selection (declarations/extensions.py)
    return declaration
