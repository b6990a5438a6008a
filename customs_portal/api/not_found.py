"""A JSON 404 for every path under /api/v1/ that names no endpoint (api.md: every 4xx has a JSON body).

A path whose parameter has the wrong shape (`/api/v1/declarations/abc/`) matches no URL pattern,
and Django would answer with the HTML page of the site. Signed-in callers get `{"detail": …}`
with 404, anonymous ones the 401 every endpoint gives them. Only paths ending in a slash: one
without still gets Django's redirect to the slashed path when that names an endpoint.
"""
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView


@extend_schema(exclude=True)
class ApiNotFoundView(APIView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, permissions, rate limits: as every endpoint
        raise NotFound()
