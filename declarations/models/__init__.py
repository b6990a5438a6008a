from .amendment import AmendmentRequest
from .audit import AuditEvent
from .declaration import (
    Declaration,
    DeclarationVersion,
    Direction,
    DutyAssessment,
    GoodsItem,
    PaymentStatus,
    TransportMode,
)
from .reference import (
    Country,
    Currency,
    CustomsOffice,
    ExchangeRate,
    HSCode,
    HSSection,
    Port,
    ReferenceDataVersion,
    TariffLine,
    Unit,
)
from .review import (
    Document,
    DocumentKind,
    DocumentRequest,
    GateRelease,
    InspectionResult,
)

__all__ = [
    "AmendmentRequest",
    "AuditEvent",
    "Country",
    "Currency",
    "CustomsOffice",
    "Declaration",
    "DeclarationVersion",
    "Direction",
    "Document",
    "DocumentKind",
    "DocumentRequest",
    "DutyAssessment",
    "ExchangeRate",
    "GateRelease",
    "GoodsItem",
    "HSCode",
    "HSSection",
    "InspectionResult",
    "PaymentStatus",
    "Port",
    "ReferenceDataVersion",
    "TariffLine",
    "TransportMode",
    "Unit",
]
