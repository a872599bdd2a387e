"""The user docs run as written: every Python block with a test in it passes, the rest compile.

Covers README.md and the docs pages written for users (recipes, troubleshooting, fidelity,
permissions).
A block that is a pytest test module (it defines ``test_...``) runs in a fresh pytester
directory, with the plugin loaded from its entry point, exactly as a user would paste it.
"""

import importlib
import importlib.util
import pkgutil
import re
from pathlib import Path

import pytest

import pytest_ssmkms
from pytest_ssmkms.aws.models import operation_names

# pytester's in-process runs drop the modules first imported during a run; the plugin imports
# its service packages lazily, so a second run would mix two copies of its error classes.
# Importing them all now keeps one copy.
for _module in pkgutil.walk_packages(pytest_ssmkms.__path__, "pytest_ssmkms."):
    importlib.import_module(_module.name)
# The same for the async clients docs/async.md imports: the plugin hooks aiobotocore's modules
# when first imported, and a copy imported anew after a run would be another, unhooked one.
for _name in ("aiobotocore.endpoint", "aiobotocore.signers", "aioboto3"):
    if importlib.util.find_spec(_name.split(".")[0]) is not None:
        importlib.import_module(_name)

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "README.md", "docs/recipes.md", "docs/troubleshooting.md", "docs/fidelity.md", "docs/index.md",
    "docs/permissions.md",
    "docs/ssm.md", "docs/kms.md", "docs/server.md", "docs/migrating-from-moto.md", "docs/async.md",
]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
# A block that cannot run as pasted (it needs moto, or is a piece of a larger file):
# <!-- fragment: REASON --> right before it; it is compiled only.
FRAGMENT = re.compile(r"<!-- fragment: [^>]*\S[^>]* -->\n$")
# A file the next Python block needs: <!-- file: NAME --> right before a fenced block.
FILE = re.compile(r"^<!-- file: (\S+) -->\n```\w*\n(.*?)^```", re.S | re.M)
# A block that needs an operation newer botocore models add: <!-- needs: SERVICE OPERATION -->
# right before it; it is skipped where the installed model lacks the operation.
# Pages whose blocks need the async extra: skipped where it is not installed.
NEEDS_MODULES = {"docs/async.md": ("aiobotocore", "aioboto3", "pytest_asyncio")}
NEEDS = re.compile(r"<!-- needs: (\w+) (\w+) -->\n$")


def blocks():
    for page in PAGES:
        path = ROOT / page
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        files: dict[str, str] = {}
        position = 0
        for match in BLOCK.finditer(text):
            for needed in FILE.finditer(text, position, match.start()):
                files[needed.group(1)] = needed.group(2)
            position = match.end()
            line = text.count("\n", 0, match.start()) + 1
            needs = NEEDS.search(text, 0, match.start())
            marks = []
            missing = [m for m in NEEDS_MODULES.get(page, ()) if importlib.util.find_spec(m) is None]
            if missing:
                marks.append(pytest.mark.skipif(True, reason=f"needs {', '.join(missing)}"))
            if needs is not None and needs.end() == match.start():
                service, operation = needs.groups()
                marks.append(pytest.mark.skipif(
                    operation not in operation_names(service),
                    reason=f"the installed botocore's {service} model has no {operation}"))
            fragment = FRAGMENT.search(text, 0, match.start())
            is_fragment = fragment is not None and fragment.end() == match.start()
            yield pytest.param(match.group(1), files, is_fragment, id=f"{page}:{line}", marks=marks)
            files = {}


@pytest.mark.parametrize(("source", "files", "fragment"), list(blocks()))
def test_block(source, files, fragment, pytester):
    if fragment or not re.search(r"^\s*(async )?def test_", source, re.M):
        compile(source, "<doc block>", "exec")
        return
    for name, content in files.items():
        (pytester.path / name).write_text(content, encoding="utf-8")
    pytester.makepyfile(test_doc_block=source)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-q")
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= 1 and not any(
        outcomes.get(k) for k in ("failed", "errors", "error")
    ), result.stdout.str()


def test_fidelity_lists_exactly_the_implemented_operations():
    from pytest_ssmkms.aws.services import operation_table

    text = (ROOT / "docs" / "fidelity.md").read_text(encoding="utf-8")
    for service in ("ssm", "kms", "cloudtrail"):
        section = text.split(f"<!-- operations: {service} -->", 1)[1].split("\n\n", 1)[0]
        listed = set(re.findall(r"`([A-Za-z]+)`", section))
        # The list is the newest model's; the table has what the installed model has of it.
        assert listed & operation_names(service) == set(operation_table(service)), service
