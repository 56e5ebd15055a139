"""Admin wiring of the site: a chooser of directory services for the fiches."""

from django.utils.translation import gettext_lazy as _

from wagtail import hooks
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
