"""Seeds an emulator data directory (`aisearch-sync emulator --data DIR --checksum sha256`) with one
completed item per file of a tree, so a 100,000-item instance exists without 100,000 uploads.

Why: the emulator's upload path copies the instance's item table on every upload (copy-on-write
of `instances[key]`), so uploading 100,000 items one by one is quadratic and takes hours. The seed
is written in the emulator's own persisted format (Sources/Emulator/StatePersistence.swift): a
real `state.json` written by the emulator for a two-file instance is the template, and each item
record is copied from it with its id, key, checksum (SHA-256 of the file, as `--checksum sha256`
computes it), size and log keys replaced. Contents go to `contents/<item id>` as the emulator
stores them.
"""
import copy
import hashlib
import json
import os
import shutil
import uuid


def seed(template_dir, tree, out_dir, instance="big"):
    with open(os.path.join(template_dir, "state.json")) as f:
        template = json.load(f)
    item_template = next(i for i in template["items"] if i["instance"]["id"] == instance)
    items = []
    tmp = out_dir + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.join(tmp, "contents"))
    for directory, dirnames, filenames in os.walk(tree):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.endswith(".md"):
                continue
            path = os.path.join(directory, name)
            with open(path, "rb") as f:
                content = f.read()
            key = os.path.relpath(path, tree)
            item = copy.deepcopy(item_template)
            item["id"] = str(uuid.uuid4())
            item["key"] = key
            item["checksum"] = hashlib.sha256(content).hexdigest()
            item["fileSize"] = len(content)
            for log in item.get("logs", []):
                log["fileKey"] = key
                if log.get("action") == "queue":
                    log["message"] = f"Uploaded {len(content)} bytes; queued for indexing"
            with open(os.path.join(tmp, "contents", item["id"]), "wb") as f:
                f.write(content)
            items.append(item)
    state = copy.deepcopy(template)
    state["items"] = [i for i in template["items"] if i["instance"]["id"] != instance] + items
    state["jobs"] = []
    with open(os.path.join(tmp, "state.json"), "w") as f:
        json.dump(state, f, sort_keys=True)
    open(os.path.join(tmp, ".complete"), "w").close()
    shutil.rmtree(out_dir, ignore_errors=True)
    os.rename(tmp, out_dir)
    return len(items)
