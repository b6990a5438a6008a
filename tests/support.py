"""Helpers shared by test modules that are not builders of data: clients, reading pages and PDFs.

Builders of models and request data live in tests/factories.py and tests/payloads.py; fixtures in
the conftest.py files. A test module imports from these, never from another test module
(tests/test_test_layout.py checks).
"""
import io
import re
import threading

import zxingcpp
from django.db import connection
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader


def client_for(user, language: str = "en", **client_options) -> Client:
    """A browser session of `user` (anonymous for None) asking for pages in `language`."""
    client = Client(HTTP_ACCEPT_LANGUAGE=language, **client_options)
    if user is not None:
        client.force_login(user)
    return client


def html_of(response) -> str:
    return response.content.decode()


def input_value(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', html)
    return match.group(1) if match else None


def review_url(declaration) -> str:
    return reverse("declarations:review", args=[declaration.pk])


def queue_numbers(html: str) -> list[str]:
    """The declaration numbers of the review queue page, in the order shown."""
    return re.findall(r'data-review-link>(\d{12})<', html)


def pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def squashed(text: str) -> str:
    """Extracted text with line breaks and runs of spaces collapsed (a table cell may wrap)."""
    return re.sub(r"\s+", " ", text)


def qr_codes(content: bytes) -> list[str]:
    """The text of every QR code drawn as an image in the PDF."""
    found = []
    for page in PdfReader(io.BytesIO(content)).pages:
        for image in page.images:
            picture = image.image.convert("L")
            # Quadruple the modules so that the decoder sees a comfortably sized code.
            picture = picture.resize((picture.width * 4, picture.height * 4), resample=0)
            found += [barcode.text for barcode in zxingcpp.read_barcodes(picture)]
    return found


# --- Tests that commit: threads on connections of their own ----------------------------------------

def on_own_connection(work):
    """work() in a thread of its own, on its own connection, in autocommit: what it writes is committed.
    (The test's own connection is inside the transaction pytest-django rolls back.)"""
    result, errors = [], []

    def run():
        try:
            result.append(work())
        except Exception as exc:  # raised again in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    if errors:
        raise errors[0]
    return result[0]


def table_id_marks() -> dict[str, int]:
    """The last id of every table with an integer id: what a committing test's cleanup deletes above."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' "
                       "AND column_name = 'id' AND data_type IN ('smallint', 'integer', 'bigint')")
        tables = [name for (name,) in cursor.fetchall()]
        marks = {}
        for table in tables:
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
            marks[table] = cursor.fetchone()[0]
    return marks


def rows_added_delete(marks: dict[str, int]) -> None:
    """Delete every row added since `table_id_marks`, with triggers and foreign-key checks off (the audit
    trail is append-only for the portal, not for a test's cleanup)."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            for table, mark in marks.items():
                cursor.execute(f'DELETE FROM "{table}" WHERE id > %s', [mark])
        finally:
            cursor.execute("RESET session_replication_role")
