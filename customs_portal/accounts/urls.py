from django.contrib.auth import views as auth_views
from django.urls import path

from .second_factor import second_factor
from .views import api_tokens

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("second-factor/", second_factor, name="second-factor"),
    path("tokens/", api_tokens, name="api-tokens"),
]
