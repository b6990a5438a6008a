"""The API as an integrator meets it: a client generated from the live schema with a common
generator (openapi-python-client), filing and reading declarations as a trader and as an officer.

Seen before: the generated client sent the declaration as multipart (it cannot carry `partner` or
`items`), and every declaration a trader read crashed it (the only documented answer required
`risk`). The portal is the live one of tests/e2e/conftest.py (uvicorn and a Celery worker on a
database of their own); no browser. The generator needs no network.
"""
import importlib
import subprocess
import sys
import time
from datetime import timedelta
from http import HTTPStatus
from pathlib import Path

import httpx
import pytest
from django.utils import timezone

pytestmark = pytest.mark.integration

PACKAGE = "customs_portal_client"
# The generator models binary answers as `application/octet-stream` only: the printouts (PDF) and
# the documents (PDF, PNG, JPEG) are read as such (its `content_type_overrides`, as README says).
# No post-generation hooks: the generator would otherwise run ruff over the code it wrote.
GENERATOR_CONFIG = """\
content_type_overrides:
  application/pdf: application/octet-stream
  image/png: application/octet-stream
  image/jpeg: application/octet-stream
post_hooks: []
"""


@pytest.fixture(scope="module")
def generated(live_portal, tmp_path_factory):
    """The client package, generated from the schema the live portal serves, imported."""
    work = tmp_path_factory.mktemp("generated_client")
    schema = httpx.get(f"{live_portal}/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json",
                                                               "Accept-Language": "vi"}, timeout=60)
    assert schema.status_code == 200
    (work / "schema.json").write_bytes(schema.content)
    (work / "config.yaml").write_text(GENERATOR_CONFIG)
    generator = Path(sys.executable).with_name("openapi-python-client")
    result = subprocess.run(
        [str(generator), "generate", "--path", "schema.json", "--config", "config.yaml", "--meta", "none",
         "--output-path", PACKAGE],
        cwd=work, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout and "Cannot parse" not in result.stdout, result.stdout
    sys.path.insert(0, str(work))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(work))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def modules(generated):
    api = importlib.import_module(f"{PACKAGE}.api.v1")
    names = ["v1_declarations_create", "v1_declarations_submit_create", "v1_declarations_retrieve",
             "v1_declarations_list", "v1_declarations_pdf_retrieve"]
    return {name: importlib.import_module(f"{api.__name__}.{name}") for name in names}


def signed_in(generated, live_portal, username):
    token_create = importlib.import_module(f"{PACKAGE}.api.auth.v1_auth_token_create")
    models = importlib.import_module(f"{PACKAGE}.models")
    anonymous = generated.Client(base_url=live_portal, raise_on_unexpected_status=True)
    token = token_create.sync(client=anonymous, body=models.TokenRequestRequest(username=username, password="demo12345"))
    return generated.AuthenticatedClient(base_url=live_portal, token=token.token, prefix="Token",
                                         raise_on_unexpected_status=True, timeout=httpx.Timeout(60))


def import_body() -> dict:
    """What an integrator would send: the declaration of api.md, dated today."""
    today = timezone.localdate()
    return {
        "direction": "import", "type_code": "A11", "customs_office": "03CE",
        "partner": {"name": "Shenzhen Example Co.", "address": "1 Nanshan Road, Shenzhen", "country": "CN"},
        "transport_mode": "sea", "bill_of_lading": "COSU6312345670", "port_of_loading": "CNSHK",
        "port_of_discharge": "VNHPH", "arrival_date": (today - timedelta(days=1)).isoformat(), "packages": 12,
        "gross_weight_kg": "1530.5",
        "invoice": {"number": "GEN-CLIENT-1", "date": (today - timedelta(days=10)).isoformat(), "currency": "USD",
                    "incoterm": "FOB", "total": "25000.00"},
        "freight": "1200.00", "insurance": "80.00",
        "items": [{"hs_code": "84713020", "description": "Laptop computers", "origin_country": "CN",
                   "quantity": "100", "unit": "PCE", "unit_price": "250.00", "preference": "MFN"}],
    }


def test_a_generated_client_files_and_reads_declarations_as_trader_and_officer(generated, live_portal):
    api = modules(generated)
    models = importlib.import_module(f"{PACKAGE}.models")
    unset = importlib.import_module(f"{PACKAGE}.types").Unset
    trader = signed_in(generated, live_portal, "trader1")
    officer = signed_in(generated, live_portal, "officer1")
    body = models.DeclarationWriteRequest.from_dict(import_body())

    created = api["v1_declarations_create"].sync_detailed(client=trader, body=body)
    assert created.status_code == HTTPStatus.CREATED, created.content
    draft = created.parsed
    assert isinstance(draft, models.Declaration)
    assert (draft.status, draft.number, draft.partner.name, len(draft.items)) == (
        models.DeclarationStatusEnum.DRAFT, None, "Shenzhen Example Co.", 1)
    assert isinstance(draft.risk, unset)

    submitted = api["v1_declarations_submit_create"].sync_detailed(id=draft.id, client=trader)
    assert submitted.status_code == HTTPStatus.ACCEPTED, submitted.content
    assert submitted.parsed.status == models.DeclarationStatusEnum.REGISTERED and len(submitted.parsed.number) == 12

    deadline = time.monotonic() + 30  # the Celery worker assesses it
    read = api["v1_declarations_retrieve"].sync(id=draft.id, client=trader)
    while read.status == models.DeclarationStatusEnum.REGISTERED and time.monotonic() < deadline:
        time.sleep(0.3)
        read = api["v1_declarations_retrieve"].sync(id=draft.id, client=trader)
    assert read.status != models.DeclarationStatusEnum.REGISTERED and read.channel is not None
    assert isinstance(read.risk, unset)  # traders never get `risk`, and the client reads that

    listed = api["v1_declarations_list"].sync(client=trader)
    assert draft.id in [declaration.id for declaration in listed.results]
    printout = api["v1_declarations_pdf_retrieve"].sync(id=draft.id, client=trader)
    assert printout.payload.read(5) == b"%PDF-"

    # The officer files nothing (the refusal parses too) but reads the same declaration, with `risk`.
    refused = api["v1_declarations_create"].sync_detailed(client=officer, body=body)
    assert refused.status_code == HTTPStatus.FORBIDDEN and isinstance(refused.parsed, models.Error)
    refused = api["v1_declarations_submit_create"].sync_detailed(id=draft.id, client=officer)
    assert refused.status_code == HTTPStatus.FORBIDDEN and refused.parsed.detail
    seen = api["v1_declarations_retrieve"].sync(id=draft.id, client=officer)
    assert (seen.number, seen.status, seen.channel) == (read.number, read.status, read.channel)
    assert isinstance(seen.risk, models.RiskExplanation) and seen.risk.channel == seen.channel
    listed = api["v1_declarations_list"].sync(client=officer, status=models.V1DeclarationsListStatus(read.status.value))
    assert read.number in [declaration.number for declaration in listed.results]
