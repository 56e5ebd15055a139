"""Staff pages of the recensement in the Wagtail admin (``/admin/recensement/``).

For those who hold ``directory.manage_campaigns`` (roles *Animation* and
*Équipe du répertoire*): campaigns (create, questions, open or close,
invite organisations), the progress of each (invited, opened, answered,
reminders), reminders, exports (CSV, XLSX), and document review. Thin views
over ``services`` (writes) and ``selectors`` (reads).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.views.generic import TemplateView

from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from directory import access
from directory.admin_access import PermissionRequiredMixin
from directory.recensement import export, selectors, services
from directory.recensement.forms import (
    CampaignForm,
    DocumentFindingForm,
    InviteForm,
    QuestionForm,
    ReminderForm,
)
from directory.recensement.tokens import invitation_path

NAMESPACE = "recensement_admin"
TEMPLATES = "directory/recensement/admin/"


def _errors_to_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


class ManagerMixin(PermissionRequiredMixin, WagtailAdminTemplateMixin):
    permission_required = access.MANAGE_CAMPAIGNS
    header_icon = "clipboard-list"

    def get_breadcrumbs_items(self):
        items = [*self.breadcrumbs_items]
        items.append({"url": reverse(f"{NAMESPACE}:index"), "label": gettext("Campaigns")})
        return items


class CampaignIndexView(ManagerMixin, TemplateView):
    template_name = f"{TEMPLATES}index.html"

    def get_page_title(self):
        return gettext("Survey campaigns")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": gettext("Campaigns")}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["campaigns"] = selectors.campaigns_for(user=self.request.user)
        return context


class CampaignFormView(ManagerMixin, TemplateView):
    template_name = f"{TEMPLATES}campaign_form.html"

    @cached_property
    def campaign(self):
        pk = self.kwargs.get("pk")
        return selectors.campaign_get(user=self.request.user, pk=pk) if pk else None

    def get_page_title(self):
        return self.campaign.title if self.campaign else gettext("New campaign")

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = form or CampaignForm(instance=self.campaign)
        context["campaign"] = self.campaign
        return context

    def post(self, request, *args, **kwargs):
        form = CampaignForm(request.POST, instance=self.campaign)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            if self.campaign:
                campaign = services.campaign_update(
                    user=request.user, campaign=self.campaign, values=form.cleaned_data
                )
            else:
                campaign = services.campaign_create(user=request.user, values=form.cleaned_data)
        except ValidationError as error:
            _errors_to_messages(request, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(request, gettext("Campaign saved."))
        return redirect(f"{NAMESPACE}:detail", pk=campaign.pk)


class CampaignDetailView(ManagerMixin, TemplateView):
    """The campaign's page: progress, questions, invitations, reminders, exports."""

    template_name = f"{TEMPLATES}detail.html"

    @cached_property
    def campaign(self):
        return selectors.campaign_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_page_title(self):
        return self.campaign.title

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.campaign.title}]

    def get_context_data(self, question_form=None, invite_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = self.campaign
        progress = selectors.campaign_progress(user=self.request.user, campaign=campaign)
        for invitation in progress["invitations"]:
            invitation.link = self.request.build_absolute_uri(invitation_path(invitation, "fr"))
        invited = {i.organisation_id for i in progress["invitations"]}
        invite_form = invite_form or InviteForm()
        invite_form.fields["organisations"].queryset = invite_form.fields[
            "organisations"
        ].queryset.exclude(pk__in=invited)
        context.update(
            campaign=campaign,
            progress=progress,
            questions=campaign.questions.order_by("position", "pk"),
            question_form=question_form or QuestionForm(),
            invite_form=invite_form,
            reminder_form=ReminderForm(campaign=campaign),
            answers=self._answers(campaign),
        )
        return context

    def _answers(self, campaign):
        """The answers, each with its questions' answers as (question, answer) rows."""
        questions = [q for q in campaign.questions.order_by("position", "pk") if q.kind != "needs"]
        answers = list(selectors.campaign_answers(user=self.request.user, campaign=campaign))
        for answer in answers:
            answer.rows = [
                (question.label, export.answer_text(question, answer.answers.get(str(question.pk))))
                for question in questions
            ]
        return answers

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        campaign = self.campaign
        user = request.user
        try:
            if action in ("open", "close"):
                services.campaign_state_set(
                    user=user, campaign=campaign, state="open" if action == "open" else "closed"
                )
                messages.success(request, gettext("Campaign updated."))
            elif action == "question":
                form = QuestionForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(
                        self.get_context_data(question_form=form), status=400
                    )
                services.question_add(user=user, campaign=campaign, values=form.cleaned_data)
                messages.success(request, gettext("Question added."))
            elif action == "question_delete":
                question = campaign.questions.filter(pk=request.POST.get("question")).first()
                if question is not None:
                    services.question_delete(user=user, question=question)
                    messages.success(request, gettext("Question removed."))
            elif action == "invite":
                form = InviteForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(
                        self.get_context_data(invite_form=form), status=400
                    )
                created = services.campaign_invite(
                    user=user, campaign=campaign, organisations=form.cleaned_data["organisations"]
                )
                messages.success(
                    request,
                    ngettext(
                        "%(count)d organisation invited.",
                        "%(count)d organisations invited.",
                        len(created),
                    )
                    % {"count": len(created)},
                )
            elif action == "remind":
                form = ReminderForm(request.POST, campaign=campaign)
                form.is_valid()
                chosen = form.cleaned_data.get("invitations") or None
                count = services.campaign_reminders_request(
                    user=user, campaign=campaign, invitations=chosen
                )
                messages.success(
                    request,
                    ngettext(
                        "%(count)d reminder is being sent.",
                        "%(count)d reminders are being sent.",
                        count,
                    )
                    % {"count": count},
                )
            elif action == "renew":
                invitation = selectors.invitation_get(
                    user=user, campaign=campaign, pk=request.POST.get("invitation")
                )
                services.invitation_link_renew(user=user, invitation=invitation)
                messages.success(
                    request,
                    gettext("New link for %(organisation)s: the previous one no longer works.")
                    % {"organisation": invitation.organisation},
                )
            else:
                messages.error(request, gettext("Unknown action."))
        except ValidationError as error:
            _errors_to_messages(request, error)
        return redirect(f"{NAMESPACE}:detail", pk=campaign.pk)


def _export(request, pk: int, kind: str):
    from django.core.exceptions import PermissionDenied

    if not request.user.has_perm(access.MANAGE_CAMPAIGNS):
        raise PermissionDenied
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    answers = selectors.campaign_answers(user=request.user, campaign=campaign)
    header, rows = export.answers_table(campaign, answers)
    name = slugify(campaign.title)[:60] or f"campagne-{campaign.pk}"
    if kind == "csv":
        response = HttpResponse(export.answers_csv(header, rows), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    else:
        response = HttpResponse(
            export.answers_xlsx(header, rows, title=campaign.title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


def export_csv(request, pk):
    return _export(request, pk, "csv")


def export_xlsx(request, pk):
    return _export(request, pk, "xlsx")


class DocumentFindingView(ManagerMixin, TemplateView):
    """Document review: record a service found in a document, awaiting verification."""

    template_name = f"{TEMPLATES}documents.html"
    header_icon = "doc-full"

    def get_page_title(self):
        return gettext("Services found in documents")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = form or DocumentFindingForm()
        context["findings"] = selectors.document_findings(user=self.request.user)[:100]
        return context

    def post(self, request, *args, **kwargs):
        form = DocumentFindingForm(request.POST)
        if form.is_valid():
            try:
                finding = services.document_finding_record(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        for message in errors:
                            form.add_error(field if field in form.fields else None, message)
                else:
                    form.add_error(None, error)
            else:
                messages.success(
                    request,
                    gettext("“%(service)s” recorded, awaiting verification.")
                    % {"service": finding.service.name},
                )
                return redirect(f"{NAMESPACE}:documents")
        return self.render_to_response(self.get_context_data(form=form), status=400)


urlpatterns = [
    path("", CampaignIndexView.as_view(), name="index"),
    path("new/", CampaignFormView.as_view(), name="create"),
    path("documents/", DocumentFindingView.as_view(), name="documents"),
    path("<int:pk>/", CampaignDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", CampaignFormView.as_view(), name="edit"),
    path("<int:pk>/answers.csv", export_csv, name="export_csv"),
    path("<int:pk>/answers.xlsx", export_xlsx, name="export_xlsx"),
]
