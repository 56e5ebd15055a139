"""Search: full-text documents, the in-memory facet index, faceted search and the map."""
