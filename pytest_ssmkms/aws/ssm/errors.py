"""SSM error codes, one class each, with AWS's texts where they are known.

Texts marked "not verified" are the most likely wording; the code is what callers match on.
"""

from __future__ import annotations

from pytest_ssmkms.aws.strict import is_digits
from pytest_ssmkms.aws.errors import AccessDeniedException, AwsError, ValidationException

__all__ = [
    "AccessDeniedException",
    "HierarchyLevelLimitExceededException",
    "HierarchyTypeMismatchException",
    "IncompatiblePolicyException",
    "InternalServerError",
    "InvalidAllowedPatternException",
    "InvalidFilterKey",
    "InvalidFilterOption",
    "InvalidFilterValue",
    "InvalidKeyId",
    "InvalidNextToken",
    "InvalidPolicyAttributeException",
    "InvalidPolicyTypeException",
    "InvalidResourceId",
    "InvalidResourceType",
    "MalformedResourcePolicyDocumentException",
    "ParameterAlreadyExists",
    "ParameterLimitExceeded",
    "ParameterMaxVersionLimitExceeded",
    "ParameterNotFound",
    "ParameterPatternMismatchException",
    "ParameterVersionLabelLimitExceeded",
    "ParameterVersionNotFound",
    "PoliciesLimitExceededException",
    "ResourceNotFoundException",
    "ResourcePolicyConflictException",
    "ResourcePolicyInvalidParameterException",
    "ResourcePolicyNotFoundException",
    "TooManyTagsError",
    "TooManyUpdates",
    "UnsupportedParameterType",
    "ValidationException",
]


class ParameterNotFound(AwsError):
    """GetParameter (and DeleteParameter) answer a missing name with an empty message (public
    CLI transcripts); ``named`` gives the text the history and label operations use."""

    code = "ParameterNotFound"

    def __init__(self, message: str = "") -> None:
        super().__init__(message)

    @classmethod
    def named(cls, name: str) -> ParameterNotFound:
        # GetParameterHistory, LabelParameterVersion, UnlabelParameterVersion: the text moto's
        # suite records for them (not verified against AWS here).
        return cls(f"Parameter {name} not found.")


class ParameterAlreadyExists(AwsError):
    code = "ParameterAlreadyExists"

    def __init__(self) -> None:
        super().__init__(
            "The parameter already exists. To overwrite this value, set the overwrite option "
            "in the request to true."
        )


class ParameterVersionNotFound(AwsError):
    code = "ParameterVersionNotFound"

    def __init__(self, name: str, selector: str) -> None:
        # Not verified: the wording of AWS's text. A selector of digits is a version, else a label.
        what = f"version {selector}" if is_digits(selector) else f"a version labelled {selector}"
        super().__init__(
            f"Systems Manager could not find {what} of {name}. Verify the version and try again."
        )


class ParameterLimitExceeded(AwsError):
    code = "ParameterLimitExceeded"

    def __init__(self) -> None:
        super().__init__(
            "You have reached the maximum number of standard parameters for this AWS account "
            "and Region (10000). To create more parameters, use the advanced-parameter tier, "
            "or delete standard parameters you no longer need."
        )


class ParameterMaxVersionLimitExceeded(AwsError):
    code = "ParameterMaxVersionLimitExceeded"

    def __init__(self, name: str, version: int) -> None:
        super().__init__(
            f"You attempted to create a new version of {name} by calling the PutParameter API "
            f"with the overwrite flag. Version {version}, the oldest version, can't be deleted "
            "because it has a label associated with it. Move the label to another version of "
            "the parameter, and try again."
        )


class ParameterPatternMismatchException(AwsError):
    code = "ParameterPatternMismatchException"

    def __init__(self, pattern: str) -> None:
        super().__init__(f"Parameter value, cannot be validated against allowedPattern: {pattern}")


class InvalidAllowedPatternException(AwsError):
    code = "InvalidAllowedPatternException"

    def __init__(self) -> None:
        super().__init__("The request doesn't meet the regular expression requirement.")


class HierarchyLevelLimitExceededException(AwsError):
    code = "HierarchyLevelLimitExceededException"

    def __init__(self) -> None:
        super().__init__(
            "A hierarchy can have a maximum of 15 levels. For more information, see "
            "https://docs.aws.amazon.com/systems-manager/latest/userguide/"
            "sysman-paramstore-su-create.html"
        )


class HierarchyTypeMismatchException(AwsError):
    # Modelled, never raised: AWS changes a parameter's type in place on overwrite
    # (hashicorp/terraform-provider-aws#10819), so neither do we refuse it.
    code = "HierarchyTypeMismatchException"


class UnsupportedParameterType(AwsError):
    code = "UnsupportedParameterType"


class PoliciesLimitExceededException(AwsError):
    code = "PoliciesLimitExceededException"

    def __init__(self) -> None:
        super().__init__("You can specify a maximum of 10 policies for a parameter.")


class InvalidPolicyTypeException(AwsError):
    code = "InvalidPolicyTypeException"

    def __init__(self, policy_type: str) -> None:
        super().__init__(
            f"The policy type {policy_type} is not supported. Parameter Store supports the "
            "following policy types: Expiration, ExpirationNotification, and NoChangeNotification."
        )


class InvalidPolicyAttributeException(AwsError):
    code = "InvalidPolicyAttributeException"


class IncompatiblePolicyException(AwsError):
    code = "IncompatiblePolicyException"


class ParameterVersionLabelLimitExceeded(AwsError):
    code = "ParameterVersionLabelLimitExceeded"

    def __init__(self) -> None:
        super().__init__(
            "A parameter version can have maximum 10 labels. Move one or more labels to "
            "another version and try again."
        )


class InvalidKeyId(AwsError):
    code = "InvalidKeyId"


class InvalidFilterKey(AwsError):
    code = "InvalidFilterKey"


class InvalidFilterOption(AwsError):
    code = "InvalidFilterOption"


class InvalidFilterValue(AwsError):
    code = "InvalidFilterValue"
    message_key = "Message"


class InvalidNextToken(AwsError):
    code = "InvalidNextToken"
    message_key = "Message"

    def __init__(self) -> None:
        super().__init__("The specified token isn't valid.")


class InvalidResourceType(AwsError):
    # A shape without members: AWS answers the code alone, {"__type":"InvalidResourceId"}
    # as recorded for its sibling (getmoto/moto#4360).
    code = "InvalidResourceType"
    message_key = ""

    def __init__(self) -> None:
        super().__init__(None)


class InvalidResourceId(AwsError):
    # AWS's answer, recorded: {"__type":"InvalidResourceId"} (getmoto/moto#4360).
    code = "InvalidResourceId"
    message_key = ""

    def __init__(self) -> None:
        super().__init__(None)


class TooManyTagsError(AwsError):
    code = "TooManyTagsError"


class TooManyUpdates(AwsError):
    code = "TooManyUpdates"
    message_key = "Message"


class InternalServerError(AwsError):
    code = "InternalServerError"
    message_key = "Message"


# Resource policies (parameter sharing). Their shapes carry "Message"; AWS's texts for them
# are not on record: each text below is the most likely wording, the codes are modelled.


class ResourcePolicyInvalidParameterException(AwsError):
    code = "ResourcePolicyInvalidParameterException"
    message_key = "Message"


class ResourcePolicyConflictException(AwsError):
    code = "ResourcePolicyConflictException"
    message_key = "Message"


class ResourcePolicyNotFoundException(AwsError):
    code = "ResourcePolicyNotFoundException"
    message_key = "Message"


class MalformedResourcePolicyDocumentException(AwsError):
    code = "MalformedResourcePolicyDocumentException"
    message_key = "Message"


class ResourceNotFoundException(AwsError):
    code = "ResourceNotFoundException"
    message_key = "Message"
