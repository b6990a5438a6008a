"""Reads of the learned model's versions and of the history a new version would learn from (the
imported sources' figures: risk.selectors.history), for the training page and the API. The versions
are read without their artifact: it is for the worker that scores, never for a page or a client."""
from django.db.models import Count, Max, Min, QuerySet
from django.utils import timezone

from customs_portal.prepared import PreparedQuery
from declarations.lifecycle import Status
from declarations.models import GoodsItem
from risk.learned_models import PORTAL_SOURCE, HistoryItem, RiskModelVersion
from risk.selectors.model_history import portal_labels

# A version's seed is LightGBM's, a 32-bit signed integer; the same rows and seed train the same model.
SEED_MAX = 2**31 - 1


def history_source_names() -> list[str]:
    """The imported sources a version may learn from, besides the portal's own declarations."""
    return list(HistoryItem.objects.order_by("source").values_list("source", flat=True).distinct())


def portal_history() -> dict:
    """The portal's own goods items as the model reads them (registered declarations, cancelled ones too):
    rows, labelled and positive rows (by their declaration's label, risk.selectors.model_history), dates."""
    items = GoodsItem.objects.filter(declaration__registered_at__isnull=False).exclude(declaration__status=Status.DRAFT)
    totals = items.aggregate(rows=Count("id"), first=Min("declaration__registered_at"),
                             last=Max("declaration__registered_at"))
    labels = portal_labels()
    labelled = positives = 0
    if labels:
        per_declaration = (items.filter(declaration_id__in=list(labels)).values("declaration_id")
                           .annotate(n=Count("id")).values_list("declaration_id", "n"))
        for declaration_id, n in per_declaration:
            labelled += n
            positives += n if labels[declaration_id] else 0
    return {"source": PORTAL_SOURCE, "rows": totals["rows"], "labelled": labelled, "positives": positives,
            "date_from": timezone.localdate(totals["first"]) if totals["first"] else None,
            "date_to": timezone.localdate(totals["last"]) if totals["last"] else None}


def model_versions() -> QuerySet[RiskModelVersion]:
    """Every version, newest first, without the artifact, with who trained and who activated it."""
    return (RiskModelVersion.objects.defer("artifact").select_related("created_by", "activated_by")
            .order_by("-number"))


def model_version_of(*, number: int) -> RiskModelVersion | None:
    return model_versions().filter(number=number).first()


def model_version_active() -> RiskModelVersion | None:
    return model_versions().filter(active=True).first()


# Read on every assessment (risk.services.model_score): compiled once (customs_portal.prepared).
_active_model_id = PreparedQuery(lambda: RiskModelVersion.objects.filter(active=True).values_list("id", flat=True))


def model_version_active_id() -> int | None:
    """The id of the active model version, or None."""
    return _active_model_id.first()


def model_version_stored(*, version_id: int) -> tuple[int, bytes] | None:
    """(number, artifact) of a version, or None."""
    return RiskModelVersion.objects.filter(pk=version_id).values_list("number", "artifact").first()


def model_version_for_scoring(*, number: int | None = None) -> RiskModelVersion | None:
    """The ready version `number`, or the active one; None when there is none."""
    versions = RiskModelVersion.objects.filter(number=number) if number else RiskModelVersion.objects.filter(active=True)
    return versions.filter(state=RiskModelVersion.State.READY).first()
