from django.shortcuts import render

from directory import selectors


def organisation_detail(request, slug):
    organisation = selectors.organisation_get_visible(user=request.user, slug=slug)
    return render(request, "directory/organisation_detail.html", {"organisation": organisation})


def service_detail(request, slug):
    service = selectors.service_get_visible(user=request.user, slug=slug)
    return render(request, "directory/service_detail.html", {"service": service})


def search(request):
    return render(request, "directory/search.html", {})
