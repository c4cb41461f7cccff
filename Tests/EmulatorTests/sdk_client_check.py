#!/usr/bin/env python3
"""Drives the aisearch-sync emulator with Cloudflare's official Python SDK (cloudflare==5.9.0).

Every call's answer must parse into the SDK's own models; the script reads typed attributes of
each, so a missing or mistyped field fails here. Exits 0 when every check passed, 1 with a
message naming the failed step otherwise.

    sdk_client_check.py --base-url http://127.0.0.1:PORT/client/v4 --account-id A --token T
"""
import argparse
import json
import sys
import traceback
import uuid
import warnings

# The non-namespaced resources are marked deprecated in the SDK; we check them on purpose.
warnings.filterwarnings("ignore", category=DeprecationWarning)

try:
    import cloudflare
    from cloudflare import Cloudflare
except ImportError as error:  # pragma: no cover - environment problem, not an emulator one
    print(f"sdk_client_check: the cloudflare SDK is not importable: {error}", file=sys.stderr)
    sys.exit(2)


class CheckFailed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def strict(answer):
    """Re-validates an SDK answer with pydantic in strict-enough mode: the SDK itself builds its
    models leniently (a mistyped field would slip through), so every field must also validate.
    Lists are checked element by element. Returns the answer."""
    for model in answer if isinstance(answer, list) else [answer]:
        type(model).model_validate(model.to_dict(mode="json", use_api_names=True, exclude_unset=True))
    return answer


def run(client, account):
    step = "setup"
    suffix = uuid.uuid4().hex[:8]
    ns_name = f"sdk-ns-{suffix}"
    namespaces = client.aisearch.namespaces
    ns_instances = namespaces.instances
    items = ns_instances.items
    ns_jobs = ns_instances.jobs

    def at(name):
        nonlocal step
        step = name
        print(f"  {name}", flush=True)

    try:
        # Namespaces
        at("namespaces.create")
        created = strict(namespaces.create(account_id=account, name=ns_name, description="made by the SDK check"))
        expect(created.name == ns_name, f"created namespace is {created.name!r}")
        expect(created.created_at is not None, "namespace has no created_at")
        at("namespaces.list")
        names = [ns.name for ns in strict(list(namespaces.list(account_id=account)))]
        expect("default" in names and ns_name in names, f"namespace list is {names}")
        at("namespaces.read")
        expect(strict(namespaces.read(ns_name, account_id=account)).description == "made by the SDK check", "read description")
        at("namespaces.update")
        expect(strict(namespaces.update(ns_name, account_id=account, description="changed")).description == "changed",
               "update did not change the description")

        # Instances, namespaced
        at("namespaces.instances.create")
        inst = ns_instances.create(ns_name, account_id=account, id="docs",
                                   custom_metadata=[{"field_name": "sha", "data_type": "text"}])
        strict(inst)
        expect(inst.id == "docs" and inst.created_at is not None, f"instance answer {inst!r}")
        at("namespaces.instances.list")
        listed = [i.id for i in strict(list(ns_instances.list(ns_name, account_id=account)))]
        expect(listed == ["docs"], f"instance list is {listed}")
        at("namespaces.instances.read")
        read = strict(ns_instances.read("docs", account_id=account, name=ns_name))
        expect(read.custom_metadata and read.custom_metadata[0].field_name == "sha", "custom_metadata lost")
        at("namespaces.instances.update")
        updated = strict(ns_instances.update("docs", account_id=account, name=ns_name, chunk_size=64))
        expect(updated.chunk_size == 64, f"chunk_size is {updated.chunk_size}")
        at("namespaces.instances.stats")
        stats = strict(ns_instances.stats("docs", account_id=account, name=ns_name))
        expect(stats.completed == 0, f"fresh stats {stats!r}")

        # Items
        at("items.upload")
        content = b"# Notes\n\nThe emulator answers like the real service.\n"
        up = items.upload("docs", account_id=account, name=ns_name,
                          file={"file": ("notes/a.md", content, "text/markdown"),
                                "metadata": json.dumps({"sha": "abc", "undeclared": "x"}),
                                "wait_for_completion": True})
        strict(up)
        expect(up.key == "notes/a.md", f"uploaded key {up.key!r}")
        expect(up.status in ("completed", "running"), f"status after waiting is {up.status}")
        expect(up.source_id == "builtin", f"source_id {up.source_id!r}")
        expect(up.file_size == len(content), f"file_size {up.file_size}")
        expect(up.metadata is not None and up.metadata.get("sha") == "abc", f"metadata {up.metadata}")
        expect("undeclared" not in (up.metadata or {}), "undeclared metadata field kept")
        expect(up.created_at.year >= 2000 and up.last_seen_at is not None, "timestamps did not parse")
        at("items.upload (replace)")
        again = items.upload("docs", account_id=account, name=ns_name,
                             file={"file": ("notes/a.md", content + b"more\n", "text/markdown")})
        strict(again)
        expect(again.id == up.id, "re-upload of a key changed its id")
        at("items.list")
        page = items.list("docs", account_id=account, name=ns_name, key="notes/a.md", per_page=50)
        listed_items = strict(list(page))
        expect([i.id for i in listed_items] == [up.id], f"listing by key gave {[i.id for i in listed_items]}")
        expect(page.result_info is None or page.result_info.total_count in (None, 1), "result_info.total_count")
        at("items.get")
        got = strict(items.get(up.id, account_id=account, name=ns_name, id="docs"))
        expect(got.checksum and got.namespace == ns_name, f"item {got!r}")
        at("items.sync")
        synced = items.sync(up.id, account_id=account, name=ns_name, id="docs", next_action="INDEX",
                            wait_for_completion=True)
        strict(synced)
        expect(synced.status in ("completed", "running"), f"sync status {synced.status}")
        at("items.create_or_update")
        put = strict(items.create_or_update("docs", account_id=account, name=ns_name, key="notes/a.md", next_action="INDEX"))
        expect(put.id == up.id, "create_or_update answered another item")
        at("items.logs")
        logs = strict(items.logs(up.id, account_id=account, name=ns_name, id="docs", limit=10))
        expect(len(logs) >= 1 and logs[0].file_key == "notes/a.md" and logs[0].timestamp is not None,
               f"logs {logs!r}")
        at("items.chunks")
        synced = items.sync(up.id, account_id=account, name=ns_name, id="docs", next_action="INDEX",
                            wait_for_completion=True)
        strict(synced)
        chunks = strict(items.chunks(up.id, account_id=account, name=ns_name, id="docs", limit=10, offset=0))
        if synced.status == "completed":
            expect(len(chunks) >= 1 and chunks[0].item.key == "notes/a.md" and chunks[0].text, f"chunks {chunks!r}")
        at("instances.search")
        found = strict(ns_instances.search("docs", account_id=account, name=ns_name, query="emulator answers",
                                           aisearch_options={"retrieval": {"max_num_results": 5,
                                                                           "keyword_match_mode": "or"}}))
        expect(found.query_kind == "text", f"query_kind {found.query_kind!r}")
        if synced.status == "completed":
            expect(len(found.chunks) >= 1 and found.chunks[0].item.key == "notes/a.md"
                   and found.chunks[0].scoring_details.keyword_rank == 1 and found.chunks[0].score == 1,
                   f"search chunks {found.chunks!r}")
        at("namespaces.search")
        wide = strict(namespaces.search(ns_name, account_id=account, query="emulator",
                                        aisearch_options={"instance_ids": ["docs"]}))
        expect(isinstance(wide.chunks, list), f"namespace search {wide!r}")
        try:
            client.with_options(max_retries=0).aisearch.namespaces.search(ns_name, account_id=account, query="x",
                                                                          aisearch_options={})
            raise CheckFailed("namespace search without instance_ids did not fail")
        except cloudflare.BadRequestError:
            pass
        at("items.download")
        downloaded = items.download(up.id, account_id=account, name=ns_name, id="docs").read()
        expect(downloaded == content + b"more\n", "downloaded bytes differ from the upload")
        at("items.delete")
        deleted = strict(items.delete(up.id, account_id=account, name=ns_name, id="docs"))
        expect(deleted.key == "notes/a.md", f"delete answered {deleted.key!r}")

        # Jobs on an instance with an external source
        at("jobs.create")
        strict(ns_instances.create(ns_name, account_id=account, id="bucket", type="r2", source="my-bucket"))
        job = strict(ns_jobs.create("bucket", account_id=account, name=ns_name, description="sdk check"))
        expect(job.id and job.source in ("user", "schedule"), f"job {job!r}")
        at("jobs.list")
        jobs = strict(list(ns_jobs.list("bucket", account_id=account, name=ns_name)))
        expect(job.id in [j.id for j in jobs], "created job not listed")
        at("jobs.get")
        expect(strict(ns_jobs.get(job.id, account_id=account, name=ns_name, id="bucket")).description == "sdk check", "job get")
        at("jobs.update (cancel)")
        current = strict(ns_jobs.get(job.id, account_id=account, name=ns_name, id="bucket"))
        if current.ended_at is None:
            cancelled = strict(ns_jobs.update(job.id, account_id=account, name=ns_name, id="bucket", action="cancel"))
            expect(cancelled.end_reason == "cancelled" and cancelled.ended_at, f"cancel answered {cancelled!r}")
        at("jobs.logs")
        job_logs = strict(ns_jobs.logs(job.id, account_id=account, name=ns_name, id="bucket"))
        expect(len(job_logs) >= 1 and isinstance(job_logs[0].created_at, float), f"job logs {job_logs!r}")

        # The legacy (non-namespaced) paths
        at("instances.create (legacy)")
        legacy_id = f"legacy-{suffix}"
        legacy = strict(client.aisearch.instances.create(account_id=account, id=legacy_id))
        expect(legacy.id == legacy_id, "legacy create")
        at("instances.list/read/stats (legacy)")
        expect(legacy_id in [i.id for i in strict(list(client.aisearch.instances.list(account_id=account)))], "legacy list")
        expect(strict(client.aisearch.instances.read(legacy_id, account_id=account)).id == legacy_id, "legacy read")
        strict(client.aisearch.instances.stats(legacy_id, account_id=account))
        at("instances.jobs (legacy)")
        legacy_job = strict(client.aisearch.instances.jobs.create(legacy_id, account_id=account))
        expect(strict(client.aisearch.instances.jobs.get(legacy_job.id, account_id=account, id=legacy_id)).id == legacy_job.id,
               "legacy job get")
        strict(list(client.aisearch.instances.jobs.list(legacy_id, account_id=account)))
        strict(client.aisearch.instances.jobs.logs(legacy_job.id, account_id=account, id=legacy_id))
        at("instances.delete (legacy)")
        strict(client.aisearch.instances.delete(legacy_id, account_id=account))

        # Errors map to the SDK's exception classes
        at("errors: NotFound")
        try:
            strict(ns_instances.read("missing", account_id=account, name=ns_name))
            raise CheckFailed("reading a missing instance did not fail")
        except cloudflare.NotFoundError:
            pass
        at("errors: Conflict")
        try:
            client.with_options(max_retries=0).aisearch.namespaces.instances.create(ns_name, account_id=account, id="docs")
            raise CheckFailed("creating a duplicate instance did not fail")
        except cloudflare.ConflictError:
            pass

        # Clean up
        at("namespaces.instances.delete")
        ns_instances.delete("docs", account_id=account, name=ns_name)
        ns_instances.delete("bucket", account_id=account, name=ns_name)
        at("namespaces.delete")
        namespaces.delete(ns_name, account_id=account)
    except CheckFailed as failure:
        raise CheckFailed(f"step {step}: {failure}") from None
    except Exception as error:  # any SDK parse or HTTP error is a failure of the emulator
        traceback.print_exc()
        raise CheckFailed(f"step {step}: {type(error).__name__}: {error}") from None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8787/client/v4")
    parser.add_argument("--account-id", required=True)
    parser.add_argument("--token", required=True)
    args = parser.parse_args()
    client = Cloudflare(api_token=args.token, base_url=args.base_url, max_retries=2)
    print(f"sdk_client_check: cloudflare {cloudflare.__version__} against {args.base_url}", flush=True)
    try:
        run(client, args.account_id)
    except CheckFailed as failure:
        print(f"sdk_client_check: FAILED at {failure}", file=sys.stderr)
        sys.exit(1)
    print("sdk_client_check: all checks passed", flush=True)


if __name__ == "__main__":
    main()
