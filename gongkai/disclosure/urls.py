from django.urls import path

from gongkai.disclosure import views

app_name = "disclosure"

urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.edit_view, name="new"),
    path("review/", views.review_queue_view, name="review_queue"),
    path("missing-interpretations/", views.missing_interpretations_view, name="missing"),
    path("attachments/<id:pk>/", views.attachment_view, name="attachment"),
    path("powers/", views.powers_view, name="powers"),
    path("catalogue/", views.catalogue_view, name="catalogue"),
    path("guide/", views.guide_view, name="guide"),
    path("ledger/", views.ledger_view, name="ledger"),
    path("ledger/export.xlsx", views.ledger_export_view, name="ledger_export"),
    path("settings/", views.settings_view, name="settings"),
    path("<id:pk>/", views.item_view, name="item"),
    path("<id:pk>/edit/", views.edit_view, name="edit"),
    path("<id:pk>/action/", views.action_view, name="action"),
]
