"""A trained model as stored on its version (RiskModelVersion.artifact) and as the worker scores
with it: the LightGBM booster as text and the frozen feature state, in zlib-compressed JSON — no
pickle, so a stored artifact can never run code when it is loaded."""
import json
import zlib
from dataclasses import dataclass

import lightgbm
import numpy

from risk.learned.features import FEATURE_NAMES, FeatureState

ARTIFACT_FORMAT = 1
BOOSTER_END = "\nend of trees\n"  # LightGBM's model text: the trees, then this line


class ArtifactError(ValueError):
    pass


@dataclass
class ModelArtifact:
    booster: lightgbm.Booster
    state: FeatureState
    seed: int

    def to_bytes(self) -> bytes:
        body = {"format": ARTIFACT_FORMAT, "features": list(FEATURE_NAMES), "seed": self.seed,
                "booster": self.booster.model_to_string(), "state": self.state.to_json()}
        return zlib.compress(json.dumps(body, separators=(",", ":")).encode(), 6)

    @classmethod
    def from_bytes(cls, data: bytes) -> "ModelArtifact":
        """The stored artifact, or ArtifactError whatever is wrong with it. zlib's checksum catches
        changed or cut bytes; the booster's text is checked whole before LightGBM parses it, since
        LightGBM crashes the process (SIGSEGV) on a text cut inside its trees."""
        try:
            body = json.loads(zlib.decompress(bytes(data)))
        except (zlib.error, ValueError, TypeError) as error:
            raise ArtifactError(f"the stored model cannot be read: {error}") from None
        if not isinstance(body, dict):
            raise ArtifactError("the stored model cannot be read: it is not a model")
        if body.get("format") != ARTIFACT_FORMAT or body.get("features") != list(FEATURE_NAMES):
            raise ArtifactError("the stored model was made with other features; train a new version")
        booster_text = body.get("booster")
        if not isinstance(booster_text, str) or BOOSTER_END not in booster_text:
            raise ArtifactError("the stored model's trees are incomplete")
        try:
            return cls(booster=lightgbm.Booster(model_str=booster_text), state=FeatureState.from_json(body["state"]),
                       seed=int(body["seed"]))
        except (lightgbm.basic.LightGBMError, KeyError, TypeError, ValueError, AttributeError) as error:
            raise ArtifactError(f"the stored model cannot be read: {error!r}") from None

    def matrix(self, rows) -> numpy.ndarray:
        return numpy.asarray([self.state.features(row) for row in rows], dtype=numpy.float64).reshape(len(rows), len(FEATURE_NAMES))

    def scores(self, rows) -> numpy.ndarray:
        """The probability of a discrepancy for each row, each scored alone against the state."""
        if not rows:
            return numpy.zeros(0)
        return self.booster.predict(self.matrix(rows), num_threads=1)

    def contributions(self, matrix: numpy.ndarray) -> numpy.ndarray:
        """Per-feature contributions to each row's log-odds (SHAP values; the last column is the bias)."""
        return self.booster.predict(matrix, pred_contrib=True, num_threads=1)
