"""The serializers shared by the threads of a web process (declarations.api.serializers: `validated_body`,
`declaration_representation`, `representations`), used by many threads at once, each with its own
data: every thread gets what a serializer of its own gives, and nothing is written on the shared
serializers or their fields (the rule in the module's docstring)."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from rest_framework import serializers

from declarations.api import serializers as api_serializers
from declarations.api.serializers import (
    SHARED_SERIALIZERS,
    DeclarationAmendSerializer,
    DeclarationListSerializer,
    DeclarationSerializer,
    DeclarationWriteSerializer,
    ReviewQueueEntrySerializer,
    declaration_representation,
    representations,
    validated_body,
)
from declarations.selectors import declaration_get_with_item_codes, declarations_listed_for
from declarations.services.declarations import declaration_create
from tests.payloads import export_body, import_body

THREADS = 8
ROUNDS = 25


def _bodies() -> list:
    """Bodies that differ in what validation gives back, and some that fail in different ways."""
    bodies = []
    for n in range(THREADS):
        body = import_body() if n % 2 else export_body()
        body["packages"] = n + 1
        body["items"][0]["quantity"] = str(10 * (n + 1))
        body["items"][0]["description"] = f"goods of thread {n}"
        bodies.append(body)
    bodies[3] = import_body(packages=0, items=[{"hs_code": "84x"}])
    bodies[6] = import_body(partner={"name": ""}, direction="sideways")
    return bodies


def _outcome(call) -> tuple:
    try:
        return "valid", call()
    except serializers.ValidationError as exc:
        return "invalid", exc.detail


def _own_serializer(serializer_class, body, partial):
    serializer = serializer_class(data=body, partial=partial)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _all_at_once(work: list) -> list:
    """Run the callables in THREADS threads started together, each ROUNDS times; the results of each."""
    start = threading.Barrier(len(work))

    def run(call):
        try:
            start.wait()
            return [call() for _ in range(ROUNDS)]
        finally:
            connections.close_all()  # the thread's own database connection, if it opened one

    with ThreadPoolExecutor(max_workers=len(work)) as pool:
        return list(pool.map(run, work))


def _serializer_of(represent) -> serializers.BaseSerializer:
    """The serializer behind a function of `representation_of` (it keeps its `to_representation`)."""
    return next(cell.cell_contents.__self__ for cell in represent.__closure__
                if isinstance(getattr(cell.cell_contents, "__self__", None), serializers.BaseSerializer))


def _state(serializer) -> dict:
    """What is set on a serializer and on each of its fields, nested ones included: {path: {name: id}}."""
    found = {}

    def walk(path, field):
        found[path] = {name: id(value) for name, value in vars(field).items()}
        children = field.child if isinstance(field, serializers.ListSerializer | serializers.ListField) else None
        if children is not None:
            walk(f"{path}[]", children)
        if isinstance(field, serializers.Serializer):
            for name, child in field.fields.items():
                walk(f"{path}.{name}", child)

    walk("", serializer)
    return found


@pytest.mark.parametrize("serializer_class", [DeclarationWriteSerializer, DeclarationAmendSerializer])
@pytest.mark.parametrize("partial", [False, True])
def test_validation_from_many_threads_gives_each_its_own_result(db, serializer_class, partial):
    bodies = _bodies()
    expected = [_outcome(lambda body=body: _own_serializer(serializer_class, body, partial)) for body in bodies]
    assert {kind for kind, _ in expected} == {"valid", "invalid"}
    for body in bodies:  # built, and the lazy attributes of the fields these bodies reach set (`_validators`)
        _outcome(lambda body=body: validated_body(serializer_class, body, partial=partial))
    shared = api_serializers._validator(serializer_class, partial)
    before = _state(shared)

    results = _all_at_once([lambda body=body: _outcome(lambda: validated_body(serializer_class, body, partial=partial))
                            for body in bodies])

    for got, wanted in zip(results, expected):
        assert got == [wanted] * ROUNDS
    assert [got[0][1]["packages"] for got, (kind, _) in zip(results, expected) if kind == "valid"] == [
        body["packages"] for body, (kind, _) in zip(bodies, expected) if kind == "valid"]
    assert _state(shared) == before  # nothing of a call was kept on the serializer or its fields


@pytest.fixture
def drafts(trader1):
    made = []
    for n in range(THREADS):
        body = import_body() if n % 2 else export_body()
        body["packages"] = n + 1
        made.append(declaration_create(user=trader1, data=_own_serializer(DeclarationWriteSerializer, body, False)))
    return made


def test_representation_from_many_threads_gives_each_its_own_body(drafts, trader1):
    """The declarations are read before the threads start: rendering them must not query (a thread's
    own connection would not see this test's rows)."""
    loaded = [declaration_get_with_item_codes(user=trader1, pk=declaration.pk) for declaration in drafts]
    expected = [DeclarationSerializer().to_representation(declaration) for declaration in loaded]
    assert len({body["packages"] for body in expected}) == THREADS
    declaration_representation(loaded[0], staff=False)  # built, and its lazy attributes set
    shared = _serializer_of(api_serializers._reusable(DeclarationSerializer))
    before = _state(shared)

    results = _all_at_once([lambda declaration=declaration: declaration_representation(declaration, staff=False)
                            for declaration in loaded])

    for got, wanted in zip(results, expected):
        assert got == [wanted] * ROUNDS
    assert _state(shared) == before


def test_list_pages_from_many_threads(drafts, trader1):
    rows = list(declarations_listed_for(user=trader1))
    pages = [rows[n:n + 3] for n in range(THREADS)]
    own = DeclarationListSerializer()
    expected = [[own.to_representation(row) for row in page] for page in pages]
    assert expected[0] != expected[1]

    results = _all_at_once([lambda page=page: representations(DeclarationListSerializer, page) for page in pages])

    for got, wanted in zip(results, expected):
        assert got == [wanted] * ROUNDS


def test_a_serializer_that_keeps_state_is_not_shared():
    assert ReviewQueueEntrySerializer not in SHARED_SERIALIZERS
    with pytest.raises(TypeError):
        representations(ReviewQueueEntrySerializer, [])
    with pytest.raises(TypeError):
        validated_body(ReviewQueueEntrySerializer, {})


def test_rendering_a_loaded_declaration_reads_nothing(drafts, trader1, django_assert_num_queries):
    declaration = declaration_get_with_item_codes(user=trader1, pk=drafts[0].pk)
    declaration_representation(declaration, staff=False)
    with django_assert_num_queries(0):
        declaration_representation(declaration, staff=False)
    assert connection.in_atomic_block  # the rows above are this test's, uncommitted
