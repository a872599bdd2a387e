"""Read handlers: GetParameter(s), GetParametersByPath, DescribeParameters, GetParameterHistory."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from typing import Any

from pytest_ssmkms.aws.context import CallContext
from pytest_ssmkms.aws.ssm import public_reads, sharing
from pytest_ssmkms.aws.ssm.common import store_of, tag_conditions, value_of
from pytest_ssmkms.aws.ssm.errors import (
    InvalidNextToken,
    ParameterNotFound,
    ParameterVersionNotFound,
    ValidationException,
)
from pytest_ssmkms.aws.ssm.filters import Filter, by_path_filters, describe_filters, matches
from pytest_ssmkms.aws.ssm.index import Segments
from pytest_ssmkms.aws.ssm.model import Parameter, Version
from pytest_ssmkms.aws.ssm.names import (
    NAME_RULES,
    Reference,
    check_path,
    is_public,
    parse_reference,
    path_arn,
    segments_of,
)
from pytest_ssmkms.aws.ssm.output import history_out, metadata_out, parameter_out
from pytest_ssmkms.aws.ssm.paging import make_token, read_segments, read_token
from pytest_ssmkms.aws.ssm.store import ParameterStore

BY_PATH_DEFAULT_PAGE = 10
DESCRIBE_DEFAULT_PAGE = 10
HISTORY_DEFAULT_PAGE = 50


def _found(store: ParameterStore, reference: Reference) -> Parameter | None:
    return store.find(reference.name) if reference.local else None


def get_parameter(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    store: ParameterStore = ctx.backend.ssm
    reference = parse_reference(params["Name"], store.region, store.account_id)
    if is_public(reference.name):
        return {"Parameter": public_reads.get_one(ctx, reference, "ssm:GetParameter")}
    if sharing.is_foreign(reference, store):
        # A parameter another account shares with this one, named by its full ARN.
        store, _ = sharing.foreign_parameter(ctx, reference, "ssm:GetParameter")
        reference = reference._replace(local=True)
    arn = reference.arn(store.region, store.account_id)
    found = store.find(reference.name) if reference.local else None
    ctx.authorize(
        "ssm:GetParameter", arn, conditions=tag_conditions(found) if found is not None else {}
    )
    parameter, version = store.resolve(reference)
    # resolve() answers local references only, whose ARN is the one in this store.
    value = value_of(ctx, store, parameter, version, bool(params.get("WithDecryption")), arn)
    return {"Parameter": parameter_out(parameter, version, value, arn, reference.selector)}


def get_parameters(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    store = store_of(ctx)
    decrypt = bool(params.get("WithDecryption"))
    invalid: list[str] = []
    wanted: list[tuple[str, Reference]] = []
    for text in dict.fromkeys(params["Names"]):  # duplicates answered once, in request order
        try:
            wanted.append((text, parse_reference(text, store.region, store.account_id)))
        except ValidationException:
            invalid.append(text)
    # One name the caller may not read denies the whole call (AWS answers AccessDenied for the
    # request, not a partial result): authorize every name before reading any.
    owners: dict[str, ParameterStore] = {}  # names of shared parameters -> their store
    for text, reference in wanted:
        if is_public(reference.name):
            ctx.authorize("ssm:GetParameters", public_reads.arn(ctx, reference))
            continue
        if sharing.is_foreign(reference, store):
            owners[text] = sharing.foreign_parameter(ctx, reference, "ssm:GetParameters")[0]
            continue
        ctx.authorize(
            "ssm:GetParameters",
            reference.arn(store.region, store.account_id),
            conditions=tag_conditions(_found(store, reference)),
        )
    results: list[dict[str, Any]] = []
    for text, reference in wanted:
        if is_public(reference.name):
            try:
                # A name outside every public namespace refuses the whole call, as AWS does.
                entry = public_reads.entry_of(ctx, reference)
            except (ParameterNotFound, ParameterVersionNotFound):
                invalid.append(text)
                continue
            results.append(public_reads.parameter_out(entry, store.region, reference.selector))
            continue
        owner = owners.get(text, store)
        if owner is not store:
            reference = reference._replace(local=True)
        try:
            parameter, version = owner.resolve(reference)
        except (ParameterNotFound, ParameterVersionNotFound):
            invalid.append(text)
            continue
        value = value_of(ctx, owner, parameter, version, decrypt)
        results.append(
            parameter_out(parameter, version, value, owner.arn(parameter.name), reference.selector)
        )
    results.sort(key=lambda item: str(item["Name"]))
    return {"Parameters": results, "InvalidParameters": invalid}


def _labelled_version(parameter: Parameter, labels: tuple[str, ...]) -> Version | None:
    for label in labels:
        found = parameter.labelled(label)
        if found is not None:
            return found
    return None


def _by_path_version(parameter: Parameter, filters: list[Filter]) -> Version | None:
    """The version a by-path read returns, or None when a filter excludes the parameter."""
    version = parameter.latest
    for item in filters:
        if item.key == "Label":
            labelled = _labelled_version(parameter, item.values)
            if labelled is None:
                return None
            version = labelled
        elif not matches(item, parameter):
            return None
    return version


def get_parameters_by_path(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    store = store_of(ctx)
    base = check_path(params["Path"])
    recursive = bool(params.get("Recursive", False))
    if base[:1] == ("aws",):
        return _public_by_path(ctx, params, base, recursive)
    ctx.authorize(
        "ssm:GetParametersByPath",
        path_arn(store.region, store.account_id, base),
        conditions={"ssm:Recursive": "true" if recursive else "false"},
    )
    filters = by_path_filters(params)
    after = read_segments("GetParametersByPath", params.get("NextToken"))
    limit = params.get("MaxResults", BY_PATH_DEFAULT_PAGE)
    page: list[tuple[Parameter, Version]] = []
    token: str | None = None
    last: Segments | None = None
    for segments, parameter in store.walk(base, recursive=recursive, after=after):
        version = _by_path_version(parameter, filters)
        if version is None:
            continue
        if len(page) == limit:
            token = make_token("GetParametersByPath", list(last or ()))
            break
        page.append((parameter, version))
        last = segments
    decrypt = bool(params.get("WithDecryption"))
    out: dict[str, Any] = {
        "Parameters": [
            parameter_out(p, v, value_of(ctx, store, p, v, decrypt), store.arn(p.name))
            for p, v in page
        ]
    }
    if token:
        out["NextToken"] = token
    return out


def _public_by_path(
    ctx: CallContext, params: dict[str, Any], base: Segments, recursive: bool
) -> dict[str, Any]:
    ctx.authorize(
        "ssm:GetParametersByPath",
        public_reads.public_arn(ctx.backend.region, "/" + "/".join(base)),
        conditions={"ssm:Recursive": "true" if recursive else "false"},
    )
    filters = by_path_filters(params)
    after = read_segments("GetParametersByPath", params.get("NextToken"))
    limit = params.get("MaxResults", BY_PATH_DEFAULT_PAGE)
    page, last = public_reads.by_path(ctx, base, recursive, filters, after, limit)
    out: dict[str, Any] = {"Parameters": page}
    if last is not None:
        out["NextToken"] = make_token("GetParametersByPath", list(last))
    return out


def _describe_source(
    store: ParameterStore, filters: list[Filter], after: Segments | None
) -> Iterator[tuple[Segments, Parameter]]:
    """Parameters in name order, narrowed by the index where a filter allows it (a Path filter
    walks only its subtrees; a Name filter with Equals looks its names up, with BeginsWith walks
    the subtree of the value's complete levels)."""
    for item in filters:
        if item.key == "Path":
            recursive = item.option == "Recursive"
            walks = [store.walk(check_path(v), recursive=recursive, after=after) for v in item.values]
            return _distinct(heapq.merge(*walks, key=lambda pair: pair[0]))
    for item in filters:
        if item.key == "Name" and item.option == "Equals":
            found = (store.find(value) for value in item.values)
            pairs = {segments_of(p.key): p for p in found if p is not None}
            return iter(sorted((s, p) for s, p in pairs.items() if after is None or s > after))
    for item in filters:
        if item.key == "Name" and item.option == "BeginsWith":
            # Every name beginning with "/a/b/c" lies strictly below "/a/b".
            bases = {segments_of(v.lstrip("/"))[:-1] for v in item.values}
            walks = [store.walk(base, recursive=True, after=after) for base in sorted(bases)]
            return _distinct(heapq.merge(*walks, key=lambda pair: pair[0]))
    return store.walk((), recursive=True, after=after)


def _distinct(pairs: Iterable[tuple[Segments, Parameter]]) -> Iterator[tuple[Segments, Parameter]]:
    previous: Segments | None = None
    for segments, parameter in pairs:
        if segments != previous:
            yield segments, parameter
        previous = segments


def describe_parameters(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    store = store_of(ctx)
    ctx.authorize("ssm:DescribeParameters", store.arn_of_account("*"))
    filters = describe_filters(params)
    if params.get("Shared"):
        return _describe_shared(ctx, filters, params)
    after = read_segments("DescribeParameters", params.get("NextToken"))
    limit = params.get("MaxResults", DESCRIBE_DEFAULT_PAGE)
    checks = [item for item in filters if item.key != "Path"]
    page: list[Parameter] = []
    token: str | None = None
    last: Segments | None = None
    for segments, parameter in _describe_source(store, filters, after):
        if not all(matches(item, parameter) for item in checks):
            continue
        if len(page) == limit:
            token = make_token("DescribeParameters", list(last or ()))
            break
        page.append(parameter)
        last = segments
    now = store.now()
    out: dict[str, Any] = {"Parameters": [metadata_out(p, store.arn(p.name), now) for p in page]}
    if token:
        out["NextToken"] = token
    return out


def _describe_shared(ctx: CallContext, filters: list[Filter], params: dict[str, Any]) -> dict[str, Any]:
    """Parameters other accounts share with the caller's through RAM: each by its full ARN
    (the name a consumer reads it by; not verified that AWS's Name is the ARN), in ARN order,
    paged by position."""
    from pytest_ssmkms.aws.ssm.paging import read_token

    start = read_token("DescribeParameters", params.get("NextToken")) or 0
    if not isinstance(start, int) or isinstance(start, bool) or start < 0:
        raise InvalidNextToken()
    limit = params.get("MaxResults", DESCRIBE_DEFAULT_PAGE)
    checks = [item for item in filters if item.key != "Path"]
    matching = [
        (owner, parameter)
        for owner, parameter in sharing.shared_with(ctx)
        if all(matches(item, parameter) for item in checks)
    ]
    now = ctx.backend.ssm.now()
    page = matching[start:start + limit]
    shown = []
    for owner, parameter in page:
        arn = owner.arn(parameter.name)
        item = metadata_out(parameter, arn, now)
        item["Name"] = arn
        shown.append(item)
    out: dict[str, Any] = {"Parameters": shown}
    if start + limit < len(matching):
        out["NextToken"] = make_token("DescribeParameters", start + limit)
    return out


def get_parameter_history(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    store = store_of(ctx)
    reference = parse_reference(params["Name"], store.region, store.account_id)
    if reference.selector is not None:
        raise ValidationException(NAME_RULES)
    if is_public(reference.name):
        public_reads.refuse_history(ctx, reference)
    if sharing.is_foreign(reference, store):
        store, _ = sharing.foreign_parameter(ctx, reference, "ssm:GetParameterHistory")
        reference = reference._replace(local=True)
    arn = reference.arn(store.region, store.account_id)
    found = _found(store, reference)
    ctx.authorize("ssm:GetParameterHistory", arn, conditions=tag_conditions(found))
    if found is None:
        raise ParameterNotFound.named(params["Name"].strip())
    parameter = found
    after = read_token("GetParameterHistory", params.get("NextToken"))
    if after is not None and (not isinstance(after, int) or isinstance(after, bool)):
        raise InvalidNextToken()
    limit = params.get("MaxResults", HISTORY_DEFAULT_PAGE)
    versions = [v for v in parameter.versions.values() if after is None or v.version > after]
    page, rest = versions[:limit], versions[limit:]
    decrypt = bool(params.get("WithDecryption"))
    now = store.now()
    out: dict[str, Any] = {
        "Parameters": [
            history_out(parameter, v, value_of(ctx, store, parameter, v, decrypt), now) for v in page
        ]
    }
    if rest:
        out["NextToken"] = make_token("GetParameterHistory", page[-1].version)
    return out

