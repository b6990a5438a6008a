"""The Vietnamese catalogue (locale/vi) is complete: every message of the code and templates is in
it, translated, not fuzzy, with placeholders and formats that match the English (msgfmt --check).

To update it: `make messages` (makemessages), translate what it added, `make compilemessages`.
"""
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"
IGNORED = [".venv", "var", "node_modules", "bench", "tests"]


def _statistics(po: Path) -> str:
    result = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stderr.strip()


def _complete(statistics: str) -> bool:
    """msgfmt's statistics say only "N translated messages." ("… untranslated messages." also ends so)."""
    return statistics.endswith("translated messages.") and "fuzzy" not in statistics and "untranslated" not in statistics


def test_every_message_has_a_checked_vietnamese_translation():
    statistics = _statistics(CATALOGUE)
    assert _complete(statistics), statistics


def test_the_catalogue_holds_every_message_of_the_sources(tmp_path, settings, monkeypatch):
    """makemessages over the sources, merged into a copy of the catalogue, adds nothing untranslated.

    It runs in a directory of links to the sources with its own locale/, so the real catalogue
    is never written."""
    base = Path(settings.BASE_DIR)
    for source in base.iterdir():
        if source.name not in IGNORED and source.name != "locale" and not source.name.startswith("."):
            (tmp_path / source.name).symlink_to(source)
    copy = tmp_path / "locale" / "vi" / "LC_MESSAGES" / "django.po"
    copy.parent.mkdir(parents=True)
    shutil.copy(CATALOGUE, copy)
    before = CATALOGUE.read_bytes()
    settings.LOCALE_PATHS = []
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["vi"], symlinks=True, ignore_patterns=IGNORED, verbosity=0)
    assert CATALOGUE.read_bytes() == before
    statistics = _statistics(copy)
    assert _complete(statistics), f"{statistics}: run `make messages` and translate"
