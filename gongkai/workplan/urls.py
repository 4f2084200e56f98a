from django.urls import path

from gongkai.workplan import views

app_name = "workplan"

urlpatterns = [
    path("", views.plans_view, name="plans"),
    path("import/", views.import_upload_view, name="import"),
    path("import/<int:pk>/", views.import_preview_view, name="import_preview"),
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("mine/", views.my_tasks_view, name="mine"),
    path("notifications/", views.notifications_view, name="notifications"),
    path("<int:pk>/", views.plan_view, name="plan"),
    path("<int:pk>/action/", views.plan_action_view, name="plan_action"),
    path("<int:pk>/export/<str:kind>", views.export_view, name="export"),
    path("tasks/<int:pk>/", views.task_view, name="task"),
    path("tasks/<int:pk>/action/", views.task_action_view, name="task_action"),
    path("evidence/<int:pk>/", views.evidence_view, name="evidence"),
]
