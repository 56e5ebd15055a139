"""The HSDS 3.0 API (``/api/hsds/``): read-only, public, published records only.

Views are thin: they parse the query, call a selector of
``directory/api/selectors.py`` and a builder of ``directory/hsds.py``, and
serve the JSON with an ETag. See ``PROFILE.md`` for the conventions.
"""
