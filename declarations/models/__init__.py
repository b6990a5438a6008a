from .audit import AuditEvent
from .declaration import Declaration, Direction, GoodsItem, PaymentStatus, TransportMode
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
