"""The access policy in the Wagtail admin: menu items and views that ask one permission.

Wagtail itself lets in whoever may open the admin (``is_staff`` or a role);
what each page of ours shows or does is the policy's (``directory/access.py``).
Other apps' admin pages use the same two pieces::

    class ModerationQueueView(PermissionRequiredMixin, BaseListingView):
        permission_required = access.MODERATE  # forum/access.py

    PermissionMenuItem(_("Moderation"), url, permission=access.MODERATE, ...)
"""

from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from wagtail.admin.menu import MenuItem


class PermissionMenuItem(MenuItem):
    """A menu item shown only to those who hold ``permission``."""

    def __init__(self, *args, permission: str, **kwargs):
        self.permission = permission
        super().__init__(*args, **kwargs)

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


class PermissionRequiredMixin:
    """A view for those who hold ``permission_required`` (a named permission); 403 otherwise.

    Wagtail's own check (may open the admin, signed in) runs first, in its URL wiring.
    """

    permission_required: str = ""

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_required:
            raise ImproperlyConfigured(f"{type(self).__name__} names no permission_required.")
        if not request.user.has_perm(self.permission_required):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def permission_menu_item_class(permission: str) -> type[MenuItem]:
    """For a viewset's ``menu_item_class``: its menu item asks ``permission``."""

    class ViewSetMenuItem(MenuItem):
        def is_shown(self, request):
            return request.user.has_perm(permission)

    return ViewSetMenuItem
