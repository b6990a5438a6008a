"""The tests as a house: a test module imports its helpers from tests/factories.py, tests/payloads.py,
tests/support.py (or a support module of its folder) and its fixtures from conftest.py, never from
another test module, whose tests pytest would otherwise also run under the importer's name and whose
helpers would move whenever that module is split."""
import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def is_test_module(dotted: str) -> bool:
    return dotted.rsplit(".", 1)[-1].startswith("test_")


def imported_test_modules(path: Path) -> list[str]:
    """The test modules that `path` imports, at the top or inside functions, absolutely or relatively."""
    package = ".".join(path.relative_to(TESTS.parent).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if any(map(is_test_module, alias.name.split(".")))]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if any(map(is_test_module, module.split("."))):
                found.append(module)
            else:  # from tests.risk import test_engine, from . import test_api
                found += [f"{module}.{alias.name}" for alias in node.names if is_test_module(alias.name)]
    return found


def test_no_test_module_imports_another():
    offenders = {
        str(path.relative_to(TESTS.parent)): imported
        for path in sorted(TESTS.rglob("*.py"))
        if (imported := imported_test_modules(path))
    }
    assert offenders == {}, "move the shared helpers to tests/factories.py, tests/payloads.py or tests/support.py"


def test_the_check_sees_every_form_of_import(tmp_path, monkeypatch):
    """The check above would pass on an empty list: it must find each way of importing a test module."""
    monkeypatch.setattr(f"{__name__}.TESTS", tmp_path / "tests")
    module = tmp_path / "tests" / "risk" / "test_example.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        "import tests.risk.test_engine\n"
        "from tests.risk.test_assessment import registered\n"
        "from .test_views import client_for\n"
        "from . import test_api\n"
        "from ..declarations import test_pdf\n"
        "from tests.factories import parsed\n"
        "from tests import support\n"
        "def helper():\n"
        "    from tests.declarations.test_views import form_data\n"
    )
    assert sorted(imported_test_modules(module)) == [
        "tests.declarations.test_pdf", "tests.declarations.test_views", "tests.risk.test_api",
        "tests.risk.test_assessment", "tests.risk.test_engine", "tests.risk.test_views",
    ]
