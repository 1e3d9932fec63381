#!/usr/bin/env python
"""Build e2e_nb's documentation site and README without Quarto and without network.

    python docs/build.py setup                      # fetch (once, cached) and verify the vendored JavaScript
    python docs/build.py site [--nbs nbs] [--out _docs]  # notebooks (stored outputs) -> _proc/ -> Sphinx + myst-nb -> _docs/
    python docs/build.py readme [--check]           # README.md from nbs/index.ipynb

The site is built from the notebooks' *stored* outputs. nbdev's doc processing (`nbdev_proc_nbs`'s processors, run
in-process into `_proc/`) runs only what `show_doc` needs: import cells, exported definitions and `show_doc` calls
(of a cell that mixes imports with other code only the imports are run, and it keeps its stored outputs). `show_doc`
renders as heading, signature, docstring and a parameter table (Type/Default/Details from the docments). `#| hide` and
`#| export` cells are dropped; Quarto cell options left by nbdev (`#| echo: false`, `#| output: false`,
`#| include: false`) become myst-nb cell tags. Pages are named as in nbdev's Quarto site (`00_core.ipynb` -> `core.html`)
and nbdev's links into that site become relative links. ipywidgets render from the widget state that
`tools/refresh_nb.py` stores in the notebook metadata; their JavaScript (require.js, @jupyter-widgets/html-manager) and
MathJax are vendored from the npm registry (pinned versions, integrity-checked, cached in `.cache/npm/`; `setup` is
part of `site`), so the built pages request nothing outside the site. `_quarto.yml` is left alone: `nbdev_docs`
still works wherever Quarto is installed.
"""
import argparse, base64, difflib, hashlib, inspect, json, os, re, shutil, subprocess, sys, tarfile, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT/'docs'
CACHE = ROOT/'.cache'
NPM_CACHE = CACHE/'npm'
VENDOR = CACHE/'docs_static'  # html_static_path entry (see conf.py): vendored JS, fonts
STAGE = CACHE/'docs_src'      # Sphinx source directory: the processed notebooks, renamed and cleaned
DOCTREES = CACHE/'docs_doctrees'

# Pinned npm packages: (version, npm integrity of the tarball, {member prefix in the tarball: target below VENDOR}).
# html-manager 1.0.x is the embed manager of ipywidgets 8 (controls 5.0.x, the version jupyterlab_widgets 3.0.x ships).
NPM = {
    '@jupyter-widgets/html-manager': ('1.0.15',
        'sha512-5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA==',
        {'package/dist/embed-amd.js': 'widgets/embed-amd.js', 'package/LICENSE': 'widgets/LICENSE.html-manager',
         'package/dist/embed.js.LICENSE.txt': 'widgets/embed.js.LICENSE.txt',
         # Font Awesome (widget icons): the bundles load the fonts relative to their AMD module URIs, which
         # docs/static/widgets-config.js maps below widgets/amd/
         **{f'package/dist/*.{e}': ['widgets/amd/@jupyter-widgets/', 'widgets/amd/@jupyter-widgets/html-manager/dist/']
            for e in ('woff2', 'woff', 'ttf')}}),
    'requirejs': ('2.3.8',
        'sha512-7/cTSLOdYkNBNJcDMWf+luFvMriVm7eYxp4BcFCsAX0wF421Vyce5SXP17c+Jd5otXKGNehIonFlyQXSowL6Mw==',
        {'package/require.js': 'widgets/require.js'}),
    'mathjax': ('3.2.2',
        'sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==',
        {'package/es5/tex-mml-chtml.js': 'mathjax/tex-mml-chtml.js', 'package/LICENSE': 'mathjax/LICENSE',
         # lazily loaded by MathJax relative to its own location: TeX extensions, CHTML fonts, a11y and menu parts
         'package/es5/input/': 'mathjax/input/', 'package/es5/output/chtml/': 'mathjax/output/chtml/',
         'package/es5/output/chtml.js': 'mathjax/output/chtml.js',
         'package/es5/a11y/': 'mathjax/a11y/', 'package/es5/ui/': 'mathjax/ui/'}),
}

def log(*a): print('[docs]', *a, flush=True)

def _tarball_name(name, version): return f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"

def _integrity_ok(path, integrity):
    algo, b64 = integrity.split('-', 1)
    return base64.b64encode(hashlib.new(algo, path.read_bytes()).digest()).decode() == b64

def fetch_npm(name, version, integrity):
    "Path of the npm tarball `name@version` in `.cache/npm/`, fetched with `npm pack` if missing; integrity checked"
    tgz = NPM_CACHE/_tarball_name(name, version)
    if tgz.exists() and _integrity_ok(tgz, integrity): return tgz
    npm = shutil.which('npm')
    if npm is None: sys.exit(f'docs setup: {tgz} is not cached and `npm` is not installed (apt-get install npm), '
                             f'needed once to fetch {name}@{version} from the npm registry')
    NPM_CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=NPM_CACHE) as d:
        log(f'npm pack {name}@{version}')
        subprocess.run([npm, 'pack', f'{name}@{version}', '--pack-destination', d, '--silent'], check=True,
                       stdout=subprocess.DEVNULL)
        got = Path(d)/tgz.name
        if not got.exists(): sys.exit(f'docs setup: npm pack {name}@{version} did not produce {got.name}')
        if not _integrity_ok(got, integrity):
            sys.exit(f'docs setup: integrity mismatch for {name}@{version} ({got.name}): expected {integrity}')
        os.replace(got, tgz)
    return tgz

def _extract(tgz, mapping, dest):
    """Copy the members of `tgz` selected by `mapping` (exact name, `dir/` prefix or `dir/*.ext` glob) to the target(s)
    (a path or a list of paths) below `dest`; returns the number of files written"""
    import fnmatch
    n = 0
    with tarfile.open(tgz) as tf:
        for m in tf.getmembers():
            if not m.isfile(): continue
            for src, tgts in mapping.items():
                if m.name == src: outs = [dest/t for t in ([tgts] if isinstance(tgts, str) else tgts)]
                elif src.endswith('/') and m.name.startswith(src):
                    outs = [dest/t/m.name[len(src):] for t in ([tgts] if isinstance(tgts, str) else tgts)]
                elif '*' in src and fnmatch.fnmatch(m.name, src) and '/' not in m.name[len(src.split('*')[0]):]:
                    outs = [dest/t/Path(m.name).name for t in ([tgts] if isinstance(tgts, str) else tgts)]
                else: continue
                data = tf.extractfile(m).read()
                for out in outs:
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_bytes(data); n += 1
                break
    return n

def setup():
    "Fetch (cached) and verify the pinned npm packages, then lay out the vendored static files in `.cache/docs_static/`"
    stamp = VENDOR/'.stamp'
    want = json.dumps(NPM, sort_keys=True)
    tgzs = {name: fetch_npm(name, ver, integ) for name, (ver, integ, _) in NPM.items()}
    if stamp.exists() and stamp.read_text() == want: return VENDOR
    tmp = Path(tempfile.mkdtemp(dir=CACHE, prefix='.docs_static-'))
    for name, (ver, integ, mapping) in NPM.items():
        n = _extract(tgzs[name], mapping, tmp)
        if n == 0: sys.exit(f'docs setup: nothing extracted from {tgzs[name]}')
        log(f'vendored {name}@{ver}: {n} files')
    (tmp/'.stamp').write_text(want)
    if VENDOR.exists(): shutil.rmtree(VENDOR)
    os.replace(tmp, VENDOR)
    return VENDOR

# ---------------------------------------------------------------- show_doc as a parameter table

def _fmt_anno(a):
    if a is inspect.Parameter.empty: return ''
    if isinstance(a, type): return a.__name__
    if isinstance(a, str): return a
    return str(a).replace('typing.', '').replace('NoneType', 'None')

def _fmt_default(d):
    if d is inspect.Parameter.empty: return ''
    return getattr(d, '__name__', None) or repr(d)

def _esc(s): return str(s).replace('|', '\\|').replace('\n', ' ')

def _table_md(sym):
    "Markdown table (Type/Default/Details) of `sym`'s arguments from its docments, '' if none are documented"
    from fastcore.docments import docments
    try: dm = docments(sym, full=True)
    except Exception: return ''
    dm.pop('self', None); ret = dm.pop('return', None)
    rows = [[f'`{k}`', _fmt_anno(v.get('anno', inspect.Parameter.empty)), _fmt_default(v.get('default', inspect.Parameter.empty)),
             v.get('docment') or ''] for k, v in dm.items()]
    if ret and ((ret.get('anno', inspect.Parameter.empty) is not inspect.Parameter.empty) or ret.get('docment')):
        rows.append(['**Returns**', _fmt_anno(ret.get('anno', inspect.Parameter.empty)), '', ret.get('docment') or ''])
    if not rows or not any(r[3] for r in rows): return ''
    cols = [i for i in (1, 2, 3) if any(r[i] for r in rows)]
    hdr = ['', 'Type', 'Default', 'Details']
    out = ['| ' + ' | '.join([' '] + [f'**{hdr[i]}**' for i in cols]) + ' |', '|' + '---|'*(len(cols)+1)]
    out += ['| ' + ' | '.join([r[0]] + [_esc(r[i]) for i in cols]) + ' |' for r in rows]
    return '\n'.join(out)

def _sig_line(self):
    sym = self.sym
    try: sig = inspect.signature(sym, eval_str=True)
    except (ValueError, TypeError): return ''
    ps = [p for n, p in sig.parameters.items() if n != 'self']
    from fastcore.docments import _show_param
    s = f"{self.nm.split('.')[-1] if inspect.isclass(sym) else self.nm}({', '.join(_show_param(p) for p in ps)})"
    if sig.return_annotation is not inspect.Signature.empty and not inspect.isclass(sym):
        s += f' -> {_fmt_anno(sig.return_annotation)}'
    return ('class ' if inspect.isclass(sym) else '') + s

def _renderer_markdown(self):
    "`show_doc` as nbdev 2's classic layout: heading, signature, docstring, parameter table (source link kept)"
    from nbdev.doclinks import NbdevLookup
    doc = ''
    src = NbdevLookup().code(self.fn)
    if src: doc += f'[source]({src}){{.e2e-source}}\n\n'
    doc += f"{'#'*self.title_level} {self.nm}\n\n"
    sig = _sig_line(self)
    if sig: doc += f'```python\n{sig}\n```\n\n'
    if self.docs: doc += f'*{self.docs}*\n\n' if '\n' not in self.docs.strip() else self.docs + '\n\n'
    tbl = _table_md(self.sym)
    if tbl: doc += tbl + '\n'
    return doc

def _nb2dict(d, k=None):
    "execnb's `nb2dict`, except that only *string* `source`s are split: ipywidgets' jslink state has a list `source`"
    if k == 'source' and isinstance(d, str): return d.splitlines(keepends=True)
    if isinstance(d, list): return list(map(_nb2dict, d))
    if not isinstance(d, dict): return d
    return dict(**{k: _nb2dict(v, k) for k, v in d.items() if k[-1] != '_'})

SHOWDOC_FAILED = []  # (symbol, error) where show_doc itself failed (e.g. fastcore's docments on an array default)

class _FallbackDoc:
    "What the site shows for a symbol `show_doc` cannot render: heading, signature, docstring"
    def __init__(self, sym, name, title_level): self.sym, self.nm, self.title_level = sym, name, title_level
    def _repr_markdown_(self):
        try: sig = f'{self.nm}{inspect.signature(self.sym)}'
        except (TypeError, ValueError): sig = self.nm
        doc = inspect.getdoc(self.sym) or ''
        return f"{'#'*self.title_level} {self.nm}\n\n```python\n{sig}\n```\n\n" + (f'*{doc}*\n' if doc else '')

def _safe_show_doc(orig):
    def show_doc(sym, renderer=None, name=None, title_level=3):
        try: return orig(sym, renderer=renderer, name=name, title_level=title_level)
        except Exception as e:
            nm = name or getattr(sym, '__qualname__', None) or str(sym)
            SHOWDOC_FAILED.append((nm, f'{type(e).__name__}: {e}'))
            return _FallbackDoc(sym, nm, title_level)
    show_doc.__wrapped__ = orig
    return show_doc

IMPORT_FAILED = []  # (notebook, cell index, import: error) for imports of mixed cells that failed on their own
MIXED_CELLS = []  # (notebook, cell index) of cells mixing imports with other code: only their imports were run

def _exec_show_docs_cls():
    """nbdev's `exec_show_docs`, except that a cell mixing imports with other code (nbdev warns about it, see its FAQ)
    has only its import statements run and keeps its stored outputs: the site shows stored outputs, never re-runs them"""
    import ast
    from nbdev import processors as P
    class exec_show_docs(P.exec_show_docs):
        def __call__(self, cell):
            if not self.nb.has_docs_ or not hasattr(self, 'k') or not P._do_eval(cell): return
            trees = cell.parsed_() or []
            if not (cell.directives_.keys() & {'export', 'exports', 'exporti', 'exec_doc'} or P._show_docs(trees)) \
                    and P._ast_contains(trees, (ast.Expr, ast.Assign)):
                imps = [t for t in trees if isinstance(t, (ast.Import, ast.ImportFrom))]
                MIXED_CELLS.append((getattr(self.nb, 'path_', '?'), cell.source.strip().splitlines()[0][:70]))
                for t in imps:  # one by one: an import that needs the rest of the cell is skipped, not fatal
                    self.k.run(ast.unparse(t))
                    if self.k.exc:
                        IMPORT_FAILED.append((getattr(self.nb, 'path_', '?'), f'{ast.unparse(t)}: {self.k.exc!r}'))
                        self.k.exc = None
                return
            return super().__call__(cell)
    return exec_show_docs

def proc_nbs(nbs):
    "Run nbdev's doc processing of the notebooks in `nbs` into `_proc/` (in-process, so `show_doc` renders tables)"
    os.chdir(ROOT)
    import nbdev.showdoc, nbdev.serve, nbdev.processors, execnb.nbio, warnings
    nbdev.showdoc.BasicMarkdownRenderer._repr_markdown_ = _renderer_markdown
    nbdev.processors.exec_show_docs = _exec_show_docs_cls()
    nbdev.showdoc.show_doc = _safe_show_doc(getattr(nbdev.showdoc.show_doc, '__wrapped__', nbdev.showdoc.show_doc))
    warnings.filterwarnings('ignore', message='Found cells containing imports and other code')
    # execnb.nbio.nb2dict crashes on the widget state of `jslink` (a list under the key `source`) when nbdev writes
    # the processed notebook: patched here (in-process workers only)
    execnb.nbio.nb2dict = _nb2dict
    # nbdev stores *all* live widgets' state in each processed notebook: with in-process processing, widgets made by one
    # notebook's executed cells would leak into the next ones, so the registry is emptied before each notebook
    import nbdev.serve_drv
    drv_main = getattr(nbdev.serve_drv.main, '__wrapped__', nbdev.serve_drv.main)
    def main(o):
        try:
            from ipywidgets.widgets import widget
            for w in list(widget._instances.values()): w.close()
            widget._instances.clear()
        except ImportError: pass
        try: return drv_main(o)
        except Exception as e: raise RuntimeError(f'{o[0]}: {e}') from e
    main.__wrapped__ = drv_main
    nbdev.serve_drv.main = main
    t = time.time()
    try: nbdev.serve.proc_nbs(str(nbs), n_workers=0, force=True)
    except Exception as e:
        import traceback; traceback.print_exc()
        sys.exit(f'docs: nbdev doc processing of {nbs} failed: {e}\n(nbdev runs import cells, exported cells and show_doc '
                 f'cells to render the API docs)')
    log(f'nbdev proc_nbs {nbs} -> _proc/ in {time.time()-t:.1f} s')
    for f, first in MIXED_CELLS:
        log(f'warning: {Path(f).name}: the cell starting `{first}` mixes imports with other code: only its imports were run here '
            f'(nbdev_docs would run all of it; house style: imports in cells of their own)')
    for f, err in IMPORT_FAILED:
        log(f'warning: {Path(f).name}: skipped an import that fails without the rest of its cell ({err})')
    for nm, err in SHOWDOC_FAILED:
        log(f'warning: show_doc({nm}) failed ({err}): rendered as signature and docstring only '
            f'(nbdev_docs would fail here; fastcore cannot document e.g. numpy-array defaults: use None or a tuple)')
    return ROOT/'_proc'

# ---------------------------------------------------------------- _proc/ -> Sphinx source

_re_dir = re.compile(r'^\s*#\|\s*([\w-]+)\s*:?\s*(.*?)\s*$')
_QUARTO_TAGS = {('echo', 'false'): 'remove-input', ('output', 'false'): 'remove-output', ('include', 'false'): 'remove-cell'}

def _split_directives(src):
    "(directives as {name: value}, source without the leading `#|` lines)"
    lines, d = src.splitlines(), {}
    i = 0
    while i < len(lines) and (not lines[i].strip() or _re_dir.match(lines[i])):
        m = _re_dir.match(lines[i])
        if m: d[m.group(1).lower()] = m.group(2).strip().strip('"\'').lower()
        i += 1
    return d, '\n'.join(lines[i:])

_CELL_KEYS = {'cell_type', 'id', 'metadata', 'source', 'outputs', 'execution_count', 'attachments'}

def _src(c): return ''.join(c['source']) if isinstance(c.get('source'), list) else c.get('source', '')

def _frontmatter(nb):
    import yaml
    c = nb['cells'][0] if nb['cells'] else None
    if c and c['cell_type'] == 'raw' and _src(c).lstrip().startswith('---'):
        try: fm = yaml.safe_load(_src(c).strip().strip('-')) or {}
        except yaml.YAMLError: fm = {}
        nb['cells'].pop(0)
        return fm
    return {}

def _link_fixer(doc_url, page_dir, nb_pages):
    """Rewrite nbdev's absolute links into the Quarto site (`doc_host/doc_baseurl/x.html#anchor`) and markdown links to
    notebooks (`](03_jets.ipynb#x)`) into relative links to the pages of this site (anchors: MyST heading slugs as Quarto's)"""
    pat = re.compile(re.escape(doc_url.rstrip('/')) + r'/([\w./-]*\.html)(?=[#)\s"\']|$)') if doc_url else None
    pat_nb = re.compile(r'(\]\()([\w./-]+\.ipynb)(?=[#)])')
    def rel(target): return os.path.relpath(target, page_dir) if page_dir else target
    def fix_nb(m):
        tgt = os.path.normpath(os.path.join(page_dir, m.group(2)))
        return m.group(1) + (rel(nb_pages[tgt] + '.html') if tgt in nb_pages else m.group(2))
    def fix(s):
        if pat is not None: s = pat.sub(lambda m: rel(m.group(1)), s)
        return pat_nb.sub(fix_nb, s)
    return fix

def stage(proc, nbs):
    "Turn `_proc/` notebooks into a Sphinx source tree in `.cache/docs_src/`; returns the page names in navigation order"
    from fastcore.xtras import globtastic
    from nbdev.config import get_config
    cfg = get_config()
    doc_url = cfg.get('doc_host', '').rstrip('/') + cfg.get('doc_baseurl', '')
    if STAGE.exists(): shutil.rmtree(STAGE)
    STAGE.mkdir(parents=True)
    order = sorted(globtastic(proc, file_glob='*.ipynb', skip_folder_re='^[_.]', skip_file_re='^[_.]'),
                   key=lambda p: (Path(p).relative_to(proc).parts[:-1], Path(p).name != 'index.ipynb', Path(p).name))
    pages, nbs_data = [], []
    for p in map(Path, order):
        rel = p.relative_to(proc)
        nb = json.loads(p.read_text())
        fm = _frontmatter(nb)
        out_name = Path(fm.get('output-file') or rel.name).stem
        nbs_data.append((rel, nb, fm, (rel.parent/out_name).as_posix()))
    nb_pages = {os.path.normpath(rel.as_posix()): page for rel, _, _, page in nbs_data}
    for rel, nb, fm, page in nbs_data:
        fix = _link_fixer(doc_url, rel.parent.as_posix() if rel.parent != Path('.') else '', nb_pages)
        cells = []
        title = fm.get('title')
        if title:
            head = f"# {title}\n" + (f"\n> {fm['description']}\n" if fm.get('description') else '')
            cells.append({'cell_type': 'markdown', 'id': 'e2e-docs-title', 'metadata': {}, 'source': head})
        for c in nb['cells']:
            src = _src(c)
            if c['cell_type'] == 'markdown':
                if src.strip().startswith('<!-- WARNING: THIS FILE WAS AUTOGENERATED'): continue
                c['source'] = fix(src)
                c.pop('attachments', None) if not c.get('attachments') else None
            elif c['cell_type'] == 'code':
                d, body = _split_directives(src)
                if 'hide' in d or d.get('include') == 'false': continue
                tags = set(c.get('metadata', {}).get('tags', []))
                tags |= {t for (k, v), t in _QUARTO_TAGS.items() if d.get(k) == v}
                c['source'] = body
                if not body.strip(): tags.add('remove-input')
                if not body.strip() and not c.get('outputs'): continue
                for o in c.get('outputs', []):
                    md = o.get('data', {}).get('text/markdown')
                    if md is not None:
                        md = ''.join(md) if isinstance(md, list) else md
                        md = re.sub(r'\{target="_blank"[^}]*\}', '{.e2e-source}', md)
                        o['data']['text/markdown'] = fix(md)
                c.setdefault('metadata', {})['tags'] = sorted(tags)
                c['metadata'].pop('language', None)
            elif c['cell_type'] == 'raw':
                if not src.strip(): continue
            cells.append({k: v for k, v in c.items() if k in _CELL_KEYS})
        nb['cells'] = cells
        nb['metadata'].setdefault('kernelspec', {'display_name': 'Python 3', 'language': 'python', 'name': 'python3'})
        nb['metadata'].setdefault('language_info', {'name': 'python'})
        nb['nbformat'], nb['nbformat_minor'] = 4, max(5, nb.get('nbformat_minor', 5))
        dest = STAGE/(page + '.ipynb')
        if any(pg == page for pg, _, _ in pages): sys.exit(f'docs: two notebooks render to the same page {page}.html ({rel})')
        dest.parent.mkdir(parents=True, exist_ok=True)
        pages.append((page, nb, dest))
    if not pages or pages[0][0] != 'index':
        sys.exit(f'docs: {nbs}/index.ipynb is missing: it is the home page of the site (and the README)')
    # navigation: a hidden toctree on the home page lists every other notebook in order (furo shows it as the sidebar)
    toc = '```{toctree}\n:hidden:\n:maxdepth: 2\n\n' + '\n'.join(pg for pg, _, _ in pages[1:]) + '\n```\n'
    pages[0][1]['cells'].append({'cell_type': 'markdown', 'id': 'e2e-docs-toc', 'metadata': {}, 'source': toc})
    for page, nb, dest in pages: dest.write_text(json.dumps(nb, indent=1))
    for p in Path(nbs).rglob('*'):  # images/files that markdown cells may reference
        if p.is_file() and p.suffix.lower() in ('.png', '.jpg', '.jpeg', '.gif', '.svg') and not any(
                part.startswith(('_', '.')) for part in p.relative_to(nbs).parts):
            (STAGE/p.relative_to(nbs)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(p, STAGE/p.relative_to(nbs))
    log(f'staged {len(pages)} pages: {", ".join(pg for pg, _, _ in pages)}')
    return [pg for pg, _, _ in pages]

# ---------------------------------------------------------------- checks on the built site

_re_ext = re.compile(r'''<(?:script|link|img|iframe|source|video|audio)\b[^>]*?\b(?:src|href)\s*=\s*["']((?:https?:)?//[^"']+)''', re.I)
_re_css_ext = re.compile(r'''(?:@import\s+|url\()\s*["']?((?:https?:)?//[^"')\s]+)''', re.I)

def check_offline(out):
    "External resources (scripts, styles, images, fonts) referenced by the built pages, as (file, url) pairs"
    bad = []
    for p in Path(out).rglob('*'):
        if p.suffix == '.html': bad += [(p, u) for u in _re_ext.findall(p.read_text(errors='replace'))]
        elif p.suffix == '.css': bad += [(p, u) for u in _re_css_ext.findall(p.read_text(errors='replace'))]
    return bad

class _Lock:
    "Exclusive lock on `.cache/docs.lock`: builds share `_proc/` and `.cache/docs_src/`"
    def __enter__(self):
        import fcntl
        CACHE.mkdir(parents=True, exist_ok=True)
        self.f = open(CACHE/'docs.lock', 'w')
        fcntl.flock(self.f, fcntl.LOCK_EX)
    def __exit__(self, *a): self.f.close()

def build_site(nbs=None, out=None):
    "Build the offline site from the notebooks in `nbs` (stored outputs) into `out`; returns `out`"
    with _Lock(): return _build_site(nbs, out)

def _build_site(nbs=None, out=None):
    t0 = time.time()
    nbs = Path(nbs or ROOT/'nbs').resolve()
    out = Path(out or ROOT/'_docs').resolve()
    setup()
    proc = proc_nbs(nbs)
    stage(proc, nbs)
    tmp_out = out.parent/f'.{out.name}.tmp'
    if tmp_out.exists(): shutil.rmtree(tmp_out)
    cmd = [sys.executable, '-m', 'sphinx', '-b', 'html', '-E', '-q', '-j', '1', '-c', str(DOCS), '-d', str(DOCTREES),
           str(STAGE), str(tmp_out)]
    t = time.time()
    r = subprocess.run(cmd, cwd=ROOT)
    if r.returncode: sys.exit(f'docs: sphinx failed (exit {r.returncode}): {" ".join(cmd)}')
    log(f'sphinx in {time.time()-t:.1f} s')
    bad = check_offline(tmp_out)
    if bad: sys.exit('docs: the built pages reference external resources:\n' +
                     '\n'.join(f'  {p.relative_to(tmp_out)}: {u}' for p, u in bad[:20]))
    (tmp_out/'.nojekyll').touch()
    if out.exists(): shutil.rmtree(out)
    os.replace(tmp_out, out)
    log(f'site built in {time.time()-t0:.1f} s: {out}/index.html')
    return out

# ---------------------------------------------------------------- README from nbs/index.ipynb

def readme_text(nb_path):
    "README markdown from the index notebook: markdown as is, code as ```python, text outputs as plain blocks"
    nb = json.loads(Path(nb_path).read_text())
    parts = []
    for i, c in enumerate(nb['cells']):
        src = _src(c)
        if c['cell_type'] == 'markdown': parts.append(src.strip())
        elif c['cell_type'] == 'code':
            d, body = _split_directives(src)
            if 'hide' in d or d.get('include') == 'false' or 'exporti' in d or 'export' in d or 'default_exp' in d: continue
            body = '\n'.join(l for l in body.splitlines() if not re.match(r'^\s*#\|', l)).strip()
            if body and d.get('echo') != 'false': parts.append(f'```python\n{body}\n```')
            if d.get('output') == 'false': continue
            for o in c.get('outputs', []):
                if o.get('output_type') == 'stream': txt = o.get('text', '')
                else:
                    data = o.get('data', {})
                    if 'text/markdown' in data:
                        md = data['text/markdown']; parts.append((''.join(md) if isinstance(md, list) else md).strip()); continue
                    txt = data.get('text/plain', '')
                txt = (''.join(txt) if isinstance(txt, list) else txt).rstrip()
                if txt: parts.append(f'```\n{txt}\n```')
        if i == 0: parts.append('<!-- WARNING: THIS FILE WAS AUTOGENERATED FROM nbs/index.ipynb BY docs/build.py readme! DO NOT EDIT! -->')
    return '\n\n'.join(p for p in parts if p) + '\n'

def readme(check=False, nb=None, dest=None):
    nb = Path(nb or ROOT/'nbs'/'index.ipynb'); dest = Path(dest or ROOT/'README.md')
    if not nb.exists(): sys.exit(f'readme: {nb} is missing (the README is generated from it)')
    txt = readme_text(nb)
    if check:
        cur = dest.read_text() if dest.exists() else ''
        if cur != txt:
            diff = ''.join(list(difflib.unified_diff(cur.splitlines(True), txt.splitlines(True), str(dest), f'{dest} (from {nb.name})'))[:40])
            print(f'{dest} is out of date with {nb}: regenerate it with `python docs/build.py readme` '
                  f'and commit it (README.md is generated, never edited by hand).\n{diff}', file=sys.stderr)
            return 1
        print(f'{dest.name} is up to date with {nb.name}')
        return 0
    from e2e_nb.core import atomic_path
    with atomic_path(dest) as tmp: Path(tmp).write_text(txt)
    print(f'wrote {dest} from {nb}')
    return 0

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    sub.add_parser('setup', help='fetch (cached) and verify the vendored JavaScript')
    s = sub.add_parser('site', help='build the offline site')
    s.add_argument('--nbs', default=None, help='notebook folder (default: nbs/)')
    s.add_argument('--out', default=None, help='output folder (default: _docs/)')
    r = sub.add_parser('readme', help='README.md from nbs/index.ipynb')
    r.add_argument('--check', action='store_true', help='exit 1 if README.md is out of date instead of writing it')
    a = ap.parse_args(argv)
    if a.cmd == 'setup': setup(); return 0
    if a.cmd == 'site': build_site(a.nbs, a.out); return 0
    if a.cmd == 'readme': return readme(a.check)

if __name__ == '__main__': sys.exit(main())
