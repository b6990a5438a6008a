from django.urls import path

from declarations import assignment_views, document_views, live_views, pdf_views, review_views, trader_views, views

app_name = "declarations"

urlpatterns = [
    path("", views.declaration_list, name="list"),
    path("new/", views.declaration_create_view, name="create"),
    path("preview/", views.declaration_preview_view, name="preview"),
    path("hs-lookup/", views.hs_lookup, name="hs-lookup"),
    path("live-state/", live_views.live_state, name="live-state"),
    path("<int:pk>/", views.declaration_detail, name="detail"),
    path("<int:pk>/edit/", views.declaration_edit_view, name="edit"),
    path("<int:pk>/submit/", views.declaration_submit_view, name="submit"),
    path("<int:pk>/pdf/", pdf_views.declaration_pdf_download, name="pdf"),
    path("review/", review_views.review_queue_view, name="review-queue"),
    path("<int:pk>/review/", review_views.review_view, name="review"),
    path("<int:pk>/assign/", assignment_views.declaration_assign_view, name="assign"),
    path("<int:pk>/documents/", document_views.documents_view, name="documents"),
    path("<int:pk>/documents/<int:document_id>/", document_views.document_download, name="document-download"),
    path("<int:pk>/cancel/", trader_views.declaration_cancel_view, name="cancel"),
    path("<int:pk>/amend/", trader_views.declaration_amend_view, name="amend"),
]
