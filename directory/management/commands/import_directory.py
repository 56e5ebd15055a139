"""``manage.py import_directory FILE [--format csv|xlsx|hsds-json] [--dry-run]``.

Imports a recensement file all or nothing, as the admin's import does:
every bad row is listed with its line and reason, in ``--language`` (or
``LANGUAGE_CODE``), and nothing is written if any row is bad. Whoever runs
the command has the server in hand, so a ``etat`` column is honoured.
"""

import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from directory.importing import (
    FORMATS,
    TABULAR_FORMATS,
    VALIDATING,
    detect_format,
    directory_import,
)
from directory.importing.common import MAX_FILE_BYTES
from directory.models import RecordSource


class Command(BaseCommand):
    help = (
        "Import organisations and services from a CSV or Excel file (recensement template) "
        "or an HSDS JSON file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the file to import.")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="csv, xlsx or hsds-json (default: from the file name and its first bytes).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check and count everything, then write nothing.",
        )
        parser.add_argument(
            "--source",
            choices=RecordSource.values,
            default=RecordSource.DOCUMENT,
            help="Where the information comes from, for rows without a source column.",
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="Language of the messages (default: LANGUAGE_CODE).",
        )
        parser.add_argument(
            "--user", help="E-mail of the staff member to record as the author of the changes."
        )

    def handle(self, *args, **options):
        language = options["language"] or settings.LANGUAGE_CODE
        with translation.override(language):
            return self._import(options)

    def _import(self, options):
        path = Path(options["file"])
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(
                    _("The file is larger than %(size)s: split it into several files.")
                    % {"size": filesizeformat(MAX_FILE_BYTES)}
                )
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}
            ) from error
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(email__iexact=options["user"]).first()
            if user is None:
                raise CommandError(
                    _("No member has the e-mail %(email)s.") % {"email": options["user"]}
                )
        file_format = options["format"] or detect_format(path.name, content)
        report = directory_import(
            content=content,
            file_format=file_format,
            user=user,
            honour_state=True,
            default_source=options["source"],
            dry_run=options["dry_run"],
            note=_("Import of %(file)s") % {"file": path.name},
            progress=self._progress_line(),
        )
        self._end_progress_line()
        if not report.ok:
            for error in report.errors:
                where = (
                    _("Line %(line)s") if file_format in TABULAR_FORMATS else _("Record %(line)s")
                ) % {"line": error.line}
                column = f" [{error.column}]" if error.column else ""
                self.stderr.write(f"{where}{column}: {error.message}")
            count = len(report.errors)
            raise CommandError(
                ngettext(
                    "%(count)s problem found: nothing was imported.",
                    "%(count)s problems found: nothing was imported.",
                    count,
                )
                % {"count": count}
            )
        created, updated, unchanged = report.created, report.updated, report.unchanged
        message = _(
            "Organisations: %(org_created)s created, %(org_updated)s updated, "
            "%(org_unchanged)s unchanged. Services: %(svc_created)s created, "
            "%(svc_updated)s updated, %(svc_unchanged)s unchanged."
        ) % {
            "org_created": created["organisations"],
            "org_updated": updated["organisations"],
            "org_unchanged": unchanged["organisations"],
            "svc_created": created["services"],
            "svc_updated": updated["services"],
            "svc_unchanged": unchanged["services"],
        }
        if report.dry_run:
            message = _("Dry run, nothing was written. %(summary)s") % {"summary": message}
        self.stdout.write(self.style.SUCCESS(message))

    def _progress_line(self):
        """On a terminal, one line rewritten in place (at most every 0.2 s); in a log,
        a line every tenth of the way."""
        state = {"last": 0.0, "shown": False, "tenth": {}}
        interactive = hasattr(self.stdout, "isatty") and self.stdout.isatty()

        def show(phase: str, done: int, total: int) -> None:
            percent = 100 * done // total if total else 100
            label = _("Checking") if phase == VALIDATING else _("Importing")
            text = f"{label}: {done}/{total} ({percent} %)"
            if interactive:
                now = time.monotonic()
                if done < total and now - state["last"] < 0.2:
                    return
                state["last"] = now
                self.stdout.write(f"\r{text}", ending="")
                self.stdout.flush()
                state["shown"] = True
            elif percent // 10 > state["tenth"].get(phase, -1):
                state["tenth"][phase] = percent // 10
                self.stdout.write(text)

        self._progress_state = state
        return show

    def _end_progress_line(self) -> None:
        if getattr(self, "_progress_state", {}).get("shown"):
            self.stdout.write("")
