"""Signal handlers that keep the search documents current after ORM writes.

Connected once by :meth:`directory.apps.DirectoryConfig.ready`. Every write
that can change a search document (a service, its organisation, its
categories, its locations, a category's label) ends in
:func:`directory.search.text.search_vectors_refresh`, in the current
transaction, so the services other engineers write never need to call it.
Writes that send no signal (``bulk_create``, ``QuerySet.update``, raw SQL,
``loaddata``) must call ``search_vectors_refresh`` themselves.

The in-memory facet index follows the directory's data version, which
every directory write moves after commit (``directory/data_version.py``
connects its own handlers).
"""

from django.db.backends.signals import connection_created
from django.db.models.signals import m2m_changed, post_delete, post_save

from directory.models import (
    Location,
    Organisation,
    Service,
    ServiceAtLocation,
    ServiceCategory,
)
from directory.search.text import search_vectors_refresh, sqlite_functions_register


def _service_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        search_vectors_refresh(services=[instance.pk])


def _organisation_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        search_vectors_refresh(organisations=[instance.pk])


def _category_saved(sender, instance, created=False, raw=False, **kwargs):
    """A new label changes the documents of the services filed under it or its children."""
    if raw or created:
        return
    through = Service.categories.through
    service_ids = through.objects.filter(
        servicecategory__in=ServiceCategory.objects.filter(pk=instance.pk)
        | ServiceCategory.objects.filter(parent=instance.pk)
    ).values_list("service_id", flat=True)
    search_vectors_refresh(services=list(service_ids))


def _location_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        service_ids = ServiceAtLocation.objects.filter(location=instance).values_list(
            "service_id", flat=True
        )
        search_vectors_refresh(services=list(service_ids))


def _service_at_location_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        search_vectors_refresh(services=[instance.service_id])


def _service_relation_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """``service.categories`` or ``service.locations`` (either side) was changed.

    From the other side (``category.services.clear()``), the services are
    only known before the clear: they are remembered at ``pre_clear``.
    """
    if action == "pre_clear" and reverse:
        column = "servicecategory" if sender is Service.categories.through else "location"
        instance._search_services_cleared = list(
            sender.objects.filter(**{column: instance.pk}).values_list("service_id", flat=True)
        )
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        search_vectors_refresh(services=[instance.pk])
    elif action == "post_clear":
        search_vectors_refresh(services=getattr(instance, "_search_services_cleared", []))
    else:
        search_vectors_refresh(services=list(pk_set or ()))


def connect() -> None:
    connection_created.connect(sqlite_functions_register, dispatch_uid="directory_sqlite_fold")
    post_save.connect(_service_saved, sender=Service, dispatch_uid="directory_search_service")
    post_save.connect(
        _organisation_saved, sender=Organisation, dispatch_uid="directory_search_organisation"
    )
    post_save.connect(
        _category_saved, sender=ServiceCategory, dispatch_uid="directory_search_category"
    )
    post_save.connect(_location_saved, sender=Location, dispatch_uid="directory_search_location")
    for signal, uid in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(
            _service_at_location_changed,
            sender=ServiceAtLocation,
            dispatch_uid=f"directory_search_service_at_location_{uid}",
        )
    m2m_changed.connect(
        _service_relation_changed,
        sender=Service.categories.through,
        dispatch_uid="directory_search_service_categories",
    )
    m2m_changed.connect(
        _service_relation_changed,
        sender=Service.locations.through,
        dispatch_uid="directory_search_service_locations",
    )
