from django.urls import path

from gongkai.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.workspace_view, name="workspace"),
    path("login/", views.login_view, name="login"),
    path("login/totp/", views.login_totp_view, name="login_totp"),
    path("logout/", views.logout_view, name="logout"),
    path("organ/", views.choose_organ_view, name="choose_organ"),
    path("organ/edit/", views.organ_view, name="organ"),
    path("units/", views.units_view, name="units"),
    path("units/<id:pk>/", views.unit_edit_view, name="unit_edit"),
    path("users/", views.users_view, name="users"),
    path("users/<id:pk>/", views.user_action_view, name="user_action"),
    path("tokens/", views.tokens_view, name="tokens"),
    path("tokens/<id:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("security/", views.security_view, name="security"),
]
