"""Stand-in for FWCore.ParameterSet.VarParsing: VarParsing('analysis') (inputFiles, outputFile, maxEvents, ...),
register, parseArguments (cmsRun's name=value arguments)"""
import sys


class VarParsing:
    class multiplicity: singleton, list = 'singleton', 'list'
    class varType: bool, int, float, string = 'bool', 'int', 'float', 'string'

    def __init__(self, *setups):
        self._values, self._types, self._lists = {}, {}, set()
        if 'analysis' in setups:
            self.register('inputFiles', '', self.multiplicity.list, self.varType.string, 'input files')
            self.register('secondaryInputFiles', '', self.multiplicity.list, self.varType.string, 'secondary inputs')
            self.register('outputFile', 'output.root', self.multiplicity.singleton, self.varType.string, 'output file')
            self.register('maxEvents', -1, self.multiplicity.singleton, self.varType.int, 'number of events')

    def register(self, name, default=None, mult='singleton', mytype='int', info=''):
        self._types[name] = mytype
        if mult == self.multiplicity.list:
            self._lists.add(name); self._values[name] = [] if default in ('', None) else [default]
        else: self._values[name] = default

    def _cast(self, name, v):
        t = self._types[name]
        if t == 'bool': return v in ('1', 'True', 'true')
        return int(v) if t == 'int' else float(v) if t == 'float' else v

    def parseArguments(self):
        for a in sys.argv[1:]:
            if '=' not in a: continue
            k, v = a.split('=', 1)
            if k not in self._values: raise SystemExit(f"VarParsing: unknown option '{k}'")
            self._values[k] = [self._cast(k, x) for x in v.split(',')] if k in self._lists else self._cast(k, v)

    def __getattr__(self, k):
        try: return self.__dict__['_values'][k]
        except KeyError: raise AttributeError(k) from None
