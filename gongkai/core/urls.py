from django.urls import path

from gongkai.core import views

app_name = "core"

urlpatterns = [
    path("audit/", views.audit_log_view, name="audit_log"),
    path("audit/export.csv", views.audit_export_view, name="audit_export"),
    path("imports/", views.import_jobs_view, name="import_jobs"),
    path("imports/<id:pk>/status.json", views.import_job_status_view, name="import_job_status"),
]
