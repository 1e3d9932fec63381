"""Read CMSSW python configuration without CMSSW: a minimal `FWCore.ParameterSet.Config` (the parameter types and
process objects this project's configuration files use) executes a `_cfi.py`, a `_cff.py` or a `_cfg.py`;
`pset_text` writes one module's parameters in the text form that the stand-in framework (run_module, TestProcessor)
reads: TYPE<TAB>NAME<TAB>VALUE..., one per line; TYPE may start with 'untracked '; a PSet is `PSet<TAB>NAME<TAB>N`
followed by its N parameters.

Imports of CMSSW python packages (`Sub.Pkg.module`, as in `process.load('RecoE2E.MassRegression.massRegression_cfi')`
or `from FWCore.ParameterSet.VarParsing import VarParsing`) resolve as scram lays them out: `Sub/Pkg/python/module.py`
on $CMSSW_SEARCH_PATH (where the tests put the exported package) and then in `tests/cmssw_standins/python/` (stand-ins
of the few release packages the cfg loads). `FWCore.ParameterSet.Config` and `FWCore.TestProcessor.TestProcess` are
this file's. Run as a script (`python pset.py CONFIG OUT`) it is TestProcessor's python side: it executes CONFIG (a
TestProcess configuration) and writes the text of the module given to `moduleToTest` to OUT."""
import importlib.abc, importlib.util, os, sys, types
from pathlib import Path

STANDIN_PYTHON = Path(__file__).resolve().parent/'python'


class _P:
    "One typed parameter: its cms type name and value(s); `untracked` as cms.untracked.<type>"
    def __init__(self, kind, *v, untracked=False): self.kind, self.v, self.untracked = kind, v, untracked
    def value(self): return self.v[0] if len(self.v) == 1 else list(self.v)
    def __repr__(self): return f"cms.{'untracked.' if self.untracked else ''}{self.kind}{self.v!r}"


class _PSet:
    "cms.PSet: named parameters (attributes)"
    kind = 'PSet'
    def __init__(self, **params):
        self.__dict__['params'], self.__dict__['untracked'] = {}, False
        for k,p in params.items(): setattr(self, k, p)

    def __setattr__(self, k, p):
        if k in self.params and not isinstance(p, (_P, _PSet)):   # process.m.x = 400.: keeps x's cms type
            p = _P(self.params[k].kind, *_values(p), untracked=self.params[k].untracked)
        if not isinstance(p, (_P, _PSet)): raise TypeError(f'parameter {k!r} is not a cms type: {p!r}')
        self.params[k] = p

    def __getattr__(self, k):
        try: return self.params[k]
        except KeyError: raise AttributeError(k) from None

    def value(self): return {k: p.value() for k,p in self.params.items()}


def _values(v): return tuple(v) if isinstance(v, (list, tuple)) else (v.v[0] if isinstance(v, _P) else v,)


class _EDProducer(_PSet):
    "cms.EDProducer (and the other modules, services and sources): its plugin type and parameters; `a + b` sequences"
    def __init__(self, type_, **params):
        self.__dict__['type_'] = type_
        super().__init__(**params)

    def __add__(self, o): return _Sequence(self, o)

    def clone(self, **params):
        "As cms's `clone`: a copy with `params` replaced; replacing a parameter the module does not have is an error"
        if unknown := [k for k in params if k not in self.params]: raise KeyError(f'clone of unknown parameters {unknown}')
        return type(self)(self.type_, **{**self.params, **params})


class _Sequence:
    "cms.Path / Sequence / Task / EndPath: the modules it holds, in order (`a + b`)"
    def __init__(self, *items): self.items = [x for i in items for x in (i.items if isinstance(i, _Sequence) else [i])]
    def __add__(self, o): return _Sequence(self, o)
    def add(self, *items): self.items += items


class _Modifier:
    "A process modifier (cms.Modifier); this stand-in never enables one, so toModify/toReplaceWith do nothing"
    def toModify(self, *a, **k): pass
    def toReplaceWith(self, *a): pass


class _Process:
    "cms.Process: its name, and its objects as attributes (modules, paths, services, PSets); `load` imports a cfi/cff"
    def __init__(self, name, *modifiers):
        self.__dict__.update(name_=name, objects={}, modifiers=modifiers)

    def __setattr__(self, k, v): self.objects[k] = v
    def __getattr__(self, k):
        try: return self.objects[k]
        except KeyError: raise AttributeError(f'process has no {k!r}') from None

    def load(self, name):
        "As cms.Process.load: import the configuration module `name` and add its cms objects to the process"
        m = importlib.import_module(name)
        for k,v in vars(m).items():
            if not k.startswith('_') and isinstance(v, (_PSet, _Sequence)): self.objects[k] = v

    def label(self, obj):
        "The name `obj` has in the process"
        for k,v in self.objects.items():
            if v is obj: return k
        raise KeyError('object not in the process')


def _config_module():
    m = types.ModuleType('FWCore.ParameterSet.Config')
    kinds = ('string', 'uint32', 'int32', 'uint64', 'int64', 'double', 'bool', 'FileInPath')
    u = types.SimpleNamespace()
    for kind in kinds:
        setattr(m, kind, (lambda k: lambda v: _P(k, v))(kind))
        setattr(u, kind, (lambda k: lambda v: _P(k, v, untracked=True))(kind))
    flat = lambda v: [x for i in v for x in (i if isinstance(i, (list, tuple)) else [i])]   # cms.vstring(['a', 'b'])
    m.vstring, u.vstring = (lambda *v: _P('vstring', *flat(v))), (lambda *v: _P('vstring', *flat(v), untracked=True))
    m.InputTag = lambda label, instance='', process='': _P('InputTag', ':'.join([label, instance, process]).rstrip(':'))
    m.VInputTag = lambda *tags: _P('VInputTag', *[t.v[0] if isinstance(t, _P) else t for t in tags])
    def untracked_pset(**params):
        p = _PSet(**params); p.__dict__['untracked'] = True; return p
    u.PSet = untracked_pset
    m.untracked, m.PSet, m.EDProducer, m.Process, m.Modifier = u, _PSet, _EDProducer, _Process, _Modifier
    m.EDAnalyzer = m.EDFilter = m.OutputModule = m.Source = m.ESSource = m.ESProducer = m.Service = _EDProducer
    m.Path = m.EndPath = m.Sequence = m.Task = _Sequence
    return m


def _test_process_module(cms):
    "FWCore.TestProcessor.TestProcess: TestProcess() and moduleToTest(module), as in CMSSW"
    m = types.ModuleType('FWCore.TestProcessor.TestProcess')
    class TestProcess(cms.Process):
        def __init__(self, name='TEST', *modifiers):
            super().__init__(name, *modifiers)
            self.__dict__['tested'] = None
        def moduleToTest(self, module, task=None): self.__dict__['tested'] = module
    m.TestProcess, m.cms = TestProcess, cms
    return m


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    "Resolves CMSSW python packages as scram lays them out (see the module docstring)"
    def __init__(self, cms):
        tp = _test_process_module(cms)
        self.fixed = {'FWCore.ParameterSet.Config': cms, 'FWCore.TestProcessor.TestProcess': tp}
        dirs = [d for d in os.environ.get('CMSSW_SEARCH_PATH', '').split(':') if d]
        self.roots = [Path(d) for d in dirs] + [STANDIN_PYTHON]
        self.subsystems = {'FWCore'} | {d.name for r in self.roots if r.is_dir() for d in r.iterdir() if d.is_dir()}

    def _file(self, parts):
        for r in self.roots:
            f = r.joinpath(parts[0], parts[1], 'python', *parts[2:-1], parts[-1] + '.py')
            if f.is_file(): return f
        return None

    def find_spec(self, name, path=None, target=None):
        parts = name.split('.')
        if parts[0] not in self.subsystems: return None
        if name in self.fixed: return importlib.util.spec_from_loader(name, self, is_package=False)
        if len(parts) <= 2: return importlib.util.spec_from_loader(name, self, is_package=True)   # Sub, Sub.Pkg
        f = self._file(parts)
        return None if f is None else importlib.util.spec_from_file_location(name, f)

    def create_module(self, spec):
        if spec.name in self.fixed: return self.fixed[spec.name]
        m = types.ModuleType(spec.name); m.__path__ = []
        return m

    def exec_module(self, module): pass


class cmssw_python:
    "Context manager: imports of CMSSW python packages go to the stand-ins (see `_Finder`); undone on exit"
    def __enter__(self):
        self.cms = _config_module()
        self.finder = _Finder(self.cms)
        self.before = set(sys.modules)
        self.saved = {k: sys.modules.pop(k) for k in list(sys.modules)
                      if k.split('.')[0] in ('FWCore', 'RecoE2E', 'Configuration')}
        sys.meta_path.insert(0, self.finder)
        return self.cms

    def __exit__(self, *exc):
        sys.meta_path.remove(self.finder)
        for k in set(sys.modules) - self.before: sys.modules.pop(k, None)
        sys.modules.update(self.saved)


def run_config(path, argv=()):
    "Execute the configuration file at `path` (with `sys.argv[1:] = argv`, as cmsRun passes them): its namespace"
    saved = sys.argv
    sys.argv = [str(path), *argv]
    try:
        with cmssw_python():
            ns = {'__name__': '__main__', '__file__': str(path)}
            exec(compile(Path(path).read_text(), str(path), 'exec'), ns)
    finally: sys.argv = saved
    return ns


def load_cfi(path, label='massRegression')->_EDProducer:
    "Execute the cfi at `path` with the stand-in `cms` module and return its module `label`"
    return run_config(path)[label]


def pset_text(mod:_EDProducer, label='massRegression', **overrides)->str:
    "The module's parameters (with `overrides`: name -> (kind, value or list)) as the stand-in framework's text"
    rows = [('string', '@module_type', [mod.type_]), ('string', '@module_label', [label])]
    params = dict(mod.params)
    for k,(kind,v) in overrides.items():
        if kind is None: params.pop(k, None)
        else: params[k] = _P(kind, *(v if isinstance(v, list) else [v]))
    return ''.join(_rows(rows) + [_param_text(k, p) for k,p in params.items()])


def _rows(rows):
    fmt = lambda x: str(x) if not isinstance(x, bool) else ('True' if x else 'False')
    return ['\t'.join([kind, k, *map(fmt, v)]) + '\n' for kind,k,v in rows]


def _param_text(k, p)->str:
    if isinstance(p, _PSet):
        return f"{'untracked ' if p.untracked else ''}PSet\t{k}\t{len(p.params)}\n" + ''.join(
            _param_text(kk, pp) for kk,pp in p.params.items())
    return _rows([(('untracked ' if p.untracked else '') + p.kind, k, list(p.v))])[0]


if __name__ == '__main__':   # TestProcessor's python side: CONFIG OUT
    cfg, out = sys.argv[1:3]
    ns = run_config(cfg)
    proc = ns.get('process')
    if proc is None or getattr(proc, 'tested', None) is None:
        sys.exit(f'{cfg}: the configuration defines no process with a module to test (process.moduleToTest(...))')
    text = pset_text(proc.tested, proc.label(proc.tested))
    Path(out).write_text(text)
