"""The fields of a goods item: one list, from which the form, the API's serializers, the services
that store items and `declaration_as_data` all take theirs (tests/declarations/test_items.py
checks the write serializer, whose fields each carry their own validation, against it)."""

# What a goods line of the API body holds (api.md), in its order. `line_value` is quantity × unit
# price, computed when omitted.
ITEM_DECLARED_FIELDS = (
    "hs_code", "description", "origin_country", "quantity", "unit", "unit_price", "line_value", "preference",
    "certificate_of_origin", "permits",
)
# What the trader types for each line on the form as one input each (the line value is computed; the
# permits are a list of their own, `declarations.forms.PermitRow`).
ITEM_ENTERED_FIELDS = tuple(name for name in ITEM_DECLARED_FIELDS if name not in ("line_value", "permits"))
# What is stored of a validated line: the declared fields and the tariff line its HS code resolved to.
ITEM_STORED_FIELDS = (*ITEM_DECLARED_FIELDS, "tariff_line")
