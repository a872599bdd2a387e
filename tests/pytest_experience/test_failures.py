"""Every misuse fails with what was wrong and what is accepted, as a pytest user sees it."""

from __future__ import annotations

import pytest

from pytest_ssmkms import PluginUsageError
from tests.pytest_experience.runner import run

pytest_plugins = ["pytester"]

# (marker lines, the line the user sees in the error report)
MARKER_MISUSES = {
    "unknown_kms_key_argument": (
        '@pytest.mark.kms_key(alais="alias/app")',
        "@pytest.mark.kms_key(alais='alias/app') on test_misuse.py::test_unknown_kms_key_argument"
        " got unknown argument(s) alais; accepted: alias, key_id, description, state, origin,"
        " key_spec, key_usage, policy, tags, rotation, region; did you mean alias?",
    ),
    "bad_state": (
        '@pytest.mark.kms_key(alias="alias/app", state="Enbled")',
        "*state='Enbled' is not accepted; use one of: Enabled, Disabled, PendingDeletion,"
        " PendingImport*",
    ),
    "bad_policy_json": (
        """@pytest.mark.kms_key(alias="alias/app", policy='{"Statement": [}')""",
        "@pytest.mark.kms_key(alias='alias/app', policy=...) on *: policy is not valid JSON"
        " (Expecting value: line 1 column 16 (char 15)); give a JSON string or a dict like"
        ' {"Version": "2012-10-17", "Statement": [[]...[]]}',
    ),
    "bad_policy_document": (
        """@pytest.mark.kms_key(policy={"Version": "2012-10-17", "Statement": [{"Effect": "Allw"}]})""",
        "*policy is not a valid key policy: *Effect*",
    ),
    "tags_wrong_type": (
        '@pytest.mark.kms_key(alias="alias/app", tags="team=payments")',
        "*: tags must be a dict of tag key to value, got 'team=payments'",
    ),
    "rotation_wrong_type": (
        '@pytest.mark.kms_key(rotation="yes")',
        "*: rotation must be True, False or a rotation period in days (90-2560), got 'yes'",
    ),
    "kms_key_positional": (
        '@pytest.mark.kms_key("alias/app")',
        "*: kms_key takes keyword arguments only (alias, key_id, *)",
    ),
    "bad_alias": (
        '@pytest.mark.kms_key(alias="app")',
        "*alias='app': Alias must start with the prefix \"alias/\"*",
    ),
    "bad_key_spec": (
        '@pytest.mark.kms_key(key_spec="AES_256")',
        "*key_spec='AES_256' is not accepted; use one of: SYMMETRIC_DEFAULT, RSA_2048, *",
    ),
    "bad_key_id": (
        '@pytest.mark.kms_key(key_id="my-key")',
        "*key_id='my-key' is not a KMS key id; use a lowercase UUID like*",
    ),
    "value_wrong_type": (
        '@pytest.mark.ssm_parameter("/app/pin", 97531)',
        "@pytest.mark.ssm_parameter('/app/pin', ...) on *: value must be a string (or a list of"
        " strings for a StringList), got a number",
    ),
    "bad_parameter_type": (
        '@pytest.mark.ssm_parameter("/app/x", "v", type="Secure")',
        "*cannot seed SSM parameter '/app/x': ValidationException: *Member must satisfy enum"
        " value set: [[]SecureString, StringList, String[]]",
    ),
    "unknown_parameter_argument": (
        '@pytest.mark.ssm_parameter("/app/x", "v", typ="String")',
        "*got unknown argument(s) typ; accepted: name, value, type, key_id, description, tier,"
        " labels, tags, allowed_pattern, data_type, history, region; did you mean type?",
    ),
    "missing_value": (
        '@pytest.mark.ssm_parameter("/app/x")',
        "*: ssm_parameter needs a name and a value, as in"
        " @pytest.mark.ssm_parameter('/app/db/host', 'db.internal')",
    ),
    "too_many_positional": (
        '@pytest.mark.ssm_parameter("/app/x", "v", "SecureString")',
        "*: ssm_parameter takes at most two positional arguments (name, value); give the rest"
        " by keyword: type, key_id, *",
    ),
    "unknown_key": (
        '@pytest.mark.ssm_parameter("/app/x", "v", type="SecureString", key_id="alias/nope")',
        "*cannot seed SSM parameter '/app/x': InvalidKeyId: Alias"
        " arn:aws:kms:us-east-1:123456789012:alias/nope is not found.*",
    ),
    "value_against_pattern": (
        '@pytest.mark.ssm_parameter("/app/pin", "97531x", allowed_pattern="^[0-9]+$")',
        "*cannot seed SSM parameter '/app/pin': ParameterPatternMismatchException: Parameter value, cannot be validated against allowedPattern: ^[[]0-9[]]+$",
    ),
    "labels_wrong_type": (
        '@pytest.mark.ssm_parameter("/app/x", "v", labels="prod")',
        "*: labels must be a list of label strings, got 'prod'",
    ),
    "declared_twice": (
        '@pytest.mark.ssm_parameter("/app/x", "1")\n@pytest.mark.ssm_parameter("/app/x", "2")',
        "*: parameter /app/x is declared twice on test_misuse.py::test_declared_twice",
    ),
    "missing_seed_file": (
        '@pytest.mark.ssm_parameters("seeds/missing.json")',
        "seed file */seeds/missing.json does not exist (named by"
        " @pytest.mark.ssm_parameters('seeds/missing.json') on"
        " test_misuse.py::test_missing_seed_file)",
    ),
    "no_seed_file": (
        "@pytest.mark.ssm_parameters()",
        "*: ssm_parameters needs at least one seed file path, as in"
        " @pytest.mark.ssm_parameters('seeds/prod.json')",
    ),
    "seed_file_option": (
        '@pytest.mark.ssm_parameters("a.json", regoin="eu-west-1")',
        "*: ssm_parameters got unknown argument(s) regoin; accepted: one or more file paths (or"
        " {name: value} dicts), region",
    ),
    "seed_file_wrong_type": (
        "@pytest.mark.ssm_parameters(42)",
        "*: give seed file paths (str or pathlib.Path) or a {name: value} dict, got int",
    ),
    "bad_inline_mapping": (
        '@pytest.mark.ssm_parameters({"/a": 97531})',
        "@pytest.mark.ssm_parameters({...}) on *: entry '/a': the value must be a string or"
        " an object like *",
    ),
    "bad_account": (
        '@pytest.mark.ssm_kms(account_id="123")',
        "@pytest.mark.ssm_kms(account_id='123') on test_misuse.py::test_bad_account: account_id"
        " must be a 12-digit string like '123456789012', got '123'",
    ),
    "bad_passthrough": (
        "@pytest.mark.ssm_kms(passthrough=5)",
        "@pytest.mark.ssm_kms(passthrough=5) on *: passthrough must be a list of botocore"
        " service names like [[]'s3', 'sts'[]], got 5",
    ),
    "bad_permissions_flag": (
        '@pytest.mark.ssm_kms(enforce_permissions="no")',
        "*: enforce_permissions must be True or False, got 'no'",
    ),
}


def test_each_marker_misuse_reads_clearly(pytester: pytest.Pytester) -> None:
    source = ["import pytest", ""]
    for name, (markers, _) in MARKER_MISUSES.items():
        source += [markers, f"def test_{name}():", "    pass", ""]
    pytester.makepyfile(test_misuse="\n".join(source))
    result = run(pytester, "-rE")
    result.assert_outcomes(errors=len(MARKER_MISUSES))
    for name, (_, message) in MARKER_MISUSES.items():
        result.stdout.fnmatch_lines([f"*ERROR at setup of test_{name} *", message])
    # A usage error is the message alone: no plugin traceback to wade through.
    result.stdout.no_fnmatch_line("*pytest_ssmkms/*.py:*")
    # Parameter values never appear in messages.
    result.stdout.no_fnmatch_line("*97531*")


def test_bad_seed_files_name_the_file_and_the_entry(pytester: pytest.Pytester) -> None:
    pytester.path.joinpath("bad_entry.json").write_text(
        '{"Parameters": [{"Name": "/a", "Value": "x"}, {"Name": "/b", "Value": 5}]}'
    )
    pytester.path.joinpath("bad_json.json").write_text('{"/a": "x",\n "/b": }')
    pytester.path.joinpath("bad_field.json").write_text('{"/a": {"Value": "x", "Kind": "String"}}')
    pytester.path.joinpath("bad_name.json").write_text('{"a b": "x"}')
    pytester.makepyfile(
        test_files="""
        import pytest

        @pytest.mark.ssm_parameters("bad_entry.json")
        def test_entry():
            pass

        @pytest.mark.ssm_parameters("bad_json.json")
        def test_json():
            pass

        @pytest.mark.ssm_parameters("bad_field.json")
        def test_field():
            pass

        @pytest.mark.ssm_parameters("bad_name.json")
        def test_name():
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(errors=4)
    result.stdout.fnmatch_lines(
        [
            "seed file */bad_entry.json: entry Parameters[[]1[]] ('/b') (named by"
            " @pytest.mark.ssm_parameters('bad_entry.json') on test_files.py::test_entry): value"
            " must be a string (or a list of strings for a StringList), got a number",
            "seed file */bad_json.json is not valid JSON: Expecting value at line 2 column 8"
            " (named by *)",
            "seed file */bad_field.json: entry '/a' has unknown field(s) Kind; accepted: Name,"
            " Value, Type, KeyId, Description, Tier, Labels, Tags, AllowedPattern, DataType,"
            " History (named by *)",
            "seed file */bad_name.json: entry 'a b' (named by *): cannot seed SSM parameter 'a b':*",
        ]
    )


def test_bad_ini_seed_file_names_the_option(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nssm_kms_seed_files = nowhere.json\n")
    pytester.makepyfile("def test_it(ssm_kms):\n    pass\n")
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["seed file */nowhere.json does not exist (named by ini option ssm_kms_seed_files (nowhere.json))"]
    )


def test_bad_ini_account_names_the_option(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nssm_kms_account_id = 42\n")
    pytester.makepyfile("def test_it(ssm_kms):\n    pass\n")
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["ini option ssm_kms_account_id: account_id must be a 12-digit string like '123456789012', got '42'"]
    )


# The handle's seeding methods raise PluginUsageError with the same messages.


def test_handle_methods_refuse_bad_values(ssm_kms):
    with pytest.raises(PluginUsageError, match=r"^ssm_kms.create_key\(\): state='On' is not accepted; use one of: Enabled, Disabled"):
        ssm_kms.create_key(state="On")
    with pytest.raises(PluginUsageError, match=r"ssm_kms.create_key\(\): tags must be a dict of tag key to value"):
        ssm_kms.create_key(tags="a=b")  # type: ignore[arg-type]
    with pytest.raises(PluginUsageError, match=r"policy is not valid JSON"):
        ssm_kms.create_key(policy="{")
    with pytest.raises(PluginUsageError, match=r"ssm_kms.set_key_state\('alias/none', ...\): no key 'alias/none'"):
        ssm_kms.set_key_state("alias/none", "Disabled")
    key = ssm_kms.create_key(alias="alias/app")
    with pytest.raises(PluginUsageError, match=r"state='Gone' is not accepted; use one of: Enabled"):
        ssm_kms.set_key_state(key.key_id, "Gone")
    with pytest.raises(PluginUsageError, match=r"pending_window_days must be a number of days \(7-30\), got '7'"):
        ssm_kms.set_key_state("alias/app", "PendingDeletion", pending_window_days="7")  # type: ignore[arg-type]
    with pytest.raises(PluginUsageError, match=r"pending_window_days=3 is not accepted; use 7 to 30"):
        ssm_kms.set_key_state("alias/app", "PendingDeletion", pending_window_days=3)
    with pytest.raises(PluginUsageError, match=r"ssm_kms.key_state\('alias/none'\): no key"):
        ssm_kms.key_state("alias/none")
    with pytest.raises(PluginUsageError, match=r"value must be a string .* got a number$"):
        ssm_kms.put_parameter("/pin", 1234)  # type: ignore[arg-type]
    with pytest.raises(PluginUsageError, match=r"history must be a list of strings, got a number in it"):
        ssm_kms.put_parameter("/pin", "1", history=["0", 1])  # type: ignore[list-item]
    assert len(ssm_kms.trail) == 0
