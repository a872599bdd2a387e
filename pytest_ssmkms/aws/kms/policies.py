"""Key policies as KMS checks them when they are put (PutKeyPolicy, CreateKey's Policy).

The policies AWS writes itself live with the permission engine (``aws.iam.managed``)."""

from __future__ import annotations

from typing import Any

from pytest_ssmkms.aws.iam import PolicyError, validate_policy_document
from pytest_ssmkms.aws.jsondoc import load_bounded
from pytest_ssmkms.aws.kms.errors import MalformedPolicyDocumentException

POLICY_NAME = "default"
_VERSIONS = ("2012-10-17", "2008-10-17")


def validate_policy(text: str) -> dict[str, Any]:
    """Parse a key policy as KMS checks it, or raise MalformedPolicyDocumentException.

    KMS's exact texts for each defect are not documented; these name the defect plainly."""
    try:
        document = load_bounded(text)
    except ValueError as error:
        raise MalformedPolicyDocumentException(f"The key policy is not valid JSON: {error}") from None
    if not isinstance(document, dict):
        raise MalformedPolicyDocumentException("The key policy must be a JSON object.")
    version = document.get("Version")
    if version is not None and version not in _VERSIONS:
        raise MalformedPolicyDocumentException(f"Policy has an invalid Version: {version}")
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise MalformedPolicyDocumentException("Policy is missing required element - Statement")
    for statement in statements:
        _check_statement(statement)
    # The permission engine's full grammar (principals, resources, condition operators), so
    # that every policy KMS stores is one the authorizer can evaluate.
    try:
        validate_policy_document(text)
    except PolicyError as error:
        raise MalformedPolicyDocumentException(str(error)) from None
    return document


def _check_statement(statement: Any) -> None:
    if not isinstance(statement, dict):
        raise MalformedPolicyDocumentException("Policy contains a statement that is not an object.")
    if statement.get("Effect") not in ("Allow", "Deny"):
        raise MalformedPolicyDocumentException(
            "Policy contains a statement with an invalid Effect (it must be Allow or Deny)."
        )
    if "Principal" not in statement and "NotPrincipal" not in statement:
        # Key policies are resource policies: every statement names who it is about.
        raise MalformedPolicyDocumentException("Policy contains a statement with no principal.")
    if "Action" not in statement and "NotAction" not in statement:
        raise MalformedPolicyDocumentException("Policy contains a statement with no action.")
    for member in ("Action", "NotAction"):
        actions = statement.get(member)
        if actions is None:
            continue
        items = [actions] if isinstance(actions, str) else actions
        if not isinstance(items, list) or not all(isinstance(a, str) for a in items):
            raise MalformedPolicyDocumentException(f"Policy contains an invalid {member}.")
        for action in items:
            if action != "*" and ":" not in action:
                raise MalformedPolicyDocumentException(
                    f"Policy contains a statement with an invalid action: {action}"
                )
    condition = statement.get("Condition")
    if condition is not None and not isinstance(condition, dict):
        raise MalformedPolicyDocumentException("Policy contains an invalid Condition block.")
