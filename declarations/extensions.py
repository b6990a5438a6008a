"""What `declarations` needs from the apps above it, as extension points those apps fill.

`declarations` sits below `risk` and `payments` (docs/architecture.md, enforced by the
import-linter contracts in `.importlinter`): it never imports them. Where a declaration's
workflow or pages need them, they call an extension point declared here; the app that provides
it registers its handler in its `AppConfig.ready()`:

| extension point              | provided by | what declarations asks                                              |
|------------------------------|-------------|---------------------------------------------------------------------|
| `assessment_enqueue`         | risk        | a declaration was registered (or amended back to registered): assess it, once the transaction commits |
| `amendment_assess`           | risk        | the rules on an accepted amendment's content (the channel can only go up) |
| `risk_explanation`           | risk        | the latest assessment shaped for the officer's review page           |
| `risk_explanation_data`      | risk        | the latest assessment as the API's staff serializer returns it (`risk`) |
| `review_queue_annotations`   | risk        | the current assessment's score and fired rules, as queryset annotations |
| `fired_rule_name`            | risk        | the name of a rule that fired, in the reader's language             |
| `compliance_summary`         | risk        | the enterprise's compliance level for the review page: since when, where from, why |
| `balance`                    | payments    | what is still owed on a declaration once what was paid counts        |
| `later_dues_sync`            | payments    | a cleared declaration's amount due once a debt raised after clearance changed |
| `goods_released`             | post_clearance | the goods left at the gate: select for post-clearance audit, on commit |
| `post_clearance_state`       | post_clearance | the declaration's post-clearance ("blue") state for the API and pages |
| `overdue_later_dues`         | post_clearance | an enterprise's debts raised after clearance and unpaid since a day (the registration block) |

Every one of them is required: calling one that nothing registered raises `ExtensionMissing`,
and `tests/test_architecture.py` checks that a started portal has them all. A handler is
registered once; registering a second, different one is refused. No Django signals: the call
is explicit and its result is used.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Generic, Protocol, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Expression

from declarations.models import Declaration

Handler = TypeVar("Handler")


class ExtensionMissing(ImproperlyConfigured):
    """An extension point was called before (or without) its app registering a handler."""


@dataclass
class ExtensionPoint(Generic[Handler]):
    name: str
    provided_by: str
    _handler: Handler | None = None

    def register(self, handler: Handler) -> Handler:
        if self._handler is not None and self._handler is not handler:
            raise ImproperlyConfigured(f"declarations extension point {self.name!r} already has a handler "
                                       f"({self._handler!r}); refusing {handler!r}")
        self._handler = handler
        return handler

    @property
    def registered(self) -> bool:
        return self._handler is not None

    @property
    def handler(self) -> Handler:
        if self._handler is None:
            raise ExtensionMissing(f"declarations extension point {self.name!r} has no handler: the "
                                   f"{self.provided_by!r} app registers it in its AppConfig.ready(); is it installed?")
        return self._handler


class AssessmentEnqueue(Protocol):
    def __call__(self, *, declaration_id: int) -> None: ...


class AssessedChannel(Protocol):
    """What the amendment workflow reads of an assessment (a `risk.models.Assessment`)."""

    pk: int
    channel: str


class AmendmentAssess(Protocol):
    def __call__(self, *, declaration: Declaration) -> AssessedChannel: ...


class RiskExplanation(Protocol):
    def __call__(self, *, declaration: Declaration) -> dict | None: ...


class ReviewQueueAnnotations(Protocol):
    """Annotations named `risk_score` and `fired_rules` for a queryset of declarations."""

    def __call__(self) -> dict[str, Expression]: ...


class FiredRuleName(Protocol):
    def __call__(self, fired: dict) -> str: ...


class ComplianceSummary(Protocol):
    """What the review page says of an enterprise's compliance level: since when, where it comes from, why."""

    def __call__(self, *, enterprise) -> dict: ...


class GoodsReleased(Protocol):
    """Runs inside the transaction that released the goods at the gate (the row is locked); it
    schedules its work with `transaction.on_commit` (post-clearance selection)."""

    def __call__(self, *, declaration: Declaration) -> None: ...


class PostClearanceState(Protocol):
    """The declaration's post-clearance ("blue") state {"status", "opened_at", "outcome",
    "additional_amount"}, or None (no audit, or none the reader may see)."""

    def __call__(self, *, declaration: Declaration, staff: bool) -> dict | None: ...


class Balance(Protocol):
    """What declarations reads of a balance (a `payments.services.balance.Balance`)."""

    amount_due: Decimal
    tax_paid: Decimal


class BalanceOf(Protocol):
    """The balance of `declaration` today, nothing written (the declaration may be unsaved changes)."""

    def __call__(self, *, declaration: Declaration) -> Balance: ...


@dataclass(frozen=True)
class OverdueDebt:
    """A debt of an enterprise that counts for the registration block (declarations/services/limits.py)."""

    kind: str  # "declaration" (unpaid taxes and interest), "additional_assessment" (an audit) or "amendment_difference"
    declaration_id: int
    number: str
    amount: Decimal  # taxes and late interest outstanding, VND
    due_date: date


class OverdueLaterDues(Protocol):
    """The enterprises' debts raised after clearance, unpaid on `on`, due on or before `due_by`, by
    enterprise id (those of `enterprise_ids`, or of all enterprises when it is None)."""

    def __call__(self, *, enterprise_ids, due_by: date, on: date) -> dict[int, list[OverdueDebt]]: ...


class LaterDuesSync(Protocol):
    """Set a cleared declaration's `amount_due` and `payment_status` to what its later dues leave to
    pay on `on` (the caller holds the row lock); returns the amount due."""

    def __call__(self, *, declaration: Declaration, on: date) -> Decimal: ...


assessment_enqueue: ExtensionPoint[AssessmentEnqueue] = ExtensionPoint("assessment_enqueue", "risk")
amendment_assess: ExtensionPoint[AmendmentAssess] = ExtensionPoint("amendment_assess", "risk")
risk_explanation: ExtensionPoint[RiskExplanation] = ExtensionPoint("risk_explanation", "risk")
risk_explanation_data: ExtensionPoint[RiskExplanation] = ExtensionPoint("risk_explanation_data", "risk")
review_queue_annotations: ExtensionPoint[ReviewQueueAnnotations] = ExtensionPoint("review_queue_annotations", "risk")
fired_rule_name: ExtensionPoint[FiredRuleName] = ExtensionPoint("fired_rule_name", "risk")
compliance_summary: ExtensionPoint[ComplianceSummary] = ExtensionPoint("compliance_summary", "risk")
balance: ExtensionPoint[BalanceOf] = ExtensionPoint("balance", "payments")
later_dues_sync: ExtensionPoint[LaterDuesSync] = ExtensionPoint("later_dues_sync", "payments")
goods_released: ExtensionPoint[GoodsReleased] = ExtensionPoint("goods_released", "post_clearance")
post_clearance_state: ExtensionPoint[PostClearanceState] = ExtensionPoint("post_clearance_state", "post_clearance")
overdue_later_dues: ExtensionPoint[OverdueLaterDues] = ExtensionPoint("overdue_later_dues", "post_clearance")

EXTENSION_POINTS: tuple[ExtensionPoint, ...] = (
    assessment_enqueue, amendment_assess, risk_explanation, risk_explanation_data, review_queue_annotations,
    fired_rule_name, compliance_summary, balance, later_dues_sync, goods_released, post_clearance_state, overdue_later_dues,
)
