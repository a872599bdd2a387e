"""Limits benchmark: the store at 100,000 parameters and 10,000 keys.

    python benchmarks/limits.py            # up to 100,000 parameters and 10,000 keys
    python benchmarks/limits.py --quick    # up to 10,000 parameters and 1,000 keys
    python benchmarks/limits.py --lookup   # LookupEvents over 1,000,000 records, mock start/stop

The store is filled in steps (1%, 10%, 100% of the target) through the same operation
handlers API calls reach (``Backend.invoke`` with a trusted context, as preseeding does: no
botocore, no trail record, so that filling 100,000 parameters takes seconds, not minutes).
At each step it prints:

- memory: bytes the store holds per parameter and per key (tracemalloc, measured while
  filling), and per trail record for ordinary recorded calls;
- per-call cost through a real boto3 client (botocore serialization and parsing included) of
  the calls whose cost could grow with the store: GetParameter (String, and SecureString with
  decryption), PutParameter with overwrite, GetParametersByPath on a 10-parameter subtree,
  DescribeParameters first page (and filtered by path), Encrypt and Decrypt, DescribeKey,
  ListKeys first page.

The figures are reported, never asserted (see tests/reliability/test_limits.py for the
functional and memory checks at a smaller scale). Standard parameters stop at AWS's 10,000;
the rest are Advanced, whose limit is 100,000 per account and Region.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from pytest_ssmkms import mock_ssm_kms
from pytest_ssmkms.aws.backend import Backend, World

STANDARD_LIMIT = 10_000
ROUNDS = 7
CALLS_PER_ROUND = 40


def fill_parameters(world: World, start: int, stop: int) -> None:
    """Parameters ``start`` to ``stop`` (the 20 warm-up parameters sit outside the count)."""
    backend: Backend = world.backend()
    ctx = world.system_context()
    for index in range(start, stop):
        params: dict[str, Any] = {
            "Name": parameter_name(index),
            "Value": f"value-{index}",
            "Type": "String",
        }
        if index >= STANDARD_LIMIT - 100:  # room for the warm-up and measured parameters
            params["Tier"] = "Advanced"
        backend.invoke("ssm", "PutParameter", params, ctx)


def parameter_name(index: int) -> str:
    # A realistic hierarchy: 100 apps x 10 environments x n parameters.
    return f"/app{index % 100}/env{(index // 100) % 10}/p{index}"


def fill_keys(world: World, start: int, stop: int) -> list[str]:
    backend = world.backend()
    ctx = world.system_context()
    return [
        backend.invoke("kms", "CreateKey", {"Description": f"key {i}"}, ctx)["KeyMetadata"]["KeyId"]
        for i in range(start, stop)
    ]


def per_call(call: Callable[[], Any]) -> float:
    """Microseconds per call: the best round's mean (the least disturbed by other load)."""
    call()  # warm caches
    rounds = []
    for _ in range(ROUNDS):
        began = time.perf_counter()
        for _ in range(CALLS_PER_ROUND):
            call()
        rounds.append((time.perf_counter() - began) / CALLS_PER_ROUND * 1e6)
    return min(rounds)


def measure_calls(aws: Any, key_id: str) -> dict[str, float]:
    ssm, kms = aws.client("ssm"), aws.client("kms")
    ssm.put_parameter(Name="/bench/plain", Value="v", Type="String", Overwrite=True)
    ssm.put_parameter(Name="/bench/secure", Value="s3cret", Type="SecureString", Overwrite=True)
    for i in range(10):
        ssm.put_parameter(Name=f"/bench/tree/p{i}", Value="v", Type="String", Overwrite=True)
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"p" * 32)["CiphertextBlob"]
    path_filter = [{"Key": "Path", "Option": "OneLevel", "Values": ["/bench/tree"]}]
    calls: dict[str, Callable[[], Any]] = {
        "GetParameter String": lambda: ssm.get_parameter(Name=parameter_name(7)),
        "GetParameter SecureString+decrypt": lambda: ssm.get_parameter(Name="/bench/secure", WithDecryption=True),
        "PutParameter overwrite": lambda: ssm.put_parameter(Name="/bench/plain", Value="w", Type="String", Overwrite=True),
        "GetParametersByPath (10 of them)": lambda: ssm.get_parameters_by_path(Path="/bench/tree"),
        "DescribeParameters first page": lambda: ssm.describe_parameters(MaxResults=50),
        "DescribeParameters by Path": lambda: ssm.describe_parameters(ParameterFilters=path_filter),
        "Encrypt": lambda: kms.encrypt(KeyId=key_id, Plaintext=b"p" * 32),
        "Decrypt": lambda: kms.decrypt(CiphertextBlob=blob),
        "DescribeKey": lambda: kms.describe_key(KeyId=key_id),
        "ListKeys first page (10)": lambda: kms.list_keys(Limit=10),
    }
    results = {}
    for name, call in calls.items():
        results[name] = per_call(call)
        aws.trail.clear()  # keep the trail from growing between measurements
    return results


def trail_bytes_per_record(aws: Any, records: int = 2_000) -> float:
    ssm = aws.client("ssm")
    aws.trail.clear()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(records):
            ssm.get_parameter(Name="/bench/plain")
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    aws.trail.clear()
    return (after - before) / records


def _best_ms(call: Callable[[], Any], rounds: int = ROUNDS) -> float:
    best = float("inf")
    for _ in range(rounds):
        began = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - began)
    return best * 1000


def lookup_and_lifecycle(records: int) -> None:
    """LookupEvents over a large trail (records appended directly, as calls would), and the
    cost of a mock's start and stop before and after thousands of mocks in one process."""
    from pytest_ssmkms.aws.trail.record import CallRecord

    with mock_ssm_kms() as aws:
        ctx = aws.world.context(aws.world.default_caller, aws.region)
        for number in range(records):
            aws.trail.append(CallRecord("ssm", "GetParameter", {"Name": f"/bulk/{number % 1000}"}, {}, None, ctx))
        cloudtrail = aws.client("cloudtrail")
        nothing = {"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "DeleteParameter"}]}
        began = time.perf_counter()
        cloudtrail.lookup_events(**nothing)
        first = (time.perf_counter() - began) * 1000
        print(f"LookupEvents over {records:,} records, EventName matching nothing: first call "
              f"(indexes the attribute once) {first:,.0f} ms, then {_best_ms(lambda: cloudtrail.lookup_events(**nothing)):.2f} ms")
        page = {"LookupAttributes": [{"AttributeKey": "ResourceName", "AttributeValue": "/bulk/7"}]}
        cloudtrail.lookup_events(**page)
        print(f"LookupEvents, ResourceName matching every 1,000th record, first page of 50: "
              f"{_best_ms(lambda: cloudtrail.lookup_events(**page)):.2f} ms")
        print(f"LookupEvents, no attribute, first page of 50: {_best_ms(lambda: cloudtrail.lookup_events()):.2f} ms")

    def start_stop(count: int) -> float:
        began = time.perf_counter()
        for _ in range(count):
            with mock_ssm_kms():
                pass
        return (time.perf_counter() - began) / count * 1e6

    early = start_stop(200)
    start_stop(5000)
    late = start_stop(200)
    print(f"mock start+stop: {early:,.0f} us at first, {late:,.0f} us after 5,000 more ({late / early:.2f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="10,000 parameters and 1,000 keys")
    parser.add_argument(
        "--lookup",
        action="store_true",
        help="only LookupEvents over 1,000,000 records (100,000 with --quick) and mock start/stop",
    )
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="move the filled store out of the garbage collector's reach (gc.freeze()) before "
        "measuring, to tell the collector's share of any growth from the plugin's",
    )
    args = parser.parse_args()
    if args.lookup:
        lookup_and_lifecycle(100_000 if args.quick else 1_000_000)
        return
    parameters = 10_000 if args.quick else 100_000
    keys = 1_000 if args.quick else 10_000
    steps = [(parameters // 100, keys // 100), (parameters // 10, keys // 10), (parameters, keys)]

    table: list[tuple[int, int, dict[str, float]]] = []
    memory: list[str] = []
    with mock_ssm_kms() as aws:
        world = aws.world
        # Warm up first, so one-time costs (lazy imports, model caches) do not count as storage.
        warm = world.backend()
        for i in range(20):
            warm.invoke("ssm", "PutParameter", {"Name": f"/warm/{i}", "Value": "v", "Type": "String"}, world.system_context())
        key_ids: list[str] = fill_keys(world, 0, 5)
        have_parameters, have_keys = 0, 5
        for target_parameters, target_keys in steps:
            gc.collect()
            tracemalloc.start()
            began = time.perf_counter()
            try:
                before = tracemalloc.get_traced_memory()[0]
                fill_parameters(world, have_parameters, target_parameters)
                middle = tracemalloc.get_traced_memory()[0]
                key_ids += fill_keys(world, have_keys, target_keys)
                after = tracemalloc.get_traced_memory()[0]
            finally:
                tracemalloc.stop()
            fill_seconds = time.perf_counter() - began
            added_parameters = target_parameters - have_parameters
            added_keys = target_keys - have_keys
            memory.append(
                f"{target_parameters:>8,} parameters {target_keys:>7,} keys: "
                f"{(middle - before) / added_parameters:>6,.0f} B/parameter, "
                f"{(after - middle) / added_keys:>7,.0f} B/key "
                f"(filled in {fill_seconds:.1f} s under tracemalloc)"
            )
            have_parameters, have_keys = target_parameters, target_keys
            print(memory[-1], flush=True)
            if args.gc_freeze:
                gc.collect()
                gc.freeze()
            table.append((target_parameters, target_keys, measure_calls(aws, key_ids[len(key_ids) // 2])))

        per_record = trail_bytes_per_record(aws)

    print("\nPer-call cost through boto3, microseconds (best of rounds), by parameters/keys held:")
    header = f"{'call':36}" + "".join(f"{f'{p:,}/{k:,}':>18}" for p, k, _ in table) + f"{'growth':>9}"
    print(header)
    for name in table[0][2]:
        figures = [row[2][name] for row in table]
        growth = figures[-1] / figures[0]
        print(f"{name:36}" + "".join(f"{f:>18,.0f}" for f in figures) + f"{growth:>8.2f}x")
    print(f"\nTrail: {per_record:,.0f} bytes per recorded call (kept until trail.clear() or the mock ends)")
    growths = [table[-1][2][name] / table[0][2][name] for name in table[0][2]]
    print(f"Per-call cost growth from the smallest to the largest store: median {statistics.median(growths):.2f}x, "
          f"worst {max(growths):.2f}x (1.00x = no growth; machine noise moves these by +-30%)")


if __name__ == "__main__":
    main()
