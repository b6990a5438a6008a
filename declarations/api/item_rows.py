"""Goods lines read from a spreadsheet, parsed by the API's own serializer of a goods item.

Shared by the API's import and the form's (declarations/views/items_files.py): a line of a file
is judged exactly as a line of a JSON body, and its errors are placed on its row and column.
"""
from datetime import date
from decimal import Decimal

from customs_portal.localization import number_trimmed
from declarations.items_files.reading import SheetRead
from declarations.items_files.rows import row_errors_of

from .serializers import GoodsItemWriteSerializer


def _api_value(value):
    """A cell's value as a JSON body writes it: dot decimals, ISO dates."""
    if isinstance(value, Decimal):
        return format(number_trimmed(value), "f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def sheet_items_parse(sheet: SheetRead) -> tuple[list[dict | None], list[dict]]:
    """The lines of `sheet` as parsed goods items (what `DeclarationWriteSerializer` gives of `items`;
    None for a line that could not be parsed), and the errors by row of every cell that could not be
    read or parsed. The business rules are the service's (`goods_lines_check`), on the parsed lines."""
    items, errors = [], []
    for line in sheet.lines:
        body = {name: _api_value(value) for name, value in line.values.items()}
        if line.permits:
            body["permits"] = [{key: _api_value(value) for key, value in permit.items()} for _row, permit in line.permits]
        serializer = GoodsItemWriteSerializer(data=body)
        if serializer.is_valid():
            items.append(dict(serializer.validated_data))
            errors.append({})
        else:
            items.append(None)
            errors.append(serializer.errors)
    # A cell that could not be read is left out of the body: "required" there would repeat it.
    unreadable = {(error["row"], error["field"]) for error in sheet.errors}
    parsed = [error for error in row_errors_of(errors, sheet.lines) if (error["row"], error["field"]) not in unreadable]
    return items, [*sheet.errors, *parsed]
