from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<int:pk>/", views.article_detail, name="detail-noslug"),
    path("articles/<int:pk>/<str:slug>/", views.article_detail, name="detail"),
    path("columns/<slug:slug>/", views.column_detail, name="column"),
    path("authors/<slug:slug>/", views.author_detail, name="author"),
]
