"""For admin pages over data written elsewhere (the write path, the runner): view only."""

from __future__ import annotations


class ReadOnlyMixin:
    """Put before ``admin.ModelAdmin`` (or an inline): no add, change or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
