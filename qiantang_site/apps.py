from axes.apps import AppConfig as BaseAxesConfig
from django.contrib.admin.apps import AdminConfig


class AxesConfig(BaseAxesConfig):
    # django-axes has no Chinese name; the admin lists it beside our own apps.
    verbose_name = "登录保护"


class DeskAdminConfig(AdminConfig):
    # The admin's front page is the desk's dashboard (articles/dashboard.py).
    default_site = "articles.dashboard.DeskAdminSite"
