"""Message catalogues: fill the English one, compile both, check completeness.

Source strings (msgids) are English; ``fr`` carries the French interface and
``en`` repeats the English so that both catalogues are complete. Compiling
uses polib, so neither ``make run`` nor ``make test`` needs GNU gettext.

    python -m cms.catalogues fill-english   # en msgstr := msgid where empty
    python -m cms.catalogues merge-french F.po...  # take French msgstrs from F.po files
    python -m cms.catalogues compile        # .po -> .mo for every catalogue
    python -m cms.catalogues check          # exit 1 on untranslated/fuzzy/stale
"""

import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ("fr", "en")
DOMAINS = ("django", "djangojs")


def catalogue_paths() -> list[Path]:
    return [
        LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"
        for lang in LANGUAGES
        for domain in DOMAINS
        if (LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po").exists()
    ]


def _tidy_headers() -> None:
    """Give every catalogue a real header (makemessages leaves placeholders)."""
    for path in catalogue_paths():
        po = polib.pofile(str(path))
        language = path.parent.parent.name
        po.metadata_is_fuzzy = False
        po.header = "Continuum interface messages. Source strings are English."
        po.metadata.update(
            {
                "Project-Id-Version": "Continuum",
                "Language": language,
                "Language-Team": "Continuum",
                "Last-Translator": "Continuum",
                "PO-Revision-Date": po.metadata.get("POT-Creation-Date", ""),
            }
        )
        po.save()


def fill_english() -> int:
    _tidy_headers()
    filled = 0
    for domain in DOMAINS:
        path = LOCALE_DIR / "en" / "LC_MESSAGES" / f"{domain}.po"
        if not path.exists():
            continue
        po = polib.pofile(str(path))
        for entry in po:
            if entry.obsolete:
                continue
            # A fuzzy entry carries msgmerge's guess from a similar msgid: never keep it.
            fuzzy = "fuzzy" in entry.flags
            if entry.msgid_plural:
                if fuzzy or not all(entry.msgstr_plural.values()):
                    entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
                    filled += 1
            elif fuzzy or not entry.msgstr:
                entry.msgstr = entry.msgid
                filled += 1
            if fuzzy:
                entry.flags.remove("fuzzy")
                _forget_previous(entry)
        po.save()
    return filled


def _forget_previous(entry) -> None:
    """Drop msgmerge's ``#|`` notes: a lone ``#| msgctxt`` makes the next msgmerge fail."""
    entry.previous_msgctxt = None
    entry.previous_msgid = None
    entry.previous_msgid_plural = None


def merge_french(sources: list[str]) -> int:
    """Fill untranslated or fuzzy French entries from other PO files (same msgids)."""
    known = {}
    for source in sources:
        for entry in polib.pofile(source):
            if entry.translated():
                known[(entry.msgctxt, entry.msgid)] = entry
    merged = 0
    for domain in DOMAINS:
        path = LOCALE_DIR / "fr" / "LC_MESSAGES" / f"{domain}.po"
        if not path.exists():
            continue
        po = polib.pofile(str(path))
        for entry in po:
            if entry.obsolete or (entry.translated() and "fuzzy" not in entry.flags):
                continue
            found = known.get((entry.msgctxt, entry.msgid))
            if found is None:
                continue
            if entry.msgid_plural:
                entry.msgstr_plural = dict(found.msgstr_plural)
            else:
                entry.msgstr = found.msgstr
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            _forget_previous(entry)
            merged += 1
        po.save()
    return merged


def compile_all() -> None:
    for path in catalogue_paths():
        polib.pofile(str(path)).save_as_mofile(str(path.with_suffix(".mo")))


def problems() -> list[str]:
    """Every untranslated or fuzzy entry, and every .mo older than its .po."""
    found = []
    for path in catalogue_paths():
        po = polib.pofile(str(path))
        rel = path.relative_to(LOCALE_DIR.parent)
        found += [f"{rel}: untranslated: {e.msgid!r}" for e in po.untranslated_entries()]
        found += [f"{rel}: fuzzy: {e.msgid!r}" for e in po.fuzzy_entries()]
        mo_path = path.with_suffix(".mo")
        if not mo_path.exists():
            found.append(f"{rel}: not compiled")
            continue
        compiled = {(e.msgctxt, e.msgid): e for e in polib.mofile(str(mo_path))}
        for entry in po.translated_entries():
            mo_entry = compiled.get((entry.msgctxt, entry.msgid))
            if mo_entry is None or (mo_entry.msgstr or mo_entry.msgstr_plural) != (
                entry.msgstr or entry.msgstr_plural
            ):
                found.append(f"{rel}: .mo is stale for {entry.msgid!r}")
                break
    return found


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "fill-english":
        print(f"filled {fill_english()} English entries")
    elif command == "merge-french":
        print(f"merged {merge_french(argv[2:])} French entries")
    elif command == "compile":
        compile_all()
    elif command == "check":
        found = problems()
        print("\n".join(found) or "catalogues complete")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
