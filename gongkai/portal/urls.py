from django.urls import path

from gongkai.portal import views
from gongkai.workdays.views import calculator_view

app_name = "portal"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("workdays/", calculator_view, name="workday_calculator"),
]
