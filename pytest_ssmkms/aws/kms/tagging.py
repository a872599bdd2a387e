"""Tag rules shared by CreateKey and TagResource (and the seeding helpers)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pytest_ssmkms.aws.kms.errors import LimitExceededException, TagException

MAX_TAGS = 50


def parse_tags(tags: Iterable[Any]) -> dict[str, str]:
    """``[{"TagKey", "TagValue"}]`` as a dict, checked as KMS checks tags."""
    out: dict[str, str] = {}
    for tag in tags:
        if not isinstance(tag, dict) or "TagKey" not in tag or "TagValue" not in tag:
            raise TagException("Each tag needs a TagKey and a TagValue.")
        key, value = tag["TagKey"], tag["TagValue"]
        check_tag(key, value)
        if key in out:
            raise TagException("Duplicate tag keys")  # recorded against KMS
        out[key] = value
    return out


def check_tag(key: Any, value: Any) -> None:
    if not isinstance(key, str) or not 1 <= len(key) <= 128:
        raise TagException("Tag keys must be 1 to 128 characters long.")
    if not isinstance(value, str) or len(value) > 256:
        raise TagException("Tag values must be 0 to 256 characters long.")
    if key.lower().startswith("aws:"):
        # The aws: prefix is reserved for tags AWS adds itself (text recorded against KMS, any
        # case of the prefix).
        raise TagException("Tags beginning with aws: are reserved")


def merged(
    existing: Mapping[str, str], new: Mapping[str, str], *, creating: bool = False
) -> dict[str, str]:
    result = {**existing, **new}
    if len(result) > MAX_TAGS and creating:
        raise TagException("Too many tags")  # CreateKey's answer, recorded against KMS
    if len(result) > MAX_TAGS:
        # TagResource: the model's LimitExceededException; the text is assumed.
        raise LimitExceededException(
            f"Too many tags: a KMS key can have at most {MAX_TAGS} tags."
        )
    return result


def tag_list(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"TagKey": key, "TagValue": value} for key, value in tags.items()]
