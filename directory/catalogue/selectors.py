"""Permission-checked reads of the directory's records.

Every surface (pages, search, map data, API, exports, e-mails) reads
through these or through the ``visible_to`` querysets they wrap, so that an
unpublished record never leaks through a side door. The rule itself is in
``directory/access.py`` and the models' ``visible_to``.
"""

from django.http import Http404

from directory.models import Location, Organisation, Service


def organisation_get_visible(*, user, slug: str) -> Organisation:
    """The organisation if the user may see it; 404 otherwise (an unpublished record does
    not exist for those who may not see it)."""
    try:
        return Organisation.objects.visible_to(user).get(slug=slug)
    except Organisation.DoesNotExist as error:
        raise Http404 from error


def service_get_visible(*, user, slug: str) -> Service:
    try:
        return Service.objects.visible_to(user).select_related("organisation").get(slug=slug)
    except Service.DoesNotExist as error:
        raise Http404 from error


def organisations_visible(*, user):
    """Organisations the user may see (see ``Organisation.objects.visible_to``)."""
    return Organisation.objects.visible_to(user)


def services_visible(*, user):
    """Services the user may see (see ``Service.objects.visible_to``)."""
    return Service.objects.visible_to(user)


def locations_visible(*, user):
    """Locations in use of the organisations the user may see.

    A location has no publication state of its own; an archived one is on no
    public surface, whoever asks (its organisation's admins find it on their
    management pages).
    """
    return Location.objects.current().filter(
        organisation__in=organisations_visible(user=user).values("pk")
    )
