"""URL routes: staff workspace, API, Django admin (system admins only), public site."""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from gongkai.api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("staff/", include("gongkai.accounts.urls")),
    path("staff/", include("gongkai.core.urls")),
    path("staff/workdays/", include("gongkai.workdays.urls")),
    path("staff/plans/", include("gongkai.workplan.urls")),
    path("staff/disclosure/", include("gongkai.disclosure.urls")),
    path("staff/requests/", include("gongkai.foi.urls")),
    path("api/v1/", api.urls),
    path("search/", include("gongkai.search.urls")),
    path("django-admin/", admin.site.urls),
    path("", include("gongkai.portal.urls")),
    path("", include("gongkai.publishing.urls")),
]
