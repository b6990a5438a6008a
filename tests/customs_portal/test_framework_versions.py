"""The Django and DRF versions that the code using their private names was checked against.

Some modules lean on names that Django or DRF do not promise to keep (underscored attributes, the
SQL compiler, the ASGI handler's steps, serializer internals), for speed measured in
docs/operations.md. Such names can change in any minor release. This test fails when the
installed minor version is not the one they were checked against, and names the files to read
again: re-check each (its tests compare it with Django's or DRF's own behaviour, so run them),
then move the pinned version here.
"""
from pathlib import Path

import django
import rest_framework

ROOT = Path(__file__).resolve().parents[2]

# (major, minor) checked against → {file: what of the framework it relies on}
CHECKED = {
    "Django": ((5, 2), {
        "customs_portal/prepared.py": "QuerySet._iterable_class, _prefetch_related_lookups, _known_related_objects; "
                                      "ModelIterable, FlatValuesListIterable, get_related_populators; the SQL compiler's "
                                      "as_sql, select, klass_info, col_count, has_extra_select, get_converters, "
                                      "annotation_col_map (tests/test_prepared.py, tests/*/test_selectors_against_orm.py)",
        "customs_portal/asgi.py": "ASGIHandler's handle, read_body, create_request, send_response, chunk_size, "
                                  "_middleware_chain, load_middleware (tests/test_asgi.py)",
        "customs_portal/cache.py": "RedisCache._class, RedisCacheClient._get_connection_pool and get_client "
                                   "(tests/test_cache.py)",
        "customs_portal/api/throttling.py": "RedisCache._cache.get_client",
        "declarations/models/declaration.py": "items_set_loaded: QuerySet._result_cache, _prefetch_done, "
                                              "Model._prefetched_objects_cache",
        "declarations/selectors.py": "declaration_items: ForeignKey's field.set_cached_value",
    }),
    "Django REST framework": ((3, 18), {
        "customs_portal/api/representation.py": "Serializer._readable_fields, Field.source_attrs, get_attribute, "
                                                "fields.is_simple_callable, SkipField, relations.PKOnlyObject "
                                                "(tests/api/test_representation.py)",
        "customs_portal/api/renderers.py": "JSONRenderer.render and get_indent, utils.encoders.JSONEncoder.default "
                                           "(tests/api/test_renderers.py)",
        "declarations/api/serializers.py": "validated_body and the shared serializers: run_validation and "
                                           "to_representation keep no state on a serializer or its fields "
                                           "(tests/api/test_validated_body.py, tests/api/test_shared_serializers.py)",
        "customs_portal/accounts/api/views.py": "Request._request",
    }),
}

INSTALLED = {
    "Django": django.VERSION[:2],
    "Django REST framework": tuple(int(part) for part in rest_framework.VERSION.split(".")[:2]),
}


def test_the_installed_minor_versions_are_those_the_private_names_were_checked_against():
    changed = []
    for framework, (checked, files) in CHECKED.items():
        if INSTALLED[framework] != checked:
            listed = "\n".join(f"  - {path}: {what}" for path, what in files.items())
            changed.append(f"{framework} is {'.'.join(map(str, INSTALLED[framework]))}, the code was checked against "
                           f"{'.'.join(map(str, checked))}. Re-check these files, then update CHECKED in {__name__}:\n{listed}")
    assert not changed, "\n\n".join(changed)


def test_the_listed_files_exist():
    missing = [path for _, files in CHECKED.values() for path in files if not (ROOT / path).is_file()]
    assert not missing, f"moved or removed: {missing}; update CHECKED"


def test_requirements_pin_the_checked_versions():
    """requirements.txt installs the minor versions checked (so CI notices a bump in the same change)."""
    pins = dict(line.split("==") for line in (ROOT / "requirements.txt").read_text().splitlines() if "==" in line)
    for package, framework in (("Django", "Django"), ("djangorestframework", "Django REST framework")):
        pinned = tuple(int(part) for part in pins[package].split(".")[:2])
        assert pinned == CHECKED[framework][0], f"requirements.txt pins {package} {pins[package]}: see {__name__}"
