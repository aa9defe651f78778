from axes.apps import AppConfig as BaseAxesConfig


class AxesConfig(BaseAxesConfig):
    # django-axes has no Chinese name; the admin lists it beside our own apps.
    verbose_name = "登录保护"
