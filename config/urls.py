"""URL routes: staff workspace, API, Django admin (system admins only), public site."""

from django.contrib import admin
from django.urls import include, path

from gongkai.api import api

urlpatterns = [
    path("staff/", include("gongkai.accounts.urls")),
    path("staff/", include("gongkai.core.urls")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
    path("", include("gongkai.portal.urls")),
]
