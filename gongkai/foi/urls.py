from django.urls import path

from gongkai.foi import views

app_name = "foi"

urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("intake/", views.intake_view, name="intake"),
    path("<id:pk>/", views.detail_view, name="detail"),
    path("<id:pk>/action/", views.action_view, name="action"),
    path("<id:pk>/letters/<id:letter_id>/", views.letter_view, name="letter"),
    path("<id:pk>/attachments/<id:attachment_id>/", views.attachment_view, name="attachment"),
    path("letters/", views.templates_view, name="templates"),
    path("export/", views.export_view, name="export"),
]
