"""Recensement: survey campaigns answered through a private link, and document review."""
