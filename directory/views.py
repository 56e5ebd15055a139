from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from .models import Organisation, Service


@login_required
def my_account(request):
    return render(request, "directory/my_account.html", {})


def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation.objects.visible_to(request.user), slug=slug)
    return render(request, "directory/organisation_detail.html", {"organisation": organisation})


def service_detail(request, slug):
    service = get_object_or_404(Service.objects.visible_to(request.user), slug=slug)
    return render(request, "directory/service_detail.html", {"service": service})


def search(request):
    return render(request, "directory/search.html", {})
