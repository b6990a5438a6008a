"""The declaration form's import of goods lines from a file (create, edit and amend pages), and the
copy of a declaration.

The form's import reads the file as the API's does (declarations.items_files, the API's serializer
of a goods item, `goods_lines_check`) and, when every line is good, puts the lines in the form in
place of those typed: the trader sees them, completes the header and saves the draft as usual.
When any row is bad nothing changes, and every bad row is listed ("dòng 7, cột Đơn giá: …").
"""
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customs_portal.accounts.permissions import trader_required
from customs_portal.errors import DomainConflict, DomainValidationError
from declarations.api.item_rows import sheet_items_parse
from declarations.forms import DeclarationForm, errors_text
from declarations.items_files.reading import MAX_FILE_BYTES, items_file_read
from declarations.items_files.rows import row_error_text
from declarations.models import Declaration
from declarations.selectors import declaration_get_with_item_codes
from declarations.services.branches import declaration_branches_save
from declarations.services.copies import declaration_copy
from declarations.services.items_import import goods_lines_check

IMPORT_BUTTON = "import_items"
FILE_FIELD = "items_file"


def form_items_import(request, form: DeclarationForm, *, draft: Declaration | None = None,
                      branches: bool = True) -> Declaration | None:
    """Replace the form's goods lines with those of the uploaded file, or say why none were.

    More than 50 lines (`branches`: a new declaration or a draft, not an amendment) are filed as
    linked branch declarations with the header typed in the form: the draft (`draft`, or a new one)
    is saved with them at once and returned, for the caller to show; None otherwise."""
    upload = request.FILES.get(FILE_FIELD)
    if upload is None:
        form.import_errors = [_("Choose an .xlsx or .csv file of goods lines.")]
        return
    try:
        sheet = items_file_read(name=upload.name or "", content=upload.read(MAX_FILE_BYTES + 1),
                               language=get_language())
        items, errors = sheet_items_parse(sheet)
        items = goods_lines_check(items=items, lines=sheet.lines, direction=form.direction, errors=errors)
    except DomainValidationError as exc:
        form.import_errors = [*exc.errors.get("file", []), *map(row_error_text, exc.errors.get("rows", []))]
        return None
    if len(items) > settings.DECLARATION_MAX_ITEMS:
        return _branches_import(request, form, items=items, draft=draft, branches=branches, name=upload.name)
    form.items_replace(items)
    messages.success(request, ngettext(
        "%(count)d goods line imported from %(file)s. Check it, complete the declaration and save the draft.",
        "%(count)d goods lines imported from %(file)s. Check them, complete the declaration and save the draft.",
        len(items)) % {"count": len(items), "file": upload.name})
    return None


def _branches_import(request, form: DeclarationForm, *, items: list[dict], draft, branches: bool, name: str):
    max_items = settings.DECLARATION_MAX_ITEMS
    if not branches:
        form.import_errors = [_("A declaration has at most %(max)d goods items; this file has %(count)d. An amendment "
                                "cannot add branch declarations.") % {"max": max_items, "count": len(items)}]
        return None
    rows = form.rows
    form.items_replace(items[:max_items])
    if not form.values.get("invoice_total"):  # the service sets each branch's total to the sum of its lines
        total = sum((item.get("line_value") or item["quantity"] * item["unit_price"] for item in items[:max_items]), Decimal("0"))
        typed = f"{total.quantize(Decimal('0.01'))}"
        form.values["invoice_total"] = typed.replace(".", ",") if (get_language() or "vi").startswith("vi") else typed
    data = form.validated_data()
    if data is None:
        form.rows = rows
        form.import_errors = [_("The file has %(count)d goods lines: more than %(max)d are filed as linked branch "
                                "declarations with the header of this form. Complete the header first, then import "
                                "the file again.") % {"count": len(items), "max": max_items}]
        return None
    try:
        first = declaration_branches_save(user=request.user, data=data, items=items, declaration=draft)
    except DomainValidationError as exc:
        form.rows = rows
        form.set_errors({key: value for key, value in exc.errors.items() if key not in ("branches", "items")})
        form.import_errors = [_("The lines were not imported: %(problems)s") % {"problems": errors_text(exc.errors)}]
        return None
    except DomainConflict as exc:
        form.rows = rows
        form.import_errors = [str(exc)]
        return None
    count = first.branch_count or 1
    messages.success(request, _("%(count)d goods lines imported from %(file)s into %(branches)d linked branch "
                                "declarations of at most %(max)d lines. Check them, then submit: the branches are "
                                "registered together.") % {
        "count": len(items), "file": name, "branches": count, "max": max_items})
    return first


@trader_required
@require_POST
def declaration_copy_view(request, pk):
    declaration = declaration_get_with_item_codes(user=request.user, pk=pk)
    try:
        copy = declaration_copy(declaration=declaration, user=request.user)
    except DomainValidationError as exc:
        problems = errors_text(exc.errors)
        messages.error(request, _("The declaration cannot be copied as it is: %(problems)s") % {"problems": problems})
        return redirect("declarations:detail", pk=declaration.pk)
    messages.success(request, _("Copied into draft #%(pk)s: check it, then save or submit it.") % {"pk": copy.pk})
    return redirect("declarations:edit", pk=copy.pk)
