from django.urls import path

from gongkai.workplan import views

app_name = "workplan"

urlpatterns = [
    path("", views.plans_view, name="plans"),
    path("import/", views.import_upload_view, name="import"),
    path("import/<id:pk>/", views.import_preview_view, name="import_preview"),
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("mine/", views.my_tasks_view, name="mine"),
    path("notifications/", views.notifications_view, name="notifications"),
    path("<id:pk>/", views.plan_view, name="plan"),
    path("<id:pk>/action/", views.plan_action_view, name="plan_action"),
    path("<id:pk>/export/<str:kind>", views.export_view, name="export"),
    path("tasks/<id:pk>/", views.task_view, name="task"),
    path("tasks/<id:pk>/action/", views.task_action_view, name="task_action"),
    path("evidence/<id:pk>/", views.evidence_view, name="evidence"),
]
