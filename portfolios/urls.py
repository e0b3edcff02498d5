from django.urls import path

from . import draft_views, file_views, review_views, views

app_name = "portfolios"

urlpatterns = [
    path("", views.portfolio_list, name="list"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/goedkeuren/", review_views.inbox_accept, name="inbox_accept"),
    path("bewijs/<int:pk>/reageren/", review_views.comment_create, name="comment_create"),
    path("reactie/<int:pk>/bewerken/", review_views.comment_edit, name="comment_edit"),
    path("bestand/<int:pk>/miniatuur/", views.file_thumbnail, name="thumbnail"),
    path("bewijs/<int:pk>/", views.evidence_detail, name="evidence"),
    path("bewijs/<int:pk>/bewerken/", views.evidence_edit, name="evidence_edit"),
    path("bewijs/<int:pk>/indienen/", views.evidence_submit, name="evidence_submit"),
    path("bewijs/<int:pk>/verwijderen/", draft_views.evidence_delete, name="evidence_delete"),
    path("bestand/<int:pk>/verwijderen/", draft_views.file_remove, name="file_remove"),
    path("bewijs/<int:pk>/beoordelen/", views.evidence_review, name="evidence_review"),
    path("bestand/<int:pk>/", views.file_download, name="file"),
    path("bestand/<int:pk>/bekijken/", file_views.file_view, name="file_view"),
    path("bestand/<int:pk>/pagina/<int:number>/", file_views.file_page, name="file_page"),
    path("bestand/<int:pk>/weergave/", file_views.file_rendition, name="file_rendition"),
    path("bestand/<int:pk>/afspelen/", file_views.file_play, name="file_play"),
    path("<int:enrolment_pk>/", views.portfolio_detail, name="portfolio"),
    path(
        "<int:enrolment_pk>/meerdere-aftekenen/",
        review_views.sign_off_many,
        name="sign_off_many",
    ),
    path("<int:enrolment_pk>/<str:code>/", views.werkproces_detail, name="werkproces"),
    path(
        "<int:enrolment_pk>/<str:code>/bewijs-toevoegen/",
        views.evidence_create,
        name="evidence_create",
    ),
    path("<int:enrolment_pk>/<str:code>/aftekenen/", views.sign_off, name="sign_off"),
    path(
        "<int:enrolment_pk>/<str:code>/aftekening-intrekken/",
        views.sign_off_withdraw,
        name="sign_off_withdraw",
    ),
    path(
        "<int:enrolment_pk>/<str:code>/uitvoerbaarheid/",
        views.feasibility,
        name="feasibility",
    ),
]
