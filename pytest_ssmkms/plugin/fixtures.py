"""pytest glue: the ``ssm_kms`` fixtures, their markers and ini options."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pytest_ssmkms import adapters
from pytest_ssmkms.aws.errors import PluginUsageError
from pytest_ssmkms.mock.handle import SsmKms, mock_ssm_kms
from pytest_ssmkms.mock.server import SsmKmsServer
from pytest_ssmkms.seeding.preseed import did_you_mean
from pytest_ssmkms.plugin.markers import SEED_MARKERS, marker_call, seed_from_markers

MARKER_OPTIONS = ("region", "account_id", "passthrough", "enforce_permissions", "deterministic")
ALL_MARKERS = ("ssm_kms", *SEED_MARKERS)
FIXTURES = ("ssm_kms", "ssm_kms_module", "ssm_kms_session")

_MARKER_HELP = (
    "ssm_kms(region=None, account_id=None, passthrough=(), enforce_permissions=True, "
    "deterministic=None): configure the in-memory SSM/KMS mock for this test",
    "kms_key(alias=None, key_id=None, description='', state='Enabled', origin='AWS_KMS', "
    "key_spec='SYMMETRIC_DEFAULT', key_usage='ENCRYPT_DECRYPT', policy=None, tags=None, "
    "rotation=False, region=None): create a KMS key before the test runs (repeatable; "
    "activates the ssm_kms mock)",
    "ssm_parameter(name, value, type='String', key_id=None, description=None, tier=None, "
    "labels=None, tags=None, allowed_pattern=None, data_type=None, history=None, region=None): "
    "put an SSM parameter before the test runs (repeatable; activates the ssm_kms mock)",
    "ssm_parameters(*paths, region=None): load SSM parameters from JSON seed files "
    "(aws ssm get-parameters-by-path output or a {name: value} mapping; a dict is an inline "
    "document) before the test runs",
    "ssm_public_parameter(name, value, region=None): give an AWS public parameter "
    "(/aws/service/...) another value for this test (repeatable; activates the ssm_kms mock)",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "ssm_kms_region",
        "Default region of the ssm_kms mock (unset: AWS_DEFAULT_REGION, else AWS_REGION, else "
        "us-east-1).",
        # Empty (unset) is told apart from any region: the environment's region applies then.
        default="",
    )
    parser.addini(
        "ssm_kms_account_id",
        "Account id of the ssm_kms mock (unset: 123456789012).",
        # Unset is told apart from any account: a mock your code opened is joined as it is.
        default="",
    )
    parser.addini(
        "ssm_kms_passthrough",
        "AWS services (botocore service ids, e.g. s3) that may reach the network during a mock.",
        type="args",
        default=[],
    )
    parser.addini(
        "ssm_kms_enforce_permissions",
        "Evaluate IAM policies, key policies and grants (unset: true); false allows every call.",
        type="bool",
        # Unset (None; [] on pytest < 9) is told apart from true, as for the account id.
        default=None,
    )
    parser.addini(
        "ssm_kms_deterministic",
        "A seed: key ids, key material and ciphertexts are the same on every run (empty: random).",
        default="",
    )
    parser.addini(
        "ssm_kms_seed_files",
        "JSON seed files (relative to the rootdir) whose parameters every ssm_kms mock starts with.",
        type="args",
        default=[],
    )


def pytest_configure(config: pytest.Config) -> None:
    for line in _MARKER_HELP:
        config.addinivalue_line("markers", line)
    # Installed before collection, so module-level clients in code under test carry the hook.
    adapters.install()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A seeding or configuration marker alone activates the mock (time-machine style)."""
    for item in items:
        names = getattr(item, "fixturenames", None)
        if names is None or any(name in names for name in FIXTURES):
            continue
        if any(item.get_closest_marker(marker) is not None for marker in ALL_MARKERS):
            # First, so that the mock is active before the test's other fixtures make clients.
            names.insert(0, "ssm_kms")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    problem = scope_conflict(item)
    if problem:
        pytest.fail(problem, pytrace=False)


def scope_conflict(item: pytest.Item) -> str:
    """Why this test's markers cannot apply to the wider-scoped mock it uses ("" if they can).

    ``ssm_kms_module`` is configured and seeded once, by module-level markers; markers on a
    class or a test would otherwise seed a mock that other tests share. ``ssm_kms_session``
    is configured by ini options only."""
    names = getattr(item, "fixturenames", ())
    used = [name for name in FIXTURES if name in names]
    if len(used) > 1:
        return (
            f"{item.nodeid} uses {' and '.join(used)}; a test sees one in-memory AWS at a time "
            "(the innermost would hide the others). Use only one of them."
        )
    if not used or used[0] == "ssm_kms":
        return ""
    for marker_name in ALL_MARKERS:
        for node, marker in item.iter_markers_with_node(marker_name):
            if used[0] == "ssm_kms_module" and isinstance(node, pytest.Module):
                continue
            call = marker_call(marker)
            if used[0] == "ssm_kms_module":
                return (
                    f"{call} on {node.nodeid} cannot apply to ssm_kms_module, which every test "
                    "of the module shares and which is set up once: put the marker at module "
                    "level (pytestmark = [...]), seed from code with ssm_kms_module.put_parameter()"
                    " / .create_key(), or use the function-scoped ssm_kms fixture."
                )
            return (
                f"{call} on {node.nodeid} cannot apply to ssm_kms_session, which the whole "
                "session shares: configure it with the ini options ssm_kms_region, "
                "ssm_kms_account_id, ssm_kms_passthrough and ssm_kms_seed_files, seed it from "
                "code with ssm_kms_session.put_parameter() / .create_key(), or use the "
                "function-scoped ssm_kms fixture."
            )
    return ""


def mock_options(node: pytest.Item | pytest.Collector, config: pytest.Config) -> dict[str, Any]:
    """Options for the mock: ini values, then ``ssm_kms`` markers, the closest winning."""
    return _options_with_sources(node, config)[0]


def _options_with_sources(
    node: pytest.Item | pytest.Collector, config: pytest.Config
) -> tuple[dict[str, Any], dict[str, str]]:
    options: dict[str, Any] = {
        "region": config.getini("ssm_kms_region").strip() or None,
        "account_id": config.getini("ssm_kms_account_id").strip() or None,
        "passthrough": list(config.getini("ssm_kms_passthrough")) or None,
        "enforce_permissions": _unset_is_none(config.getini("ssm_kms_enforce_permissions")),
        "deterministic": config.getini("ssm_kms_deterministic") or None,
    }
    sources = {name: f"ini option ssm_kms_{name}" for name in options}
    # iter_markers_with_node yields the closest marker first, so apply them farthest first.
    for owner, marker in reversed(list(node.iter_markers_with_node("ssm_kms"))):
        where = f"{marker_call(marker)} on {owner.nodeid or owner.path}"
        if marker.args:
            raise PluginUsageError(
                f"{where}: ssm_kms takes keyword arguments only ({', '.join(MARKER_OPTIONS)}); "
                f"got positional {marker.args!r}"
            )
        unknown = sorted(set(marker.kwargs) - set(MARKER_OPTIONS))
        if unknown:
            raise PluginUsageError(
                f"{where} got unknown argument(s) {', '.join(unknown)}; "
                f"accepted: {', '.join(MARKER_OPTIONS)}{did_you_mean(unknown, MARKER_OPTIONS)}"
            )
        options.update(marker.kwargs)
        sources.update(dict.fromkeys(marker.kwargs, where))
    return options, sources


def _unset_is_none(value: object) -> object:
    return None if value is None or value == [] else value


def _start_mock(
    node: pytest.Item | pytest.Collector, config: pytest.Config
) -> tuple[mock_ssm_kms, SsmKms]:
    options, sources = _options_with_sources(node, config)
    # The plugin's fixtures are scopes: a test's ssm_kms never joins the AWS of an
    # ssm_kms_module or ssm_kms_session that happens to be open (what ran before must not
    # matter), but it joins a mock the test's own code or fixtures opened, as any nested mock.
    active = adapters.active_world()
    fresh = active is not None and "pytest_fixture" in active.settings.extra
    try:
        mock = mock_ssm_kms(**options, fresh=fresh)
        return mock, mock.start()
    except PluginUsageError as error:
        # The message starts with the option at fault; say where its value came from.
        culprit = next((name for name in options if str(error).startswith(name)), None)
        if culprit is None:
            raise
        raise PluginUsageError(f"{sources[culprit]}: {error}") from None


def _ssm_kms_factory(request: pytest.FixtureRequest) -> Iterator[SsmKms]:
    """In-memory SSM and KMS: ssm_kms per test, ssm_kms_module/_session shared (docs/pytest.md).

    Every boto3/botocore client, made anywhere, is answered while it is active. ``ssm_kms``
    is fresh for each test and takes the test's markers; ``ssm_kms_module`` is shared by a
    module's tests and takes module-level markers; ``ssm_kms_session`` is shared by the whole
    session (per xdist worker) and takes ini options only."""
    # request.node is the test, the module or the session, by the fixture's scope.
    node = request.node
    try:
        mock, handle = _start_mock(node, request.config)
    except PluginUsageError as error:
        problem = str(error)
    else:
        problem = ""
    if problem:
        pytest.fail(problem, pytrace=False)
    if not mock.joined:
        # Marks the plugin's own scopes (see _start_mock), and lets mock_ssm_kms(fresh=True)
        # on a TestCase refuse to hide this mock (mock/handle.py).
        handle.world.settings.extra["pytest_fixture"] = request.fixturename
    try:
        try:
            seed_from_markers(handle.world, node, request.config)
        except PluginUsageError as error:
            problem = str(error)
        if problem:
            pytest.fail(problem, pytrace=False)
        yield handle
    finally:
        mock.stop()


ssm_kms = pytest.fixture(scope="function", name="ssm_kms")(_ssm_kms_factory)
ssm_kms_module = pytest.fixture(scope="module", name="ssm_kms_module")(_ssm_kms_factory)
ssm_kms_session = pytest.fixture(scope="session", name="ssm_kms_session")(_ssm_kms_factory)



def _serve(handle: SsmKms) -> Iterator[SsmKmsServer]:
    with handle.serve() as server:
        yield server


# The mock fixture is a parameter (not asked for inside) so that pytest sees it among the
# test's fixtures: markers then seed that mock, and scope checks apply to it.
@pytest.fixture(name="ssm_kms_server")
def ssm_kms_server(ssm_kms: SsmKms) -> Iterator[SsmKmsServer]:
    """The ``ssm_kms`` mock served over HTTP on 127.0.0.1 (docs/server.md): the same state,
    trail, principals and clock, one AWS. ``.endpoint_url``, ``.env`` and
    ``.env_for(principal)`` are for subprocesses and other SDKs; it stops with the test."""
    yield from _serve(ssm_kms)


@pytest.fixture(scope="module", name="ssm_kms_server_module")
def ssm_kms_server_module(ssm_kms_module: SsmKms) -> Iterator[SsmKmsServer]:
    """``ssm_kms_module`` served over HTTP, shared by the module's tests."""
    yield from _serve(ssm_kms_module)


@pytest.fixture(scope="session", name="ssm_kms_server_session")
def ssm_kms_server_session(ssm_kms_session: SsmKms) -> Iterator[SsmKmsServer]:
    """``ssm_kms_session`` served over HTTP, shared by the session (per xdist worker)."""
    yield from _serve(ssm_kms_session)
