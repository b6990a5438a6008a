"""The browser's download of a declaration as a PDF: the same service as
`GET /api/v1/declarations/{id}/pdf/`, for a signed-in user."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from declarations.selectors import declaration_get_with_items
from declarations.services.pdf import declaration_pdf_filename, declaration_pdf_render


@login_required
@require_GET
def declaration_pdf_download(request, pk):
    """Traders get their own enterprise's declarations and customs staff any (others' are 404, as in the API);
    roles that never see declarations (the gate) get 403."""
    user = request.user
    if not (user.is_customs_staff or (user.is_trader and user.enterprise_id)):
        raise PermissionDenied
    declaration = declaration_get_with_items(user=user, pk=pk)
    response = HttpResponse(declaration_pdf_render(declaration=declaration), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=declaration_pdf_filename(declaration=declaration))
    return response
