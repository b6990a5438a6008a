"""The dependency graph of docs/architecture.md holds: the import-linter contracts in `.importlinter`
are kept, and the extension points through which `declarations` reaches the apps above it are all
filled once the portal has started."""
import configparser
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from declarations import extensions

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_the_import_contracts_are_kept():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def _skeleton(tmp_path: Path, imports: dict[str, str]) -> Path:
    """Empty packages for every module the contracts name, with `imports` ({module: imported}) added."""
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    modules = set(config["importlinter"]["root_packages"].split())
    for section in config.sections():
        for key in ("layers", "modules"):
            if key in config[section]:
                modules.update(re.split(r"[\s:|]+", config[section][key].strip()))
    for module in modules:
        package = tmp_path.joinpath(*module.split("."))
        package.mkdir(parents=True, exist_ok=True)
        (package / "__init__.py").touch()
    for module, imported in imports.items():
        # Inside a function: the contracts see those too.
        (tmp_path.joinpath(*module.split(".")) / "__init__.py").write_text(f"def f():\n    import {imported}\n")
    (tmp_path / ".importlinter").write_text((ROOT / ".importlinter").read_text())
    return tmp_path


@pytest.mark.parametrize("module, imported, broken", [
    ("declarations", "risk", "declarations is not allowed to import risk"),
    ("declarations", "payments", "declarations is not allowed to import payments"),
    ("customs_portal.accounts", "declarations", "customs_portal.accounts is not allowed to import declarations"),
    ("customs_portal.audit", "declarations", "customs_portal.audit is not allowed to import declarations"),
    ("reference", "customs_portal.api", "reference is not allowed to import customs_portal.api"),
    ("risk", "customs_portal.demo", "risk is not allowed to import customs_portal.demo"),
    ("risk", "payments", "risk is not allowed to import payments"),
])
def test_the_contracts_refuse_an_upward_import(tmp_path, module, imported, broken):
    result = _lint_imports(_skeleton(tmp_path, {module: imported}))
    assert result.returncode == 1, result.stdout + result.stderr
    assert broken in result.stdout


def test_the_contracts_allow_a_downward_import(tmp_path):
    result = _lint_imports(_skeleton(tmp_path, {"risk": "declarations", "declarations": "customs_portal.audit"}))
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_extension_point_of_declarations_is_registered():
    assert [point.name for point in extensions.EXTENSION_POINTS if not point.registered] == []


def test_an_extension_point_without_a_handler_fails_loudly():
    point = extensions.ExtensionPoint("assessment_enqueue", "risk")
    with pytest.raises(extensions.ExtensionMissing, match="'risk' app registers it in its AppConfig.ready"):
        point.handler(declaration_id=1)


def test_an_extension_point_refuses_a_second_handler():
    point = extensions.ExtensionPoint("fired_rule_name", "risk")
    first = point.register(lambda fired: "first")
    point.register(first)  # the same handler again (a second ready()) changes nothing
    with pytest.raises(ImproperlyConfigured, match="already has a handler"):
        point.register(lambda fired: "second")
    assert point.handler({}) == "first"
