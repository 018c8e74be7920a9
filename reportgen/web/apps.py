from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "reportgen.web"
    label = "web"
    verbose_name = "网上报送"
