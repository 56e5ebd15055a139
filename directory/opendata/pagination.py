"""HSDS 3.0 paging for Django REST framework: the API's page object.

The HSDS OpenAPI description (``spec/openapi.json``, ``components.schemas.Page``)
pages with ``page`` (from 1) and ``per_page``, and answers a page object:
``total_items``, ``total_pages``, ``page_number``, ``size`` (items in this
page), ``first_page``, ``last_page``, ``empty`` and ``contents``. The body
keeps exactly that shape; links to the first, previous, next and last pages
travel in an RFC 8288 ``Link`` header, which HSDS clients may ignore.

This is ``REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]``; ``PAGE_SIZE`` is the
default ``per_page``.
"""

from __future__ import annotations

import math

from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import replace_query_param

from django.db.models import QuerySet

from directory.opendata.parameters import PageParameters


class HSDSPagination(BasePagination):
    """Pages of a queryset or a list. A page past the last one is empty, not an
    error: HSDS clients page until ``last_page``.

    Override points: :attr:`max_page_size`; the default size is ``PAGE_SIZE``.
    """

    max_page_size = 200

    def parameters(self, request) -> dict:
        """``page`` and ``per_page``, checked (a ``ValidationError`` naming the bad one)."""
        parameters = PageParameters(
            data=request.query_params,
            per_page_default=api_settings.PAGE_SIZE,
            per_page_maximum=self.max_page_size,
        )
        parameters.is_valid(raise_exception=True)
        return parameters.validated_data

    def paginate_queryset(self, queryset, request, view=None) -> list:
        parameters = self.parameters(request)
        self.request = request
        self.number, self.per_page = parameters["page"], parameters["per_page"]
        self.total = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
        self.total_pages = math.ceil(self.total / self.per_page)
        start = (self.number - 1) * self.per_page
        return list(queryset[start : start + self.per_page]) if start < self.total else []

    def get_paginated_response(self, data) -> Response:
        response = Response(self.page_object(data))
        links = self.links()
        if links:
            response["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())
        return response

    def page_object(self, contents: list) -> dict:
        return {
            "total_items": self.total,
            "total_pages": self.total_pages,
            "page_number": self.number,
            "size": len(contents),
            "first_page": self.number == 1,
            "last_page": self.number >= self.total_pages,
            "empty": not contents,
            "contents": contents,
        }

    def links(self) -> dict[str, str]:
        """rel → URL of the first, previous, next and last pages (none when no page has items)."""
        if not self.total_pages:
            return {}
        url = self.request.build_absolute_uri()
        last = self.total_pages
        numbers = {"first": 1, "last": last}
        if 1 < self.number <= last + 1:
            numbers["prev"] = self.number - 1
        if self.number < last:
            numbers["next"] = self.number + 1
        return {rel: replace_query_param(url, "page", number) for rel, number in numbers.items()}
