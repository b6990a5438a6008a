"""Goods lines from a spreadsheet: checked as goods items are, placed on their rows, and put in a draft.

The file is read by declarations.items_files.reading and each line parsed by the API's serializer
(declarations/api/item_rows.py); here the lines meet the business rules of goods items
(`goods_items_validate`, the same checks as a declaration's) and, for the API's import, replace a
draft's goods lines through `declaration_update`, the service that edits a draft: all of them or
none.
"""
from django.conf import settings

from customs_portal.errors import DomainValidationError
from declarations.items_files.reading import SheetLine
from declarations.items_files.rows import row_errors_of, rows_error
from declarations.lifecycle import Action, check_transition
from declarations.models import Declaration
from declarations.services.branches import declaration_branches_fill
from declarations.services.validation import goods_items_validate


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
    lines' values (the lines are the invoice's: docs/decisions.md); the header is otherwise kept.
    More than 50 lines make linked branch declarations (declarations/services/branches.py): the
    draft is branch 1; imported into a member of a group, the lines replace the whole group's.
    Returns branch 1 (the draft itself when the lines fit in one declaration)."""
    check_transition(Action.EDIT, declaration.status)
    items = goods_lines_check(items=items, lines=lines, direction=declaration.direction, errors=errors)
    try:
        return declaration_branches_fill(declaration=declaration, user=user, items=items)
    except DomainValidationError as exc:
        raise DomainValidationError(_rows_named(exc.errors, lines)) from None


def _rows_named(errors: dict, lines: list[SheetLine]) -> dict:
    """A service's errors with those of goods items named by the rows of the file they came from."""
    errors = dict(errors)
    branches = errors.pop("branches", None)
    item_errors = errors.pop("items", None)
    found = row_errors_of(item_errors, lines)
    size = settings.DECLARATION_MAX_ITEMS
    for index, branch_errors in (branches or {}).items():
        branch_errors = dict(branch_errors)
        start = (int(index) - 1) * size
        found += row_errors_of(branch_errors.pop("items", None), lines[start:start + size])
        if branch_errors:
            errors.setdefault("branches", {})[index] = branch_errors
    if found:
        errors["rows"] = rows_error(found).errors["rows"]
    elif item_errors:
        errors["items"] = item_errors
    return errors
