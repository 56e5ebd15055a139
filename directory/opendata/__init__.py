"""Open data: HSDS 3.0 builders, the API (``/api/hsds/``) and the tabular export.

Read-only, public, published records only. ``hsds.py`` turns records into
HSDS dicts; ``selectors.py`` reads what the API may serve; ``views.py`` and
``urls.py`` serve it; ``export.py`` builds the data package (CSV +
datapackage.json). See ``PROFILE.md`` for the conventions.
"""
