"""Staff pages of the tournée in the Wagtail admin (``/admin/tournee/``), and the dashboard
panel of follow-ups due soon. For ``directory.manage_visits`` (roles *Animation* and
*Équipe du répertoire*)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.views.generic import TemplateView

from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from directory import access
from directory.admin_access import PermissionRequiredMixin
from directory.models import Organisation
from directory.tournee import selectors, services
from directory.tournee.forms import (
    AttachmentForm,
    FollowUpFormSet,
    NeedFilterForm,
    StaffNeedForm,
    VisitForm,
    VisitNeedFormSet,
)

NAMESPACE = "tournee_admin"
TEMPLATES = "directory/tournee/admin/"


class VisitsMixin(PermissionRequiredMixin, WagtailAdminTemplateMixin):
    permission_required = access.MANAGE_VISITS
    header_icon = "group"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{NAMESPACE}:index"), "label": gettext("Partner visits")},
        ]


class VisitIndexView(VisitsMixin, TemplateView):
    template_name = f"{TEMPLATES}index.html"

    def get_page_title(self):
        return gettext("Partner visits")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["visits"] = selectors.visits_for(user=user)[:200]
        context["follow_ups"] = selectors.follow_ups_due_soon(user=user)
        return context


class VisitFormView(VisitsMixin, TemplateView):
    """A new visit, or more of an existing one (follow-ups and needs are added)."""

    template_name = f"{TEMPLATES}form.html"

    @cached_property
    def visit(self):
        pk = self.kwargs.get("pk")
        return selectors.visit_get(user=self.request.user, pk=pk) if pk else None

    def get_page_title(self):
        return gettext("Edit the visit") if self.visit else gettext("New visit")

    def _forms(self, data=None):
        organisations = (
            self.visit.organisations.order_by("name")
            if self.visit
            else Organisation.objects.exclude(state="archived").order_by("name")
        )
        return (
            VisitForm(data, instance=self.visit),
            FollowUpFormSet(data, prefix="followups"),
            VisitNeedFormSet(data, prefix="needs", form_kwargs={"organisations": organisations}),
        )

    def get_context_data(self, forms=None, **kwargs):
        context = super().get_context_data(**kwargs)
        form, follow_ups, needs = forms or self._forms()
        context.update(form=form, follow_ups=follow_ups, needs=needs, visit=self.visit)
        return context

    def post(self, request, *args, **kwargs):
        forms = self._forms(request.POST)
        form, follow_ups, needs = forms
        if all([form.is_valid(), follow_ups.is_valid(), needs.is_valid()]):
            try:
                visit = services.visit_save(
                    user=request.user,
                    visit=self.visit,
                    values=form.cleaned_data,
                    follow_ups=[f.cleaned_data for f in follow_ups.forms],
                    needs=[f.cleaned_data for f in needs.forms],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        for message in errors:
                            form.add_error(field if field in form.fields else None, message)
                else:
                    form.add_error(None, error)
            else:
                messages.success(request, gettext("Visit saved."))
                return redirect(f"{NAMESPACE}:detail", pk=visit.pk)
        return self.render_to_response(self.get_context_data(forms=forms), status=400)


class VisitDetailView(VisitsMixin, TemplateView):
    template_name = f"{TEMPLATES}detail.html"

    @cached_property
    def visit(self):
        return selectors.visit_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_page_title(self):
        return str(self.visit)

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": str(self.visit)}]

    def get_context_data(self, attachment_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(visit=self.visit, attachment_form=attachment_form or AttachmentForm())
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        visit = self.visit
        if action in ("done", "undone"):
            follow_up = visit.follow_ups.filter(pk=request.POST.get("follow_up")).first()
            if follow_up is not None:
                services.follow_up_done(
                    user=request.user, follow_up=follow_up, done=action == "done"
                )
                messages.success(request, gettext("Follow-up updated."))
        elif action == "attach":
            form = AttachmentForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    with transaction.atomic():
                        services.attachment_add(
                            user=request.user, visit=visit, upload=form.cleaned_data["file"]
                        )
                except ValidationError as error:
                    form.add_error("file", error)
            if form.errors:
                return self.render_to_response(
                    self.get_context_data(attachment_form=form), status=400
                )
            messages.success(request, gettext("File attached."))
        elif action == "detach":
            attachment = visit.attachments.filter(pk=request.POST.get("attachment")).first()
            if attachment is not None:
                services.attachment_delete(user=request.user, attachment=attachment)
                messages.success(request, gettext("File removed."))
        return redirect(f"{NAMESPACE}:detail", pk=visit.pk)


def attachment_download(request, pk):
    """Serve an attachment to those who may read the visits, never from a public URL."""
    if not request.user.has_perm(access.MANAGE_VISITS):
        raise PermissionDenied
    attachment = selectors.attachment_get(user=request.user, pk=pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class NeedsView(PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    """Every need heard (surveys, visits, staff), filtered; and a need staff heard elsewhere."""

    permission_required = access.VIEW_NEEDS
    header_icon = "help"
    template_name = f"{TEMPLATES}needs.html"

    def get_page_title(self):
        return gettext("Needs heard")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = NeedFilterForm(self.request.GET or None)
        needs = selectors.needs_for(user=self.request.user).prefetch_related("client_statuses")
        if filters.is_valid():
            needs = selectors.needs_filtered(needs, **filters.cleaned_data)
        context.update(filters=filters, needs=needs[:300], form=form or StaffNeedForm())
        return context

    def post(self, request, *args, **kwargs):
        form = StaffNeedForm(request.POST)
        if form.is_valid():
            try:
                services.need_record(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, gettext("Need recorded."))
                return redirect(f"{NAMESPACE}:needs")
        return self.render_to_response(self.get_context_data(form=form), status=400)


urlpatterns = [
    path("needs/", NeedsView.as_view(), name="needs"),
    path("", VisitIndexView.as_view(), name="index"),
    path("new/", VisitFormView.as_view(), name="create"),
    path("<int:pk>/", VisitDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", VisitFormView.as_view(), name="edit"),
    path("attachments/<int:pk>/", attachment_download, name="attachment"),
]


class FollowUpsDuePanel(Component):
    """The admin dashboard's panel: follow-ups due soon (or late), for those who run visits."""

    name = "follow_ups_due"
    order = 150
    template_name = f"{TEMPLATES}dashboard_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        return {
            "follow_ups": list(selectors.follow_ups_due_soon(user=self.request.user)[:20]),
            "index_url": reverse(f"{NAMESPACE}:index"),
        }


def homepage_panels(request, panels) -> None:
    """``construct_homepage_panels``: only those who may read the visits see the panel."""
    if request.user.has_perm(access.MANAGE_VISITS):
        panels.append(FollowUpsDuePanel(request))
