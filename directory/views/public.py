from django.shortcuts import get_object_or_404, render

from directory.models import Organisation, Service


def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation.objects.visible_to(request.user), slug=slug)
    return render(request, "directory/organisation_detail.html", {"organisation": organisation})


def service_detail(request, slug):
    service = get_object_or_404(Service.objects.visible_to(request.user), slug=slug)
    return render(request, "directory/service_detail.html", {"service": service})


def search(request):
    return render(request, "directory/search.html", {})
