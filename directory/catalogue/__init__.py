"""The catalogue: organisations, services and locations as the public and editors read them,
the reference data (territories, taxonomy, statuses, languages), and their pages."""
