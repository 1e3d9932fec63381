#!/usr/bin/env python
"""Copy a finished training run into the package as shipped weights: `python tools/ship_weights.py RUN_DIR DEST`.

Only what `load_run`, `e2e-evaluate --run` and `e2e-export --run` need travels (config.json, model.safetensors) plus the
training log (and the earlier stages', for a run started from another) and loss curve; checkpoints (optimiser state)
stay behind; the reference reports of `make reference` (DEST/reference_*) are kept. The copy is written next to DEST
and renamed.

`--portable REPORT_DIR WORK` (run by `make weights-report` on each report) rewrites the report's metrics.json with the
evaluation files relative to the folder `make weights` worked in (its WORK, default ~/.e2e_nb/ship). config.json keeps
the training files' absolute paths: on the machine that trained the run, evaluation fits its calibrations on the run's
training split through them (elsewhere the files are missing and it says it uses half of the evaluation file);
`shipped_from.data` lists their names."""
import json, os, shutil, sys, tempfile
from pathlib import Path

WORK_NOTE = 'paths are relative to the WORK folder of make weights (default ~/.e2e_nb/ship)'

def portable(obj, work):
    "`obj` (parsed JSON) with every string that is a path inside `work` made relative to it"
    work = Path(os.path.abspath(work))   # not resolved: a file of WORK may be a link to elsewhere
    if isinstance(obj, dict): return {k: portable(v, work) for k,v in obj.items()}
    if isinstance(obj, list): return [portable(v, work) for v in obj]
    if isinstance(obj, str) and os.path.isabs(obj) and Path(os.path.normpath(obj)).is_relative_to(work):
        return str(Path(os.path.normpath(obj)).relative_to(work))
    return obj

def portable_report(report, work):
    "Rewrite `report/metrics.json` with `portable` paths (atomically)"
    from e2e_nb.core import atomic_path
    f = Path(report)/'metrics.json'
    m = portable(json.loads(f.read_text()), work); m['paths'] = WORK_NOTE
    with atomic_path(f) as tmp: tmp.write_text(json.dumps(m, indent=1))
    print(f)

def main(run, dest):
    run, dest = Path(run), Path(dest)
    for f in ('config.json', 'model.safetensors'):
        if not (run/f).exists(): sys.exit(f'ship_weights: {run/f} missing; expected a finished e2e-train run directory')
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f'.{dest.name}.', dir=dest.parent))
    try:
        for f in ('config.json', 'model.safetensors', 'log.csv', 'loss.png'):
            if (run/f).exists(): shutil.copyfile(run/f, tmp/f)
        cfg = json.loads((tmp/'config.json').read_text())
        cfg['shipped_from'] = dict(run=run.name, data=[Path(p).name for p in cfg.get('data', [])])
        if cfg.get('init_from'):   # a later training stage: the earlier stages' logs travel too, as log_<run>.csv
            init = Path(cfg['init_from']); cfg['shipped_from']['init_from'] = init.name
            while init is not None:
                if (init/'log.csv').exists(): shutil.copyfile(init/'log.csv', tmp/f'log_{init.name}.csv')
                prev = json.loads((init/'config.json').read_text()).get('init_from') if (init/'config.json').exists() \
                       else None
                init = Path(prev) if prev else None
        for ref in sorted(dest.glob('reference_*')) if dest.exists() else []:   # `make reference`'s, kept
            shutil.copytree(ref, tmp/ref.name)
        if 'image_seed' not in cfg:   # runs trained before e2e-train recorded it: read it from the training files
            from e2e_nb.training import _image_setting
            cfg['image_seed'] = _image_setting(cfg.get('data', []))
        if 'track_image' not in cfg:   # likewise the track channels' convention (files before it: 'ecal_face')
            from e2e_nb.training import _image_setting
            cfg['track_image'] = _image_setting(cfg.get('data', []), 'track_image', 'ecal_face')
        (tmp/'config.json').write_text(json.dumps(cfg, indent=1))
        if dest.exists(): shutil.rmtree(dest)
        tmp.rename(dest)
    finally:
        if tmp.exists(): shutil.rmtree(tmp)
    print(dest)

if __name__ == '__main__':
    if sys.argv[1:2] == ['--portable']: portable_report(*sys.argv[2:4])
    else: main(*sys.argv[1:3])
