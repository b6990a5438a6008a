from django.urls import path

from declarations import pdf_views, views

app_name = "declarations"

urlpatterns = [
    path("", views.declaration_list, name="list"),
    path("new/", views.declaration_create_view, name="create"),
    path("preview/", views.declaration_preview_view, name="preview"),
    path("hs-lookup/", views.hs_lookup, name="hs-lookup"),
    path("<int:pk>/", views.declaration_detail, name="detail"),
    path("<int:pk>/edit/", views.declaration_edit_view, name="edit"),
    path("<int:pk>/submit/", views.declaration_submit_view, name="submit"),
    path("<int:pk>/pdf/", pdf_views.declaration_pdf_download, name="pdf"),
]
