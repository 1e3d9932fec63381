#!/usr/bin/env python
"""Fail if `nbdev_clean` or `nbdev_export` would change anything, or if README.md is stale.

Snapshots the notebooks, the generated library and the README, runs the tools, and compares. The
tools' changes are left in place (a developer wants them), and the failure lists the files."""
import hashlib, subprocess, sys
from pathlib import Path

root = Path(__file__).resolve().parents[1]
bin_ = Path(sys.executable).parent
globs = ['nbs/**/*.ipynb', 'e2e_nb/**/*.py', 'README.md', 'pyproject.toml']

def snapshot():
    return {p: hashlib.sha256(p.read_bytes()).hexdigest()
            for g in globs for p in root.glob(g) if '.ipynb_checkpoints' not in p.parts}

def changed(before, after): return sorted(str(p.relative_to(root)) for p in set(before)|set(after) if before.get(p)!=after.get(p))

ok = True
for tool, msg in [('nbdev_clean', 'notebooks are not clean (run nbdev_clean and commit)'),
                  ('nbdev_export', 'library is not in sync with the notebooks (run nbdev_export and commit)')]:
    before = snapshot()
    subprocess.run([str(bin_/tool)], cwd=root, check=True)
    diff = changed(before, snapshot())
    if diff: ok = False; print(f'FAIL: {msg}:\n  ' + '\n  '.join(diff))
    else: print(f'ok: {tool} changes nothing')
r = subprocess.run([sys.executable, 'docs/build.py', 'readme', '--check'], cwd=root)
if r.returncode: ok = False
sys.exit(0 if ok else 1)
