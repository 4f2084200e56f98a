from django.urls import path

from gongkai.foi import views

app_name = "foi"

urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("intake/", views.intake_view, name="intake"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/action/", views.action_view, name="action"),
]
