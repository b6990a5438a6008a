from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .absence_views import OfficerAvailabilityView
from .assignment_views import AssignView
from .document_views import DocumentDownloadView, DocumentRequestsView, DocumentsView
from .items_views import CopyView, ItemsExportView, ItemsImportView, ItemsTemplateView
from .notice_views import NoticeListView, NoticeReadView
from .review_views import CancelView, DecisionView, GateReleaseView, ReviewQueueView
from .views import DeclarationViewSet

router = SimpleRouter()
router.register("declarations", DeclarationViewSet, basename="declaration")

urlpatterns = [
    path("declarations/items-template.xlsx", ItemsTemplateView.as_view(), name="declaration-items-template"),
    # Any segment for the id (not <int:>): a path without a trailing slash that matched nothing would be
    # redirected to the slashed one; an id that is no number is a 404 of the view, as for every declaration.
    path("declarations/<str:pk>/items.xlsx", ItemsExportView.as_view(), name="declaration-items-export"),
    path("declarations/<int:pk>/items/import/", ItemsImportView.as_view(), name="declaration-items-import"),
    path("declarations/<int:pk>/copy/", CopyView.as_view(), name="declaration-copy"),
    path("declarations/<int:pk>/decisions/", DecisionView.as_view(), name="declaration-decisions"),
    path("declarations/<int:pk>/assign/", AssignView.as_view(), name="declaration-assign"),
    path("declarations/<int:pk>/cancel/", CancelView.as_view(), name="declaration-cancel"),
    path("declarations/<int:pk>/documents/", DocumentsView.as_view(), name="declaration-documents"),
    path("declarations/<int:pk>/documents/<int:document_id>/download/", DocumentDownloadView.as_view(),
         name="declaration-document-download"),
    path("declarations/<int:pk>/document-requests/", DocumentRequestsView.as_view(), name="declaration-document-requests"),
    path("officers/<int:pk>/availability/", OfficerAvailabilityView.as_view(), name="officer-availability"),
    path("notices/", NoticeListView.as_view(), name="notice-list"),
    path("notices/<int:pk>/read/", NoticeReadView.as_view(), name="notice-read"),
    path("review-queue/", ReviewQueueView.as_view(), name="review-queue"),
    path("gate/release/", GateReleaseView.as_view(), name="gate-release"),
    path("", include(router.urls)),
]
