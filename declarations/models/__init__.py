from .audit import AuditEvent
from .declaration import Declaration, DeclarationVersion, Direction, GoodsItem, PaymentStatus, TransportMode
from .reference import (
    Country,
    Currency,
    CustomsOffice,
    ExchangeRate,
    HSCode,
    HSSection,
    Port,
    TariffLine,
    Unit,
)

__all__ = [
    "AuditEvent",
    "Country",
    "Currency",
    "CustomsOffice",
    "Declaration",
    "DeclarationVersion",
    "Direction",
    "ExchangeRate",
    "GoodsItem",
    "HSCode",
    "HSSection",
    "PaymentStatus",
    "Port",
    "TariffLine",
    "TransportMode",
    "Unit",
]
