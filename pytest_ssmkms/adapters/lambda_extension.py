"""The AWS Parameters and Secrets Lambda Extension's local API, for Parameter Store:
``GET /systemsmanager/parameters/get?name=NAME[&withDecryption=true][&version=N|&label=L]``
with the ``X-Aws-Parameters-Secrets-Token`` header set to the function's session token.

The extension calls GetParameter with the function's own credentials and answers its JSON;
here the call goes through the front door as the identity whose session token the header
carries, so it is authorized and recorded like any GetParameter. The extension's cache is
not modelled: every request reads the current value.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from pytest_ssmkms.wire import door

if TYPE_CHECKING:
    from pytest_ssmkms.aws.backend import World
    from pytest_ssmkms.aws.context import Caller

PATH = "/systemsmanager/parameters/get"
TOKEN_HEADER = "X-Aws-Parameters-Secrets-Token"
_TEXT = "text/plain; charset=utf-8"


def handles(path: str) -> bool:
    """Whether a GET for ``path`` is the extension's (a trailing slash is accepted, as
    clients write both)."""
    return urlsplit(path).path.rstrip("/") == PATH


def answer(
    world: World, path: str, caller: Caller | None, token_sent: bool
) -> tuple[int, bytes, str]:
    """Status, body and content type of the extension's answer to ``GET path``.

    A request without the token header, or with a token of no session, is refused before
    anything is read. The extension's exact refusal is not documented; a 401 with a short
    text is the most likely shape and what clients treat as failure either way."""
    if not token_sent:
        return 401, f"{TOKEN_HEADER} header is missing.".encode(), _TEXT
    if caller is None:
        return 401, f"{TOKEN_HEADER} header does not hold a valid token.".encode(), _TEXT
    query = parse_qs(urlsplit(path).query, keep_blank_values=True)
    names = query.get("name", [])
    if len(names) != 1 or not names[0]:
        return 400, b"The name query parameter is required, once.", _TEXT
    name = names[0]
    version = query.get("version", [""])[0]
    label = query.get("label", [""])[0]
    if version and label:
        return 400, b"Give version or label, not both.", _TEXT
    if version or label:
        name = f"{name}:{version or label}"
    decrypt = query.get("withDecryption", ["false"])[0].lower() == "true"
    request = door.Request(
        json.dumps({"Name": name, "WithDecryption": decrypt}).encode(),
        "AmazonSSM.GetParameter",
        # The scope names the caller's key and the function's region (AWS_REGION).
        f"AWS4-HMAC-SHA256 Credential={caller.access_key_id}/20000101/"
        f"{world.settings.region}/ssm/aws4_request",
        "aws-parameters-secrets-lambda-extension (pytest-ssmkms)",
        "http://localhost" + PATH,
    )
    response = door.answer(world, request)
    assert response is not None  # ssm is always answered
    return response.status, response.body, response.content_type
