"""Reads of public parameters: GetParameter, GetParameters and GetParametersByPath answer them
from the Region's public view; GetParameterHistory refuses them."""

from __future__ import annotations

from typing import Any, NoReturn

from pytest_ssmkms.aws.context import CallContext
from pytest_ssmkms.aws.ssm.errors import (
    AccessDeniedException,
    ParameterNotFound,
    ParameterVersionNotFound,
)
from pytest_ssmkms.aws.ssm.filters import Filter, matches
from pytest_ssmkms.aws.ssm.index import Segments
from pytest_ssmkms.aws.ssm.names import Reference
from pytest_ssmkms.aws.ssm.public import (
    PublicView,
    as_parameter,
    namespace_refusal,
    parameter_out,
    public_arn,
    view_of,
)

__all__ = ["arn", "by_path", "entry_of", "get_one", "parameter_out", "public_arn", "refuse_history"]
from pytest_ssmkms.aws.ssm.public_catalog import Entry


def view(ctx: CallContext) -> PublicView:
    return view_of(ctx.backend.world, ctx.backend.region)


def arn(ctx: CallContext, reference: Reference) -> str:
    """The public ARN a reference names (in the Region its ARN gives, else the caller's)."""
    return public_arn(reference.region or ctx.backend.region, reference.name)


def entry_of(ctx: CallContext, reference: Reference) -> Entry:
    """The public parameter a (local) reference names, or AWS's error for it."""
    if not reference.local:
        raise ParameterNotFound()
    public = view(ctx)
    found = public.find(reference.name)
    if found is None:
        if not public.namespace_exists(reference.name):
            raise namespace_refusal(reference.name)
        raise ParameterNotFound()
    # Public parameters keep no history here: only their current version (by number) is found.
    # Not verified: AWS's answer for a selector on a public name.
    if reference.label is not None or (reference.version is not None and reference.version != found.version):
        raise ParameterVersionNotFound(found.name, (reference.selector or ":")[1:])
    return found


def get_one(ctx: CallContext, reference: Reference, action: str) -> dict[str, Any]:
    ctx.authorize(action, arn(ctx, reference))
    found = entry_of(ctx, reference)
    return parameter_out(found, ctx.backend.region, reference.selector)


def refuse_history(ctx: CallContext, reference: Reference) -> NoReturn:
    """AWS does not support GetParameterHistory on public parameters (bottlerocket-os/
    bottlerocket#2662, from AWS support). Not verified: its exact answer; we answer as a
    resource policy that allows only the reads would (AccessDenied)."""
    resource = arn(ctx, reference)
    ctx.authorize("ssm:GetParameterHistory", resource)
    raise AccessDeniedException(
        f"User: {ctx.caller.arn} is not authorized to perform: ssm:GetParameterHistory on "
        f"resource: {resource} because no resource-based policy allows the "
        "ssm:GetParameterHistory action"
    )


def _passes(entry: Entry, filters: list[Filter]) -> bool:
    # Public parameters are Strings without a key or labels; the value is not needed here
    # (some values are computed on demand), so the check runs on a valueless copy.
    if not filters:
        return True
    parameter, _ = as_parameter(entry, with_value=False)
    return all(item.key != "Label" and matches(item, parameter) for item in filters)


def by_path(
    ctx: CallContext,
    base: Segments,
    recursive: bool,
    filters: list[Filter],
    after: Segments | None,
    limit: int,
) -> tuple[list[dict[str, Any]], Segments | None]:
    """One page of public parameters below ``base``, and the cursor of the next (or None)."""
    public = view(ctx)
    name = "/" + "/".join(base)
    if len(base) >= 3 and not public.namespace_exists(name):
        raise namespace_refusal(name)
    page: list[dict[str, Any]] = []
    last: Segments | None = None
    for segments, found in public.walk(base, recursive=recursive, after=after):
        if not _passes(found, filters):
            continue
        if len(page) == limit:
            return page, last
        page.append(parameter_out(found, ctx.backend.region))
        last = segments
    return page, None
