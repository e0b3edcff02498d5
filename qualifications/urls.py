from django.urls import path

from . import views

app_name = "qualifications"

urlpatterns = [
    path("", views.qualification_list, name="list"),
    path("import/", views.sbb_import, name="sbb_import"),
    path("<int:pk>/", views.qualification_detail, name="detail"),
    path("<int:pk>/export.json", views.qualification_export, name="export"),
    path("<int:pk>/<str:code>/", views.werkproces_detail, name="werkproces"),
]
