"""The organisation page's section of upcoming public events (``directory/profile_sections.py``)."""
