"""The scraping admin: runs and errors (read-only logs) and the health page."""

from django.contrib import admin

from scraping.admin import errors, runs

# The admin index gets a link to the health page (the template extends Django's own).
admin.site.index_template = "admin/scraping/site_index.html"

__all__ = ["errors", "runs"]
