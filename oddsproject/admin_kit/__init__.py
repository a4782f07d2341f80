"""Admin helpers shared by the odds and scraping apps: display (JSON, links, first
lines) and the read-only mixin for pages over data written elsewhere."""

from oddsproject.admin_kit.display import admin_link, admin_url, first_line, pretty_json
from oddsproject.admin_kit.readonly import ReadOnlyMixin

__all__ = ["ReadOnlyMixin", "admin_link", "admin_url", "first_line", "pretty_json"]
