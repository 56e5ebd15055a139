"""Open data: HSDS 3.0 builders, the API (``/api/hsds/``) and the tabular export.

Read-only, public: records are read through the one visibility rule,
``visible_to(None)``. ``hsds.py`` turns records into HSDS dicts (pure
builders, and the querysets they expect); ``selectors.py`` reads what the API
may serve; the API is Django REST framework: ``parameters.py`` (query
parameters), ``pagination.py`` (HSDS page objects), ``serializers.py`` (around
the builders), ``throttling.py``, ``views.py`` and ``urls.py``; ``export.py``
builds the data package (CSV + datapackage.json). See ``PROFILE.md`` for the
conventions.
"""
