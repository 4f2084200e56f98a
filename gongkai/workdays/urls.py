from django.urls import path

from gongkai.workdays import views

app_name = "workdays"

urlpatterns = [
    path("", views.year_view, name="current"),
    path("<id:year>/", views.year_view, name="year"),
    path("import/", views.import_view, name="import"),
]
