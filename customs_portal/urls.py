from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path

from customs_portal.accounts.api.views import TokenListView, TokenObtainView
from customs_portal.accounts.home import home
from customs_portal.api.not_found import ApiNotFoundView
from customs_portal.api.schema import SchemaDocsView, SchemaView

api_v1 = [
    path("auth/token/", TokenObtainView.as_view(), name="auth-token"),
    path("auth/tokens/", TokenListView.as_view(), name="auth-tokens"),
    path("", include("declarations.api.urls")),
    path("", include("risk.api.urls")),
    path("", include("payments.api.urls")),
    path("", include("post_clearance.api.urls")),
    path("", include("customs_statistics.api.urls")),
    path("reference/", include("reference.api.urls")),
    re_path(r"^[\s\S]*/$", ApiNotFoundView.as_view()),  # last: a JSON 404 for paths that name no endpoint
]

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("customs_portal.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("declarations/", include("declarations.urls")),
    path("gate/", include("declarations.urls_gate")),
    path("risk/post-clearance/", include("post_clearance.urls_settings")),
    path("risk/", include("risk.urls")),
    path("payments/", include("payments.urls")),
    path("post-clearance/", include("post_clearance.urls")),
    path("statistics/", include("customs_statistics.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path("api/docs/", SchemaDocsView.as_view(url_name="schema"), name="api-docs"),
]

# Error pages in the portal's layout and the reader's language; JSON under /api/ (customs_portal.error_pages).
handler400 = "customs_portal.error_pages.bad_request"
handler403 = "customs_portal.error_pages.permission_denied"
handler404 = "customs_portal.error_pages.page_not_found"
handler500 = "customs_portal.error_pages.server_error"

if settings.BANK_SIMULATOR_ENABLED:
    urlpatterns.append(path("bank-simulator/", include("payments.bank_simulator.urls")))

if settings.DEBUG:
    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)
