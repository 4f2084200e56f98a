from django.urls import path

from gongkai.disclosure.views import (
    public_attachment_view,
    public_guide_view,
    public_item_view,
    public_powers_view,
)
from gongkai.foi.views import apply_view, public_letter_view, status_view, submitted_view
from gongkai.portal import views
from gongkai.workdays.views import calculator_view

app_name = "portal"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("workdays/", calculator_view, name="workday_calculator"),
    path("xxgk/items/<id:pk>/", public_item_view, name="disclosure_item"),
    path("xxgk/files/<id:pk>/", public_attachment_view, name="disclosure_file"),
    # The published name: file.<extension of the detected type>, so nginx serves the copy the
    # publisher writes with the right type; the application answers the same URL itself.
    path("xxgk/files/<id:pk>/<str:name>", public_attachment_view, name="disclosure_file_named"),
    path("xxgk/<id:organ_id>/powers/", public_powers_view, name="powers"),
    path("xxgk/<id:organ_id>/guide/", public_guide_view, name="guide"),
    path("ysqgk/<id:organ_id>/apply/", apply_view, name="foi_apply"),
    path("ysqgk/<id:organ_id>/submitted/", submitted_view, name="foi_submitted"),
    path("ysqgk/<id:organ_id>/status/", status_view, name="foi_status"),
    path("ysqgk/<id:organ_id>/letters/<id:letter_id>/", public_letter_view, name="foi_letter"),
]
