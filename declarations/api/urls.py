from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .reference_views import reference_urlpatterns
from .views import DeclarationViewSet

router = SimpleRouter()
router.register("declarations", DeclarationViewSet, basename="declaration")

urlpatterns = [
    path("", include(router.urls)),
    path("reference/", include(reference_urlpatterns)),
]
