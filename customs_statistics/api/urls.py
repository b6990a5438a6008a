from django.urls import path

from .views import VIEWS

urlpatterns = [path(f"statistics/{report}/", view, name=f"statistics-{report}") for report, view in VIEWS.items()]
