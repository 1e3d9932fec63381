"""Read a CMSSW `_cfi.py` without CMSSW: a minimal `FWCore.ParameterSet.Config` (the parameter types a cfi of this
project uses) executes the file; `pset_text` writes the module's parameters in the text form `run_module` reads
(TYPE<TAB>NAME<TAB>VALUE..., one per line)."""
import sys, types
from pathlib import Path


class _P:
    "One typed parameter: its cms type name and value(s)"
    def __init__(self, kind, *v): self.kind, self.v = kind, v
    def value(self): return self.v[0] if len(self.v) == 1 else list(self.v)


class _EDProducer:
    def __init__(self, type_, **params):
        self.type_, self.params = type_, dict(params)
        for k,p in params.items():
            if not isinstance(p, _P): raise TypeError(f'parameter {k!r} is not a cms type: {p!r}')

    def clone(self, **params):
        "As cms's `clone`: a copy with `params` replaced; replacing a parameter the module does not have is an error"
        if unknown := [k for k in params if k not in self.params]: raise KeyError(f'clone of unknown parameters {unknown}')
        return _EDProducer(self.type_, **{**self.params, **params})


def _config_module():
    m = types.ModuleType('FWCore.ParameterSet.Config')
    for kind in ('string', 'uint32', 'int32', 'double', 'bool', 'FileInPath'):
        setattr(m, kind, (lambda k: lambda v: _P(k, v))(kind))
    m.vstring = lambda *v: _P('vstring', *v)
    m.InputTag = lambda label, instance='', process='': _P('InputTag', ':'.join([label, instance, process]).rstrip(':'))
    m.EDProducer = _EDProducer
    return m


def load_cfi(path, label='massRegression')->_EDProducer:
    "Execute the cfi at `path` with the stand-in `cms` module and return its module `label`"
    cfg = _config_module()
    saved = {k: sys.modules.get(k) for k in ('FWCore', 'FWCore.ParameterSet', 'FWCore.ParameterSet.Config')}
    sys.modules.update({'FWCore': types.ModuleType('FWCore'), 'FWCore.ParameterSet': types.ModuleType('FWCore.ParameterSet'),
                        'FWCore.ParameterSet.Config': cfg})
    sys.modules['FWCore'].ParameterSet = sys.modules['FWCore.ParameterSet']
    sys.modules['FWCore.ParameterSet'].Config = cfg
    try:
        ns = {}
        exec(compile(Path(path).read_text(), str(path), 'exec'), ns)
    finally:
        for k,v in saved.items():
            if v is None: sys.modules.pop(k, None)
            else: sys.modules[k] = v
    return ns[label]


def pset_text(mod:_EDProducer, label='massRegression', **overrides)->str:
    "The module's parameters (with `overrides`: name -> (kind, value or list)) as `run_module`'s text"
    rows = [('string', '@module_type', [mod.type_]), ('string', '@module_label', [label])]
    params = {k: (p.kind, list(p.v)) for k,p in mod.params.items()}
    for k,(kind,v) in overrides.items():
        if kind is None: params.pop(k, None)
        else: params[k] = (kind, v if isinstance(v, list) else [v])
    rows += [(kind, k, v) for k,(kind,v) in params.items()]
    fmt = lambda x: str(x) if not isinstance(x, bool) else ('True' if x else 'False')
    return ''.join('\t'.join([kind, k, *map(fmt, v)]) + '\n' for kind,k,v in rows)
