"""Goods lines from a spreadsheet: checked as goods items are, placed on their rows, and put in a draft.

The file is read by declarations.items_files.reading and each line parsed by the API's serializer
(declarations/api/item_rows.py); here the lines meet the business rules of goods items
(`goods_items_validate`, the same checks as a declaration's) and, for the API's import, replace a
draft's goods lines through `declaration_update`, the service that edits a draft: all of them or
none.
"""
from decimal import Decimal

from customs_portal.errors import DomainValidationError
from declarations.items_files.reading import SheetLine
from declarations.items_files.rows import row_errors_of, rows_error
from declarations.lifecycle import Action, check_transition
from declarations.models import Declaration
from declarations.services.declarations import declaration_as_data, declaration_update
from declarations.services.validation import goods_items_validate, line_value_of


def goods_lines_check(*, items: list[dict | None], lines: list[SheetLine], direction: str,
                      errors: list[dict] = ()) -> list[dict]:
    """The business rules of goods items on the lines of a file that could be parsed (None: a line
    that could not); with `errors` (those of reading and parsing), every bad row or none."""
    parsed = [(item, line) for item, line in zip(items, lines) if item is not None]
    found = list(errors)
    try:
        goods_items_validate(items=[item for item, _line in parsed], direction=direction)
    except DomainValidationError as exc:
        found += row_errors_of(exc.errors.get("items"), [line for _item, line in parsed])
    if found:
        raise rows_error(found)
    return [item for item, _line in parsed]


def declaration_items_import(*, declaration: Declaration, user, items: list[dict | None], lines: list[SheetLine],
                             errors: list[dict] = ()) -> Declaration:
    """Replace a draft's goods lines with those of a file. The invoice total becomes the sum of the
    lines' values (the lines are the invoice's: docs/decisions.md); the header is otherwise kept."""
    check_transition(Action.EDIT, declaration.status)
    items = goods_lines_check(items=items, lines=lines, direction=declaration.direction, errors=errors)
    data = declaration_as_data(declaration=declaration)
    data["items"] = items
    data["invoice"] = {**data["invoice"], "total": sum(
        (item["line_value"] if item.get("line_value") is not None else line_value_of(item) for item in items), Decimal("0"))}
    try:
        return declaration_update(declaration=declaration, user=user, data=data)
    except DomainValidationError as exc:
        errors = dict(exc.errors)
        item_errors = errors.pop("items", None)
        found = row_errors_of(item_errors, lines)
        if found:
            errors["rows"] = rows_error(found).errors["rows"]
        elif item_errors:
            errors["items"] = item_errors
        raise DomainValidationError(errors) from None
