#!/usr/bin/env python
"""Developer tool: (re)build notebooks and their stored outputs.

    python tools/refresh_nb.py nbs/03_jets.ipynb [--src draft.py] [--no-exec] [--timeout 1200]

--src converts a jupytext "percent" draft into the notebook first (drafts are scratch files, never
committed: the notebook is the source of truth). The notebook is then executed top to bottom in its
own folder with nbclient, which stores outputs *and* ipywidgets state (the docs site renders both),
cleaned with nbdev_clean and exported with nbdev_export.
"""
import argparse, os, subprocess, sys
from pathlib import Path
import nbformat

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('nbs', nargs='+')
    ap.add_argument('--src', help='jupytext percent-format draft to convert (one notebook only)')
    ap.add_argument('--no-exec', action='store_true')
    ap.add_argument('--timeout', type=int, default=1800, help='per-cell timeout in seconds')
    a = ap.parse_args()
    root = Path(__file__).resolve().parents[1]
    bin_ = Path(sys.executable).parent
    for nbp in map(Path, a.nbs):
        if a.src:
            import jupytext
            nb = jupytext.read(a.src, fmt='py:percent')
            nb.metadata = {'kernelspec': {'display_name': 'python3', 'language': 'python', 'name': 'python3'}}
            for c in nb.cells: c.metadata = {}
            nbformat.write(nb, nbp)
        if not a.no_exec:
            from nbclient import NotebookClient
            nb = nbformat.read(nbp, as_version=4)
            env_scale = os.environ.get('E2E_NB_SCALE', 'small')
            print(f'executing {nbp} (E2E_NB_SCALE={env_scale})', flush=True)
            NotebookClient(nb, timeout=a.timeout, kernel_name='python3', store_widget_state=True,
                           resources={'metadata': {'path': str(nbp.parent.resolve())}}).execute()
            nbformat.write(nb, nbp)
        subprocess.run([str(bin_/'nbdev_clean'), '--fname', str(nbp)], cwd=root, check=True)
    subprocess.run([str(bin_/'nbdev_export')], cwd=root, check=True)

if __name__ == '__main__': main()
