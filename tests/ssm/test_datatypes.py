"""The data types' value checks as pure functions (boto3 behaviour is in test_values.py)."""

from __future__ import annotations

import pytest

from pytest_ssmkms.aws.ssm.datatypes import TYPES, value_is_valid

CASES = {
    "aws:region": (["us-east-1", "cn-north-1", "us-gov-west-1"], ["US-EAST-1", "us-east", "", "mars-1"]),
    "aws:account:id": (["000000000000"], ["1234567890123", "12345678901a", ""]),
    "boolean": (["true", "false", "TRUE", "False"], ["1", "0", "", "truee"]),
    "integer": (["0", "+7", "-9223372036854775808", "9223372036854775807"],
                ["9223372036854775808", "1e3", "", " 1", "0x10"]),
    "float": (["3.14", "-.5", "1.", "2E-3", "7"], ["Infinity", "1e400", ".", "1,5", ""]),
    "binary": (["AAEC", "aGk="], ["a", "aGk", "a=b=", "!!!!", ""]),
    "hostname": (["localhost", "a.b-c.d", "x" * 63], ["a_b.com", "a..b", "x" * 64, "a.-b", ""]),
    "email": (["a.b+tag@example.co.uk"], ["a@b", "@example.com", "a b@example.com", "a@example..com"]),
    "ipv4-address": (["0.0.0.0", "255.255.255.255"], ["1.2.3", "01.2.3.4", "1.2.3.4/24", "::1"]),
    "ipv6-address": (["::", "fe80::1", "::ffff:192.0.2.1"], ["fe80::1%eth0", "1.2.3.4", "g::1"]),
    "url": (["http://a", "s3://bucket/key", "https://[2001:db8::1]:443/"],
            ["http://", "https://a b", "//a/b", "https://a:99999/"]),
    "json": (["null", "1", '"s"', "[]", '{"a":{"b":[true]}}'], ["", "{", "NaN", "[1,]", "{a:1}"]),
    "jsonc": (['// c\n{"a": "// not a comment"}', "/**/1"], ["/* open", '{"a":1,}', ""]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_values(name):
    good, bad = CASES[name]
    rules = TYPES[name]
    for value in good:
        assert value_is_valid(rules, "String", value), value
    for value in bad:
        assert not value_is_valid(rules, "String", value), value


def test_every_documented_type_is_known():
    # The sixteen of the newest botocore model's ParameterDataType documentation.
    assert set(TYPES) == {
        "text", "aws:ec2:image", "aws:ssm:integration", "aws:region", "aws:account:id", "boolean",
        "integer", "float", "binary", "hostname", "email", "ipv4-address", "ipv6-address", "url",
        "json", "jsonc",
    }


def test_deep_json_is_refused_without_crashing():
    assert not value_is_valid(TYPES["json"], "String", "[" * 5000 + "]" * 5000)
