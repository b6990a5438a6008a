from django.urls import path

from declarations.views import (
    absence,
    assignment,
    documents,
    hs_lookup,
    items_files,
    live,
    notices,
    pdf,
    review,
    trader,
)

app_name = "declarations"

urlpatterns = [
    path("", trader.declaration_list, name="list"),
    path("new/", trader.declaration_create_view, name="create"),
    path("preview/", trader.declaration_preview_view, name="preview"),
    path("hs-lookup/", hs_lookup.hs_lookup, name="hs-lookup"),
    path("live-state/", live.live_state, name="live-state"),
    path("<int:pk>/", trader.declaration_detail, name="detail"),
    path("<int:pk>/edit/", trader.declaration_edit_view, name="edit"),
    path("<int:pk>/submit/", trader.declaration_submit_view, name="submit"),
    path("<int:pk>/pdf/", pdf.declaration_pdf_download, name="pdf"),
    path("review/", review.review_queue_view, name="review-queue"),
    path("review/officers/", absence.officers_view, name="officers"),
    path("review/officers/<int:pk>/availability/", absence.officer_availability_view, name="officer-availability"),
    path("<int:pk>/review/", review.review_view, name="review"),
    path("<int:pk>/assign/", assignment.declaration_assign_view, name="assign"),
    path("<int:pk>/documents/", documents.documents_view, name="documents"),
    path("<int:pk>/documents/<int:document_id>/", documents.document_download, name="document-download"),
    path("<int:pk>/cancel/", trader.declaration_cancel_view, name="cancel"),
    path("<int:pk>/amend/", trader.declaration_amend_view, name="amend"),
    path("<int:pk>/copy/", items_files.declaration_copy_view, name="copy"),
    path("notices/<int:notice_id>/read/", notices.notice_read_view, name="notice-read"),
    path("notices/read/", notices.notices_read_all_view, name="notices-read-all"),
]
