from django.urls import path
from django.views.generic.base import RedirectView

from reportgen.web import views

handler404 = "reportgen.web.views.not_found"
handler403 = "reportgen.web.views.forbidden"
handler500 = "reportgen.web.views.server_error"

urlpatterns = [
    path("", RedirectView.as_view(url="/office/")),
    path("static/<str:name>", views.static),
    path("a/<str:token>/", views.agency_page),
    path("a/<str:token>/upload", views.agency_upload),
    path("a/<str:token>/workbook.xlsx", views.agency_workbook),
    path("a/<str:token>/v/<int:number>/annotated.xlsx", views.agency_annotated),
    path("a/<str:token>/v/<int:number>/report.<str:fmt>", views.agency_report),
    path("setup/<str:token>/", views.invite),
    path("office/login", views.office_login),
    path("office/logout", views.office_logout),
    path("office/", views.office_home),
    path("office/accounts", views.accounts),
    path("office/events", views.events),
    path("office/rounds/new", views.round_new),
    path("office/rounds/<int:pk>/", views.dashboard),
    path("office/rounds/<int:pk>/links.xlsx", views.links_sheet),
    path("office/rounds/<int:pk>/status.xlsx", views.status_sheet),
    path("office/rounds/<int:pk>/annotated.zip", views.annotated_zip),
    path("office/rounds/<int:pk>/aggregate", views.aggregate_view),
    path("office/rounds/<int:pk>/render", views.render_all),
    path("office/rounds/<int:pk>/render/<str:job_id>.json", views.render_state),  # before the page: <str> takes dots
    path("office/rounds/<int:pk>/render/<str:job_id>.zip", views.render_zip),
    path("office/rounds/<int:pk>/render/<str:job_id>", views.render_progress),
    path("office/rounds/<int:pk>/events", views.events),
    path("office/agencies/<int:pk>/", views.agency_detail),
    path("office/agencies/<int:pk>/<str:action>", views.link_action),
    path("office/versions/<int:pk>/decide/<str:kind>", views.decide),
    path("office/versions/<int:pk>/<str:what>", views.office_file),
]
