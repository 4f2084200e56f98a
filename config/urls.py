"""URL routes: staff workspace, API, Django admin (system admins only), public site."""

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path

from gongkai.api import api
from gongkai.core.views import media_view

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

if settings.GONGKAI_SERVE_MEDIA:
    # Embedded mode: uploaded files (random names, types checked on upload) from MEDIA_ROOT.
    # Behind nginx, set GONGKAI_SERVE_MEDIA=false and let nginx serve /media/.
    urlpatterns.append(re_path(r"^media/(?P<path>.+)$", media_view, name="media"))
