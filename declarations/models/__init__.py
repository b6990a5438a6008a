from .amendment import AmendmentDifference, AmendmentRequest, RefundStatus
from .changes import DeclarationChange
from .declaration import (
    Declaration,
    DeclarationVersion,
    Direction,
    DutyAssessment,
    GoodsItem,
    PaymentStatus,
    TransportMode,
)
from .notice import Notice, NoticeKind
from .review import (
    Document,
    DocumentKind,
    DocumentRequest,
    GateRelease,
    InspectionResult,
)

__all__ = [
    "AmendmentDifference",
    "RefundStatus",
    "AmendmentRequest",
    "Declaration",
    "DeclarationChange",
    "DeclarationVersion",
    "Direction",
    "Document",
    "DocumentKind",
    "DocumentRequest",
    "DutyAssessment",
    "GateRelease",
    "GoodsItem",
    "InspectionResult",
    "Notice",
    "NoticeKind",
    "PaymentStatus",
    "TransportMode",
]
