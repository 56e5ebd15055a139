"""The directory team's validation queue in the Wagtail admin, and history logging of admin edits.

- **Validation**: the queue of pending change requests (filters by
  organisation, kind of change, record type and age) and, for each, a review
  page showing the diff field by field with *approve* and *send back* (with a
  comment) buttons. The writes are :mod:`directory.editing.services`.
- **History of admin edits**: the create, edit and delete views that the
  record viewsets (``directory/catalogue/admin.py``) use, so that a staff
  change in the admin is logged to the history of the organisation(s) it
  concerns inside its transaction (:mod:`directory.editing.history`) and the
  history an organisation sees on the site includes it.
"""

from datetime import timedelta

import django_filters

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import BaseListingView, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import CreateView, DeleteView, EditView
from wagtail.admin.viewsets.base import ViewSet

from directory import access
from directory.admin_access import PermissionRequiredMixin, permission_menu_item_class
from directory.editing import history
from directory.editing import selectors as editing_selectors
from directory.editing import services as editing
from directory.editing.fields import organisation_keys, snapshot, spec_for
from directory.editing.review import change_request_review
from directory.models import EDITABLE_RECORD_KINDS, ChangeRequest, Organisation, RecordKind

NAMESPACE = editing.VALIDATION_URL_NAMESPACE

# --- Validation queue ---------------------------------------------------------------------


class ChangeRequestFilterSet(WagtailFilterSet):
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=lambda request: (
            Organisation.objects.filter(change_requests__status=ChangeRequest.Status.PENDING)
            .distinct()
            .order_by("name")
        ),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of change"),
        choices=ChangeRequest.Kind.choices,
        widget=forms.RadioSelect,
        empty_label=_("All"),
    )
    target_kind = django_filters.ChoiceFilter(
        label=_("Record type"),
        choices=EDITABLE_RECORD_KINDS,
        widget=forms.RadioSelect,
        empty_label=_("All"),
    )
    age = django_filters.ChoiceFilter(
        label=_("Waiting for"),
        choices=[
            ("7", _("More than a week")),
            ("30", _("More than a month")),
        ],
        method="filter_age",
        widget=forms.RadioSelect,
        empty_label=_("Any time"),
    )

    class Meta:
        model = ChangeRequest
        fields = ["organisation", "kind", "target_kind"]

    def filter_age(self, queryset, name, value):
        if not value:
            return queryset
        limit = timezone.now() - timedelta(days=int(value))
        return queryset.filter(submitted_at__lt=limit)


def _submitter(change_request: ChangeRequest):
    """Who sent the request: a member, or a survey answer (recensement), which has no account."""
    if change_request.submitted_by is not None:
        return change_request.submitted_by
    for answer in change_request.campaign_answers.all():
        return gettext("%(name)s, in an answer to a survey") % {"name": answer.respondent_name}
    return "—"


class ReviewerRequiredMixin(PermissionRequiredMixin):
    """The validation views are for validators (``REVIEW_CHANGES``)."""

    permission_required = access.REVIEW_CHANGES


class ValidationIndexView(ReviewerRequiredMixin, BaseListingView):
    page_title = _("Validation")
    header_icon = "tasks"
    paginate_by = 50
    filterset_class = ChangeRequestFilterSet
    index_url_name = f"{NAMESPACE}:index"
    index_results_url_name = f"{NAMESPACE}:index_results"
    verbose_name = _("change request")
    verbose_name_plural = _("change requests")

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "record",
                label=_("Record"),
                accessor="target_label",
                url_name=f"{NAMESPACE}:review",
            ),
            Column("organisation", label=_("Organisation"), accessor="organisation.name"),
            Column("target_kind", label=_("Record type"), accessor="get_target_kind_display"),
            Column("kind", label=_("Kind of change"), accessor="get_kind_display"),
            Column("submitted_by", label=_("Submitted by"), accessor=_submitter),
            DateColumn("submitted_at", label=_("Submitted"), sort_key="submitted_at"),
        ]

    def get_base_queryset(self):
        return editing_selectors.change_requests_awaiting_review(user=self.request.user)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment to the organisation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required to send back: say what should change."),
    )


class ChangeRequestReviewView(ReviewerRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    """One request: its diff field by field, then approve or send back with a comment."""

    template_name = "directory/admin/validation_review.html"
    header_icon = "tasks"

    @cached_property
    def change_request(self) -> ChangeRequest:
        return editing_selectors.change_request_get_for_review(
            user=self.request.user, pk=self.kwargs["pk"]
        )

    def get_page_title(self):
        return gettext("Review: %(record)s") % {"record": self.change_request.target_label}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{NAMESPACE}:index"), "label": gettext("Validation")},
            {"url": "", "label": self.change_request.target_label},
        ]

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        change_request = self.change_request
        # The page posts back the fingerprint of what it shows (a new one after a refusal):
        # approval applies exactly that, or nothing.
        review = change_request_review(change_request)
        context.update(
            change_request=change_request,
            review=review,
            rows=review.rows,
            conflicts=bool(review.conflicts),
            location_services=self._location_services(change_request),
            form=form or ReviewForm(),
            index_url=reverse(f"{NAMESPACE}:index"),
            manage_url=reverse(
                "directory:manage_organisation", kwargs={"slug": change_request.organisation.slug}
            ),
        )
        return context

    @staticmethod
    def _location_services(change_request: ChangeRequest) -> list | None:
        """For archiving or restoring a location: the services whose pages it leaves or joins."""
        if (
            change_request.target_kind != RecordKind.LOCATION
            or change_request.location is None
            or change_request.kind not in (ChangeRequest.Kind.ARCHIVE, ChangeRequest.Kind.RESTORE)
        ):
            return None
        return editing_selectors.services_at_location(location=change_request.location)

    def post(self, request, *args, **kwargs):
        form = ReviewForm(request.POST)
        form.is_valid()
        comment = form.cleaned_data.get("comment", "")
        action = request.POST.get("action")
        try:
            if action == "approve":
                editing.change_request_approve(
                    change_request=self.change_request,
                    reviewer=request.user,
                    seen=request.POST.get("seen", ""),
                    comment=comment,
                )
                messages.success(request, gettext("Approved: the changes are public."))
            elif action == "send_back":
                editing.change_request_send_back(
                    change_request=self.change_request, reviewer=request.user, comment=comment
                )
                messages.success(request, gettext("Sent back to the organisation."))
            else:
                raise ValidationError(gettext("Choose to approve or to send back."))
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field_name, field_errors in error.message_dict.items():
                    for message in field_errors:
                        form.add_error(field_name if field_name in form.fields else None, message)
                messages.error(request, gettext("The request could not be processed."))
            else:
                for message in error.messages:
                    messages.error(request, message)
            # Show the request and its record as they are now.
            self.__dict__.pop("change_request", None)
            status = 409 if getattr(error, "code", None) == "changed" else 400
            return self.render_to_response(self.get_context_data(form=form), status=status)
        return redirect(f"{NAMESPACE}:index")


class ValidationViewSet(ViewSet):
    """The validation queue: a menu item, and URLs under /admin/directory/validation/."""

    name = NAMESPACE
    url_prefix = "directory/validation"
    icon = "tasks"
    menu_label = _("Validation")
    menu_item_class = permission_menu_item_class(access.REVIEW_CHANGES)

    def get_urlpatterns(self):
        return [
            path("", ValidationIndexView.as_view(), name="index"),
            path("results/", ValidationIndexView.as_view(results_only=True), name="index_results"),
            path("<int:pk>/", ChangeRequestReviewView.as_view(), name="review"),
        ]


# --- History of admin edits ----------------------------------------------------------------


class HistoryLoggingCreateView(CreateView):
    """Logs the new record to its history (same transaction as the save)."""

    def save_instance(self):
        instance = super().save_instance()
        history.admin_edit_log(record=instance, before=None, actor=self.request.user)
        return instance


class HistoryLoggingEditView(EditView):
    """Logs what changed, read from the database before the save, to the record's history."""

    def _organisation_ids(self) -> set[int]:
        """The organisations the edit touches: the record's, before and after the form
        (a service moved to another organisation; every organisation an initiative,
        a partnership or a membership names)."""
        model = type(self.object)
        if model is Organisation:
            return {self.object.pk}
        stored = model._default_manager.get(pk=self.object.pk)
        spec = spec_for(stored)
        if spec.organisation_fields:
            keys = organisation_keys(spec, snapshot(stored)) | organisation_keys(
                spec, snapshot(self.object)
            )
            return set(Organisation.objects.filter(uuid__in=keys).values_list("pk", flat=True))
        return {stored.organisation_id, self.object.organisation_id}

    def save_instance(self):
        # The lock order of every directory write: the organisations' rows first, in id
        # order, then the record.
        for pk in sorted(self._organisation_ids()):
            Organisation.objects.lock(pk)
        model = type(self.object)
        stored = model._default_manager.select_for_update(no_key=True).get(pk=self.object.pk)
        before = snapshot(stored)
        instance = super().save_instance()
        history.admin_edit_log(record=instance, before=before, actor=self.request.user)
        return instance


class HistoryLoggingDeleteView(DeleteView):
    """Logs the deletion, with the values the record had, in the deletion's transaction."""

    def delete_action(self):
        with transaction.atomic():
            history.admin_delete_log(record=self.object, actor=self.request.user)
            super().delete_action()


class RecordHistoryViewSetMixin:
    """For the viewsets of directory records: every create, edit and delete is in the history."""

    add_view_class = HistoryLoggingCreateView
    edit_view_class = HistoryLoggingEditView
    delete_view_class = HistoryLoggingDeleteView
