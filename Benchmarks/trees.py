"""Generated trees for the benchmarks, kept in /tmp and reused between runs.

A tree is complete when its `.complete` marker exists; a half-made tree is removed and made again.
"""
import os
import shutil


def watch_tree(directories, files):
    """`directories` directories ten wide (d0 .. d9 at the top, each directory's children numbered
    below it) holding `files` small Markdown files round-robin, plus an empty `latency/` folder.
    The same layout as scripts/bench-watch, at the same path, so both reuse one tree."""
    root = f"/tmp/aisearch-bench-tree-{directories}-{files}"
    if os.path.exists(os.path.join(root, ".complete")):
        return root
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    paths = []
    for i in range(directories):
        parent = paths[(i - 10) // 10] if i >= 10 else root
        path = os.path.join(parent, f"d{i}")
        os.mkdir(path)
        paths.append(path)
    for j in range(files):
        with open(os.path.join(paths[j % directories], f"f{j}.md"), "w") as f:
            f.write(f"file {j}\n")
    os.mkdir(os.path.join(root, "latency"))
    open(os.path.join(root, ".complete"), "w").close()
    return root


def hash_tree(big_files, small_files):
    """`big_files` random 1 MiB `.txt` files and `small_files` random `.md` files of 1 B .. 8 KiB:
    the shape of scripts/bench-hash's tree (full size 1000 + 2000, about 1 GB), with extensions
    the agent accepts (it skips files without one)."""
    root = f"/tmp/aisearch-bench-hash-{big_files}-{small_files}"
    if os.path.exists(os.path.join(root, ".complete")):
        return root
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(root, "big"))
    os.makedirs(os.path.join(root, "small"))
    for i in range(big_files):
        with open(os.path.join(root, "big", f"f{i:04d}.txt"), "wb") as f:
            f.write(os.urandom(1 << 20))
    for i in range(1, small_files + 1):
        with open(os.path.join(root, "small", f"s{i}.md"), "wb") as f:
            f.write(os.urandom((i * 104729) % 8192 + 1))
    open(os.path.join(root, ".complete"), "w").close()
    return root
