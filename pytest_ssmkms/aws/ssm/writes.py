"""Write handlers: PutParameter, DeleteParameter, DeleteParameters."""

from __future__ import annotations

from typing import Any

from pytest_ssmkms.aws.context import CallContext
from pytest_ssmkms.aws.errors import AwsError
from pytest_ssmkms.aws.ssm import secure
from pytest_ssmkms.aws.ssm.common import store_of, tag_conditions
from pytest_ssmkms.aws.ssm.errors import ParameterNotFound
from pytest_ssmkms.aws.ssm.names import check_new_name
from pytest_ssmkms.aws.ssm.putting import commit, plan_put


def put_parameter(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    store = store_of(ctx)
    name = check_new_name(params["Name"], store.region, store.account_id, creating=True)
    overwrite = bool(params.get("Overwrite", False))
    conditions = {"ssm:Overwrite": "true" if overwrite else "false"}
    conditions.update(tag_conditions(store.find(name)))
    ctx.authorize("ssm:PutParameter", store.arn(name), conditions=conditions)
    plan = plan_put(store, params)
    if not plan.accepted:
        # aws:ec2:image: AWS answers before it checks the AMI, then drops a put that fails
        # (the model's PutParameter DataType documentation): success, and nothing stored.
        return {"Version": plan.version, "Tier": plan.tier}
    value: str = params["Value"]
    if plan.type == "SecureString":
        key_id = plan.key_id or "alias/aws/ssm"
        value = secure.encrypt(ctx, key_id, value, store.arn(plan.name), plan.tier)
    version = commit(store, plan, value, ctx.caller.arn)
    return {"Version": version.version, "Tier": version.tier}


def delete_parameter(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    store = store_of(ctx)
    name = check_new_name(params["Name"], store.region, store.account_id)
    found = store.find(name)
    ctx.authorize("ssm:DeleteParameter", store.arn(name), conditions=tag_conditions(found))
    if found is None:
        raise ParameterNotFound()
    store.delete(found)
    return {}


def delete_parameters(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    store = store_of(ctx)
    names: list[tuple[str, str]] = []  # (as requested, checked)
    invalid: list[str] = []
    for text in dict.fromkeys(params["Names"]):
        try:
            names.append((text, check_new_name(text, store.region, store.account_id)))
        except AwsError:
            invalid.append(text)
    # As with GetParameters, one name the caller may not delete denies the whole request.
    for _, name in names:
        ctx.authorize("ssm:DeleteParameters", store.arn(name), conditions=tag_conditions(store.find(name)))
    deleted: list[str] = []
    for text, name in names:
        found = store.find(name)
        if found is None:
            invalid.append(text)
        else:
            store.delete(found)
            deleted.append(text)
    return {"DeletedParameters": deleted, "InvalidParameters": invalid}
