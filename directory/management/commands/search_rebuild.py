"""Rebuild every search document: after a bulk import or a change of the text configuration."""

from django.core.management.base import BaseCommand

from directory.search.text import search_vectors_refresh_all, uses_full_text_search


class Command(BaseCommand):
    help = "Rebuild the full-text search vectors of every service and organisation."

    def handle(self, *args, **options):
        if not uses_full_text_search():
            self.stdout.write("SQLite: nothing to rebuild (the fallback search needs no index).")
            return
        search_vectors_refresh_all()
        self.stdout.write(self.style.SUCCESS("Search vectors rebuilt."))
