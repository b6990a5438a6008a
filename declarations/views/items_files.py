"""The declaration form's import of goods lines from a file (create, edit and amend pages), and the
copy of a declaration.

The form's import reads the file as the API's does (declarations.items_files, the API's serializer
of a goods item, `goods_lines_check`) and, when every line is good, puts the lines in the form in
place of those typed: the trader sees them, completes the header and saves the draft as usual.
When any row is bad nothing changes, and every bad row is listed ("dòng 7, cột Đơn giá: …").
"""
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customs_portal.accounts.permissions import trader_required
from customs_portal.errors import DomainValidationError
from declarations.api.item_rows import sheet_items_parse
from declarations.forms import DeclarationForm, errors_text
from declarations.items_files.reading import MAX_FILE_BYTES, items_file_read
from declarations.items_files.rows import row_error_text
from declarations.selectors import declaration_get_with_item_codes
from declarations.services.copies import declaration_copy
from declarations.services.items_import import goods_lines_check

IMPORT_BUTTON = "import_items"
FILE_FIELD = "items_file"


def form_items_import(request, form: DeclarationForm) -> None:
    """Replace the form's goods lines with those of the uploaded file, or say why none were."""
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
        return
    form.items_replace(items)
    messages.success(request, ngettext(
        "%(count)d goods line imported from %(file)s. Check it, complete the declaration and save the draft.",
        "%(count)d goods lines imported from %(file)s. Check them, complete the declaration and save the draft.",
        len(items)) % {"count": len(items), "file": upload.name})


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
