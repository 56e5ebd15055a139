"""Staff manage the directory's records in the Wagtail admin.

Registered from ``directory/wagtail_hooks.py`` as one "Directory" menu group:
the validation queue (``directory/editing/admin.py``) and model viewsets for
organisations, services, locations, initiatives, partnerships, memberships
and the reference data, with list filters by territory, category, state and
freshness (*stale*: never verified, or verified longer ago than
``DIRECTORY_STALE_AFTER_DAYS``). Creating, editing or deleting a record
(not the reference data) is logged to the history of the organisations it
concerns (``RecordHistoryViewSetMixin``).
"""

import django_filters

from django import forms
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, DateColumn
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from directory.catalogue.validation import with_text_validation
from directory.editing import selectors as editing_selectors
from directory.editing.admin import RecordHistoryViewSetMixin, ValidationViewSet
from directory.editing.fields import LOCATION_SPEC, MEMBERSHIP_SPEC
from directory.models import (
    ClientStatus,
    Initiative,
    Location,
    Membership,
    Organisation,
    Partnership,
    PublicationState,
    Service,
    ServiceCategory,
    Territory,
)

# --- Filters shared by the record viewsets ---------------------------------------------------

FRESHNESS_CHOICES = [("stale", _("Stale (to be confirmed)")), ("fresh", _("Verified recently"))]


def _category_and_children(category: ServiceCategory) -> list[ServiceCategory]:
    return [category, *category.children.all()]


class FreshnessFilterMixin(django_filters.FilterSet):
    freshness = django_filters.ChoiceFilter(
        label=_("Freshness"),
        choices=FRESHNESS_CHOICES,
        method="filter_freshness",
        widget=forms.RadioSelect,
        empty_label=_("All"),
    )

    def filter_freshness(self, queryset, name, value):
        stale = editing_selectors.stale_filter()
        if value == "stale":
            return queryset.filter(stale)
        if value == "fresh":
            return queryset.exclude(stale)
        return queryset


def _state_filter():
    return django_filters.ChoiceFilter(
        label=_("Publication state"),
        choices=PublicationState.choices,
        widget=forms.RadioSelect,
        empty_label=_("All"),
    )


def _territory_filter(field_name: str = "territories"):
    return django_filters.ModelChoiceFilter(
        label=_("Territory"),
        field_name=field_name,
        queryset=Territory.objects.order_by("position", "name"),
    )


def _category_filter(method: str):
    return django_filters.ModelChoiceFilter(
        label=_("Service category"),
        queryset=ServiceCategory.objects.order_by("position"),
        method=method,
    )


class OrganisationFilterSet(FreshnessFilterMixin, WagtailFilterSet):
    state = _state_filter()
    territories = _territory_filter()
    category = _category_filter("filter_category")

    class Meta:
        model = Organisation
        fields = ["state", "kind", "territories"]

    def filter_category(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(services__categories__in=_category_and_children(value)).distinct()


class ServiceFilterSet(FreshnessFilterMixin, WagtailFilterSet):
    state = _state_filter()
    territories = _territory_filter()
    category = _category_filter("filter_category")
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name")
    )

    class Meta:
        model = Service
        fields = ["state", "status", "territories", "organisation"]

    def filter_category(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(categories__in=_category_and_children(value)).distinct()


class LocationFilterSet(WagtailFilterSet):
    territory = _territory_filter("territory")
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name")
    )
    archived = django_filters.ChoiceFilter(
        label=_("In the directory"),
        choices=[("current", _("Current")), ("archived", _("Archived"))],
        method="filter_archived",
        widget=forms.RadioSelect,
        empty_label=_("All"),
    )

    class Meta:
        model = Location
        fields = ["kind", "territory", "organisation"]

    def filter_archived(self, queryset, name, value):
        if value == "current":
            return queryset.current()
        if value == "archived":
            return queryset.archived()
        return queryset


class InitiativeFilterSet(FreshnessFilterMixin, WagtailFilterSet):
    state = _state_filter()
    territories = _territory_filter()
    category = _category_filter("filter_category")

    class Meta:
        model = Initiative
        fields = ["state", "kind", "territories"]

    def filter_category(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(categories__in=_category_and_children(value)).distinct()


# --- Record viewsets ---------------------------------------------------------------------------


class DirectoryAdminForm(WagtailAdminModelForm):
    """The form of the viewsets with panels: text refuses control characters."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            with_text_validation(form_field)


class DirectoryModelViewSet(ModelViewSet):
    """Shared defaults: under /admin/directory/, many-to-many fields as checkboxes, text
    that refuses control characters (as the site's forms and the importer do)."""

    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    list_per_page = 50
    search_backend_name = None  # plain database search (icontains) on search_fields
    checkbox_relations = ("territories", "categories", "client_statuses", "languages")

    def formfield_for_dbfield(self, db_field, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        if db_field.name in self.checkbox_relations:
            kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        return with_text_validation(super().formfield_for_dbfield(db_field, **kwargs))

    def get_edit_handler(self):
        if hasattr(self, "panels"):
            return ObjectList(self.panels, base_form_class=DirectoryAdminForm).bind_to_model(
                self.model
            )
        return super().get_edit_handler()


def _stale_column():
    return BooleanColumn("is_stale", label=_("Stale"))


def _verified_column():
    return DateColumn("verified_at", label=_("Last verified"), sort_key="verified_at")


_VERIFICATION_PANEL = MultiFieldPanel(
    [
        FieldPanel("state"),
        FieldPanel("source"),
        FieldPanel("source_notes"),
        FieldPanel("verified_at"),
        FieldPanel("verified_by"),
    ],
    heading=_("Publication and verification"),
)


class OrganisationViewSet(RecordHistoryViewSetMixin, DirectoryModelViewSet):
    model = Organisation
    name = "directory_organisations"
    url_prefix = "directory/organisations"
    icon = "group"
    menu_label = _("Organisations")
    filterset_class = OrganisationFilterSet
    search_fields = ["name", "name_en", "acronym", "slug"]
    list_display = ["name", "kind", "state", _verified_column(), _stale_column()]
    ordering = "name"
    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldPanel("name_en"),
                FieldPanel("slug"),
                FieldPanel("acronym"),
                FieldPanel("kind"),
                FieldPanel("logo"),
            ],
            heading=_("Identity"),
        ),
        FieldPanel("mission"),
        FieldPanel("mission_en"),
        FieldPanel("website"),
        FieldPanel("email"),
        FieldPanel("territories", widget=forms.CheckboxSelectMultiple),
        _VERIFICATION_PANEL,
    ]


class ServiceViewSet(RecordHistoryViewSetMixin, DirectoryModelViewSet):
    model = Service
    name = "directory_services"
    url_prefix = "directory/services"
    icon = "list-ul"
    menu_label = _("Services")
    filterset_class = ServiceFilterSet
    search_fields = ["name", "name_en", "slug", "organisation__name"]
    list_display = ["name", "organisation", "state", "status", _verified_column(), _stale_column()]
    ordering = "name"
    panels = [
        FieldPanel("organisation"),
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("description_en"),
        FieldPanel("status"),
        FieldPanel("categories", widget=forms.CheckboxSelectMultiple),
        FieldPanel("client_statuses", widget=forms.CheckboxSelectMultiple),
        FieldPanel("eligibility"),
        FieldPanel("eligibility_en"),
        FieldPanel("languages", widget=forms.CheckboxSelectMultiple),
        FieldPanel("territories", widget=forms.CheckboxSelectMultiple),
        FieldPanel("fees"),
        FieldPanel("fees_en"),
        FieldPanel("how_to_access"),
        FieldPanel("how_to_access_en"),
        FieldPanel("required_documents"),
        FieldPanel("required_documents_en"),
        FieldPanel("schedule"),
        FieldPanel("schedule_en"),
        FieldPanel("email"),
        FieldPanel("url"),
        FieldPanel("assured_date"),
        _VERIFICATION_PANEL,
    ]


class LocationViewSet(RecordHistoryViewSetMixin, DirectoryModelViewSet):
    model = Location
    name = "directory_locations"
    url_prefix = "directory/locations"
    icon = "site"
    menu_label = _("Locations")
    filterset_class = LocationFilterSet
    search_fields = ["name", "address", "municipality", "postal_code", "organisation__name"]
    list_display = [
        "__str__",
        "organisation",
        "municipality",
        "territory",
        DateColumn("archived_at", label=_("Archived on"), sort_key="archived_at"),
    ]
    # What an organisation's admins edit on the site, and which organisation it belongs to.
    form_fields = ["organisation", *LOCATION_SPEC.fields]


class InitiativeViewSet(RecordHistoryViewSetMixin, DirectoryModelViewSet):
    model = Initiative
    name = "directory_initiatives"
    url_prefix = "directory/initiatives"
    icon = "pick"
    menu_label = _("Initiatives and projects")
    filterset_class = InitiativeFilterSet
    search_fields = ["name", "name_en", "slug"]
    list_display = ["name", "kind", "lead", "state", _verified_column(), _stale_column()]
    ordering = "name"
    exclude_form_fields = ["created_at", "updated_at"]


class PartnershipViewSet(RecordHistoryViewSetMixin, DirectoryModelViewSet):
    model = Partnership
    name = "directory_partnerships"
    url_prefix = "directory/partnerships"
    icon = "link"
    menu_label = _("Partnerships")
    list_filter = ["kind"]
    search_fields = ["source__name", "target__name", "description"]
    list_display = ["__str__", "kind", "started_on", "ended_on"]
    form_fields = ["source", "target", "kind", "description", "started_on", "ended_on"]


class MembershipViewSet(RecordHistoryViewSetMixin, DirectoryModelViewSet):
    model = Membership
    name = "directory_memberships"
    url_prefix = "directory/memberships"
    icon = "user"
    menu_label = _("Memberships")
    list_filter = ["state", "role", "organisation"]
    search_fields = ["user__email", "user__display_name", "organisation__name"]
    list_display = ["__str__", "organisation", "role", "state", "requested_at"]
    # The fields the history tracks for memberships edited here.
    form_fields = list(MEMBERSHIP_SPEC.tracked_only)


class TerritoryViewSet(DirectoryModelViewSet):
    model = Territory
    name = "directory_territories"
    url_prefix = "directory/territories"
    icon = "globe"
    menu_label = _("Territories")
    list_filter = ["in_estrie"]
    search_fields = ["name", "code", "municipalities"]
    list_display = ["name", "kind", "seat", "in_estrie"]
    ordering = "position"
    exclude_form_fields = []


class ServiceCategoryViewSet(DirectoryModelViewSet):
    model = ServiceCategory
    name = "directory_categories"
    url_prefix = "directory/categories"
    icon = "tag"
    menu_label = _("Service categories")
    search_fields = ["code", "label_fr", "label_en"]
    list_display = ["__str__", "code", "parent"]
    ordering = "position"
    exclude_form_fields = []

    @cached_property
    def filterset_class(self):
        class CategoryFilterSet(WagtailFilterSet):
            parent = django_filters.ModelChoiceFilter(
                label=_("Parent category"),
                queryset=ServiceCategory.objects.filter(parent__isnull=True).order_by("position"),
            )

            class Meta:
                model = ServiceCategory
                fields = ["parent"]

        return CategoryFilterSet


class ClientStatusViewSet(DirectoryModelViewSet):
    model = ClientStatus
    name = "directory_client_statuses"
    url_prefix = "directory/client-statuses"
    icon = "tag"
    menu_label = _("Client statuses")
    list_filter = ["group"]
    search_fields = ["code", "label_fr", "label_en"]
    list_display = ["__str__", "code", "group"]
    ordering = "position"
    exclude_form_fields = []


class DirectoryViewSetGroup(ViewSetGroup):
    """The "Directory" admin menu. Other concerns add items to it with the
    ``register_directory_menu_item`` hook (a function returning a MenuItem)."""

    menu_label = _("Directory")
    submenu_hook = "register_directory_menu_item"
    menu_icon = "folder-open-inverse"
    menu_order = 250
    items = (
        ValidationViewSet,
        OrganisationViewSet,
        ServiceViewSet,
        LocationViewSet,
        InitiativeViewSet,
        PartnershipViewSet,
        MembershipViewSet,
        TerritoryViewSet,
        ServiceCategoryViewSet,
        ClientStatusViewSet,
    )
