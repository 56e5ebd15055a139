"""Admin wiring of the site: a chooser of directory services for the fiches, and the
report of the toolkit's downloads."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.chooser import ChooserViewSet


class ServiceChooserViewSet(ChooserViewSet):
    """Chooses a service for a fiche's "related services" (searching by name)."""

    model = "directory.Service"
    icon = "link"
    choose_one_text = _("Choose a service")
    choose_another_text = _("Choose another service")
    edit_item_text = _("Edit this service")
    url_filter_parameters = []


@hooks.register("register_admin_viewset")
def register_service_chooser():
    return ServiceChooserViewSet("cms_service_chooser")


@hooks.register("register_admin_urls")
def register_reports_urls():
    from cms.reports import ToolkitDownloadsReportView

    return [
        path(
            "reports/toolkit-downloads/",
            ToolkitDownloadsReportView.as_view(),
            name="cms_toolkit_downloads",
        ),
        path(
            "reports/toolkit-downloads/results/",
            ToolkitDownloadsReportView.as_view(results_only=True),
            name="cms_toolkit_downloads_results",
        ),
    ]


class DocumentsMenuItem(MenuItem):
    def is_shown(self, request):
        from wagtail.documents import get_permission_policy

        return get_permission_policy().user_has_any_permission(request.user, ["change"])


@hooks.register("register_reports_menu_item")
def register_toolkit_downloads_menu_item():
    return DocumentsMenuItem(
        _("Toolkit downloads"),
        reverse("cms_toolkit_downloads"),
        name="toolkit-downloads",
        icon_name="download",
        order=1000,
    )
