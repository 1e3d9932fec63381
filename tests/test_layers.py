"""Layers in notebook order: a module of e2e_nb may import only modules of earlier notebooks (`nbs/*.ipynb` sorted by file
name, each notebook's module from its `#| default_exp`). Every import counts, also one inside a function. The notebooks'
own examples follow the same order, except for the known cases listed below. (~1 s)"""
import ast, json
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PKG = 'e2e_nb'


def notebook_modules(nbs:Path)->dict:
    "module name -> (position, notebook file name) of every notebook with a `#| default_exp`"
    out = {}
    for k, nb in enumerate(sorted(nbs.glob('*.ipynb'))):
        for c in json.loads(nb.read_text())['cells']:
            for line in ''.join(c['source']).splitlines():
                if line.strip().startswith('#| default_exp'): out[line.split()[-1]] = (k, nb.name)
    return out


def imported_modules(src:str, module:str)->set:
    "Top-level e2e_nb modules that the source `src` of `e2e_nb.<module>` imports, anywhere in it"
    out = set()
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.Import):
            out |= {a.name.split('.')[1] for a in node.names if a.name.startswith(PKG + '.')}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ''
            if node.level == 0 and base != PKG and not base.startswith(PKG + '.'): continue
            if node.level > 1: continue   # from a subpackage upwards: not a top-level module of ours
            base = base[len(PKG) + 1:] if node.level == 0 else base   # 'x.y' of `from e2e_nb.x.y` or `from .x.y`
            if base: out.add(base.split('.')[0])
            else: out |= {a.name for a in node.names}   # `from e2e_nb import x` / `from . import x`
    return out - {module}


def layer_violations(pkg:Path, nbs:Path)->list:
    "'a (nb) imports b (later nb)' for every import of a module from a later notebook"
    mods, bad = notebook_modules(nbs), []
    for m, (k, nb) in sorted(mods.items(), key=lambda kv: kv[1]):
        for o in sorted(imported_modules((pkg/f'{m}.py').read_text(), m)):
            if o in mods and mods[o][0] > k: bad.append(f'{m} ({nb}) imports {o} ({mods[o][1]})')
    return bad


def test_every_module_has_its_notebook():
    mods = notebook_modules(REPO/'nbs')
    files = {p.stem for p in (REPO/PKG).glob('*.py')} - {'__init__', '_modidx'}
    assert files == set(mods), f'modules without a notebook: {sorted(files - set(mods))}; notebooks without a module: {sorted(set(mods) - files)}'


def test_modules_import_only_earlier_notebooks():
    bad = layer_violations(REPO/PKG, REPO/'nbs')
    assert not bad, 'a module imports one from a later notebook:\n  ' + '\n  '.join(bad)


# lessons that still import a later notebook's module in an example (not in the library): to be fixed, never added to
KNOWN_LESSON_IMPORTS = {'06_exploration.ipynb': {'data'},   # the exploration lesson reads files with the reader of 07
                        '12_evaluation.ipynb': {'pipeline'}}   # an example finds the shipped weights with pipeline.shipped_runs

def lesson_violations(nbs:Path)->dict:
    "notebook -> later notebooks' modules its code cells import (shell and magic lines skipped)"
    mods, out = notebook_modules(nbs), {}
    for k, nb in enumerate(sorted(nbs.glob('*.ipynb'))):
        cells = [''.join(c['source']) for c in json.loads(nb.read_text())['cells'] if c['cell_type'] == 'code']
        src = '\n'.join(l for c in cells for l in c.splitlines() if not l.lstrip().startswith(('%', '!')))
        later = {o for o in imported_modules(src, '') if o in mods and mods[o][0] > k}
        if later: out[nb.name] = later
    return out


def test_lessons_import_only_earlier_notebooks():
    "The notebooks' examples too, up to the known cases above (the list must shrink: a fixed case fails here until removed)"
    assert lesson_violations(REPO/'nbs') == KNOWN_LESSON_IMPORTS


def test_checker_sees_every_import_form(tmp_path):
    "The checker itself: each way of writing an upward import is caught, earlier and non-package imports are not"
    (tmp_path/'nbs').mkdir(); (tmp_path/PKG).mkdir()
    for nb, m in (('01_low.ipynb', 'low'), ('02_high.ipynb', 'high')):
        (tmp_path/'nbs'/nb).write_text(json.dumps({'cells': [{'source': [f'#| default_exp {m}\n']}]}))
    (tmp_path/PKG/'high.py').write_text('from .low import x\nimport numpy\n')
    for src in ('from .high import y', 'from e2e_nb.high import y', 'from . import high', 'from e2e_nb import high',
                'import e2e_nb.high', 'def f():\n    from e2e_nb.high import y'):
        (tmp_path/PKG/'low.py').write_text('import os\n' + src + '\n')
        assert layer_violations(tmp_path/PKG, tmp_path/'nbs') == ['low (01_low.ipynb) imports high (02_high.ipynb)'], src
    (tmp_path/PKG/'low.py').write_text('from . import __version__\nfrom .core import E2EDataError\n')
    assert layer_violations(tmp_path/PKG, tmp_path/'nbs') == []
