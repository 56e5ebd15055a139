"""Serializers of the HSDS API: thin wrappers around the pure builders of ``hsds.py``.

The builders already give HSDS dicts (the tabular export and the import use
them too), so these serializers only pick the builder and its options from
their context: ``base_url`` (absolute links), and ``full``, ``minimal`` and
``full_service`` as the request's parameters say. Read-only.
"""

from __future__ import annotations

from rest_framework import serializers

from directory.opendata import hsds


class HSDSSerializer(serializers.BaseSerializer):
    """Objects that are already HSDS dicts (taxonomies, terms) go out as they are."""

    def option(self, name: str, default=False):
        return self.context.get(name, default)

    def to_representation(self, instance):
        return instance


class ServiceSerializer(HSDSSerializer):
    def to_representation(self, service) -> dict:
        if self.option("minimal"):
            return {
                "id": str(service.uuid),
                "last_modified": hsds.hsds_datetime(service.updated_at),
            }
        return hsds.service_to_hsds(
            service, base_url=self.context["base_url"], full=self.option("full", True)
        )


class OrganisationSerializer(HSDSSerializer):
    """``services`` lists the prefetched ``hsds_services`` when the selector read them."""

    def to_representation(self, organisation) -> dict:
        full_service = self.option("full_service")
        return hsds.organisation_to_hsds(
            organisation,
            base_url=self.context["base_url"],
            full=self.option("full", True) or full_service,
            services=getattr(organisation, "hsds_services", None),
            full_service=full_service,
        )


class ServiceAtLocationSerializer(HSDSSerializer):
    def to_representation(self, link) -> dict:
        return hsds.service_at_location_record_to_hsds(
            link, base_url=self.context["base_url"], full=self.option("full")
        )
