"""The active learned model's score of one declaration, in the worker, before the rules run: it is
the rules' `model.score` (risk/conditions.py), and the assessment keeps the version, the score and
the factors that moved it most for officers (risk/learned/explain.py).

Each goods item is scored against the state the model was trained with; the declaration's score is
its most suspicious item's, explained by that item's factors. The active version's artifact is loaded
once per worker process and kept until another version is activated (one indexed query per
assessment tells which is active).
"""
import logging
import threading
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy

from risk.learned.artifact import ArtifactError, ModelArtifact
from risk.learned.explain import factors_of
from risk.learned.kcs import kcs_rows_read
from risk.selectors.model_history import portal_row
from risk.selectors.model_versions import model_version_active_id, model_version_stored

logger = logging.getLogger(__name__)
SCORE_PLACES = Decimal("0.0001")
_cache: dict = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class ModelScore:
    version_id: int
    number: int
    score: Decimal  # in [0, 1], 4 places
    line_no: int  # the item the score is that of
    factors: list


def active_model() -> tuple[int, int, ModelArtifact] | None:
    """(version id, number, artifact) of the active version, or None when no model is active."""
    version_id = model_version_active_id()
    if version_id is None:
        return None
    cached = _cache.get("active")
    if cached is not None and cached[0] == version_id:
        return cached
    with _lock:
        cached = _cache.get("active")
        if cached is None or cached[0] != version_id:
            stored = model_version_stored(version_id=version_id)
            if stored is None or stored[1] is None:
                return None
            try:
                artifact = ModelArtifact.from_bytes(stored[1])
            except ArtifactError:
                # A damaged model must not stop clearance: the rules run without `model.score`.
                logger.exception("the active model version %s cannot be loaded; assessing without it", stored[0])
                return None
            cached = (version_id, stored[0], artifact)
            _cache["active"] = cached
    return cached


def score_of(artifact: ModelArtifact, rows) -> tuple[numpy.ndarray, numpy.ndarray]:
    """(feature matrix, scores) of rows scored alone against the artifact's state."""
    matrix = artifact.matrix(rows)
    return matrix, artifact.booster.predict(matrix, num_threads=1)


def declaration_model_score(*, declaration, items) -> ModelScore | None:
    """The active model's score of the declaration (its items as `declaration_items_for_facts` reads
    them), or None without an active model or items."""
    model = active_model()
    if model is None or not items:
        return None
    version_id, number, artifact = model
    rows = [portal_row(declaration, item) for item in items]
    matrix, scores = score_of(artifact, rows)
    best = int(numpy.argmax(scores))
    contributions = artifact.contributions(matrix[best:best + 1])[0]
    return ModelScore(
        version_id=version_id, number=number,
        score=Decimal(str(float(scores[best]))).quantize(SCORE_PLACES, rounding=ROUND_HALF_UP),
        line_no=items[best].line_no,
        factors=factors_of(rows[best], matrix[best], contributions),
    )


def history_file_score(*, lines, artifact_bytes: bytes) -> list[tuple[str, float]]:
    """(Declaration ID, score) of every row of a file in the KCS data set's format, in the file's order,
    each scored alone against the model's state; `Fraud` and `Critical Fraud` are ignored. A bad row
    raises KcsFormatError (every problem, nothing scored)."""
    rows = kcs_rows_read(lines, labelled=False)
    _matrix, scores = score_of(ModelArtifact.from_bytes(artifact_bytes), rows)
    return [(row.key, float(score)) for row, score in zip(rows, scores, strict=True)]
