from django.urls import path

from gongkai.publishing import views

app_name = "publishing"

urlpatterns = [
    path("feed.xml", views.site_feed_view, name="feed"),
    path("sitemap.xml", views.sitemap_index_view, name="sitemap"),
    path("sitemaps/pages.xml", views.sitemap_pages_view, name="sitemap_pages"),
    path("sitemaps/items-<id:number>.xml", views.sitemap_items_view, name="sitemap_items"),
    path("robots.txt", views.robots_view, name="robots"),
    path("404.html", views.not_found_page_view, name="not_found"),
    path("xxgk/<id:organ_id>/", views.column_view, name="column"),
    path("xxgk/<id:organ_id>/<slug:code>/", views.node_view, name="node"),
    path("xxgk/<id:organ_id>/<slug:code>/p<id:number>.html", views.node_view, name="node_page"),
    path("xxgk/<id:organ_id>/<slug:code>/feed.xml", views.node_feed_view, name="node_feed"),
]
