from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from odds.admin import workbench
from scraping.admin.health_view import health_view

urlpatterns = [
    # Before the admin's own URLs: a page of the admin that belongs to no model.
    path("admin/scraping/health/", admin.site.admin_view(health_view), name="scraping_health"),
    *workbench.urlpatterns(),
    path("admin/", admin.site.urls),
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]
