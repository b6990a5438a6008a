from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .reference_views import reference_urlpatterns
from .review_views import CancelView, DecisionView, GateReleaseView, ReviewQueueView
from .views import DeclarationViewSet

router = SimpleRouter()
router.register("declarations", DeclarationViewSet, basename="declaration")

urlpatterns = [
    path("declarations/<int:pk>/decisions/", DecisionView.as_view(), name="declaration-decisions"),
    path("declarations/<int:pk>/cancel/", CancelView.as_view(), name="declaration-cancel"),
    path("review-queue/", ReviewQueueView.as_view(), name="review-queue"),
    path("gate/release/", GateReleaseView.as_view(), name="gate-release"),
    path("", include(router.urls)),
    path("reference/", include(reference_urlpatterns)),
]
