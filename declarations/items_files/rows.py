"""Errors of goods lines by the spreadsheet's rows and columns.

Validation reports a goods line's errors as DRF does, by the line's index and the API's field
(`{"items": [{"unit_price": [...]}, {"permits": [{"date": [...]}]}]}`); a spreadsheet's reader
wants them where it typed them: `{"row": 7, "field": "unit_price", "errors": [...]}`, a permit's
errors on the permit's own row (`permit_date`).
"""
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from customs_portal.errors import DomainValidationError
from declarations.items_files.columns import COLUMNS_BY_FIELD, PERMIT_COLUMNS
from declarations.items_files.reading import SheetLine

PERMIT_FIELDS = {key: column for column, key in PERMIT_COLUMNS.items()}


def row_errors_of(item_errors, lines: list[SheetLine]) -> list[dict]:
    """DRF-shaped errors of goods lines ({"items": [...]}'s list) as errors by row and column."""
    found: list[dict] = []
    if not isinstance(item_errors, list):
        return found
    for line, errors in zip(lines, item_errors):
        for name, messages in (errors or {}).items():
            if name == "permits" and isinstance(messages, dict):  # DRF: {index: errors} of the bad permits
                messages = [messages.get(index, messages.get(str(index), {})) for index in range(len(line.permits))]
            if name == "permits" and isinstance(messages, list) and any(isinstance(m, dict) for m in messages):
                for (row, _permit), permit_errors in zip(line.permits, messages):
                    for key, permit_messages in (permit_errors or {}).items():
                        found.append({"row": row, "field": PERMIT_FIELDS.get(key, f"permit_{key}"),
                                      "errors": [str(m) for m in permit_messages]})
            else:
                found.append({"row": line.row, "field": "permit_number" if name == "permits" else name,
                              "errors": [str(m) for m in messages]})
    return found


def rows_error(found: list[dict]) -> DomainValidationError:
    """Every bad row, in the order of the sheet (then of its columns)."""
    order = {name: index for index, name in enumerate(COLUMNS_BY_FIELD)}
    merged: dict[tuple[int, str], list[str]] = {}
    for error in found:
        merged.setdefault((error["row"], error["field"]), []).extend(error["errors"])
    ordered = sorted(merged.items(), key=lambda entry: (entry[0][0], order.get(entry[0][1], len(order))))
    return DomainValidationError({"rows": [{"row": row, "field": name, "errors": errors} for (row, name), errors in ordered]})


def row_error_text(error: dict) -> str:
    """ "dòng 7, cột Đơn giá: …" in the reader's language, one line per message."""
    column = COLUMNS_BY_FIELD.get(error["field"])
    label = column.label("vi" if (get_language() or "vi").startswith("vi") else "en") if column else error["field"]
    return _("row %(row)d, column %(column)s: %(errors)s") % {"row": error["row"], "column": label,
                                                            "errors": " ".join(error["errors"])}
