from django.urls import path
from django.views.generic.base import RedirectView

from reportgen.web import office_views as office
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
    path("setup/<str:token>/", office.invite),
    path("office/login", office.office_login),
    path("office/logout", office.office_logout),
    path("office/", office.office_home),
    path("office/accounts", office.accounts),
    path("office/events", office.events),
    path("office/rounds/new", office.round_new),
    path("office/rounds/<int:pk>/", office.dashboard),
    path("office/rounds/<int:pk>/links.xlsx", office.links_sheet),
    path("office/rounds/<int:pk>/status.xlsx", office.status_sheet),
    path("office/rounds/<int:pk>/annotated.zip", office.annotated_zip),
    path("office/rounds/<int:pk>/aggregate", office.aggregate_view),
    path("office/rounds/<int:pk>/render", office.render_all),
    path("office/rounds/<int:pk>/render/<str:job_id>.json", office.render_state),  # before the page: <str> takes dots
    path("office/rounds/<int:pk>/render/<str:job_id>.zip", office.render_zip),
    path("office/rounds/<int:pk>/render/<str:job_id>", office.render_progress),
    path("office/rounds/<int:pk>/events", office.events),
    path("office/agencies/<int:pk>/", office.agency_detail),
    path("office/agencies/<int:pk>/<str:action>", office.link_action),
    path("office/versions/<int:pk>/decide/<str:kind>", office.decide),
    path("office/versions/<int:pk>/<str:what>", office.office_file),
]
