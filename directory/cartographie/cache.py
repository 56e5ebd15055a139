"""The portrait's aggregates, computed once per version of the directory's data.

Every figure of the portrait is an aggregate query over organisations,
services, their relations and partnerships: exactly the data whose every
committed write moves the directory's data version
(``directory/data_version.py``). :func:`rows` keeps the rows of such a query
in the shared cache under the query's own SQL and parameters (so the scope
and the filters are part of the key) and the data version read *before* the
query: a write committed before the request began is always seen; the age
bound ``PORTRAIT_CACHE_SECONDS`` covers a lost version bump. A connection
with uncommitted directory writes (a test, an import in progress) reads the
database and caches nothing.

Needs are not directory data (they do not move the version): their queries
never go through here.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet

from directory.data_version import data_version_get


def rows(queryset: QuerySet) -> list:
    """``list(queryset)`` (values or values_list rows), from the cache when current."""
    version = data_version_get()
    if not version.shared:
        return list(queryset)
    sql, params = queryset.query.sql_with_params()
    source = repr((connection.settings_dict["NAME"], sql, params))
    digest = hashlib.sha256(source.encode()).hexdigest()[:32]
    key = f"directory:portrait:{digest}:{version.committed}"
    found = cache.get(key)
    if found is None:
        found = list(queryset)
        cache.set(key, found, settings.PORTRAIT_CACHE_SECONDS)
    return found
