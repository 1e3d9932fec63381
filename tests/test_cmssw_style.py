"""CMS style of the C++ in the shipped CMSSW package (e2e_nb/cmssw/RecoE2E/MassRegression): clang-format with CMSSW's
settings (the package's .clang-format, from cms-sw/cmssw's top-level one) changes nothing, and there are no non-const
statics and no const_cast (CMSSW's thread-safety rules: static analyser, code review)"""
import os, re, shutil, subprocess, sys
from pathlib import Path
import pytest
from e2e_nb.export import cmssw_sources

PKG = cmssw_sources()
CXX = sorted(f for f in PKG.rglob('*') if f.suffix in ('.cc', '.h', '.cpp', '.hpp', '.cxx'))
REPO = Path(__file__).resolve().parents[1]


def clang_format()->str|None:
    "clang-format 14 or later: $CLANG_FORMAT, the venv's (the dev requirement), clang-format(-NN) on the PATH, or .cache/"
    cands = [os.environ.get('CLANG_FORMAT'), str(Path(sys.executable).parent/'clang-format')]
    cands += [shutil.which(f'clang-format{v}') for v in ('', '-14', '-15', '-16', '-17', '-18')]
    cands += [str(REPO/'.cache'/'clang-format'/'clang_format'/'data'/'bin'/'clang-format')]
    for c in cands:
        if c and Path(c).exists():
            v = re.search(r'version (\d+)', subprocess.run([c, '--version'], capture_output=True, text=True).stdout)
            if v and int(v.group(1)) >= 14: return c
    return None


def test_sources_found():
    names = {f.name for f in CXX}
    assert {'MassRegressionProducer.cc', 'MassRegressionSonicProducer.cc', 'MassRegressionCommon.h',
            'E2EInferenceCore.h', 'E2EInferenceCore.cc'} <= names
    cfg = (PKG/'.clang-format').read_text()
    for k in ('BasedOnStyle:  Google', 'ColumnLimit:     120', 'NamespaceIndentation: All', 'SortIncludes:    false'):
        assert k in cfg


def test_clang_format_clean():
    cf = clang_format()
    if cf is None: pytest.skip('clang-format >= 14 not found (a dev requirement: `pip install clang-format==14.0.6`, '
                               'or set CLANG_FORMAT)')
    r = subprocess.run([cf, f'--style=file:{PKG/".clang-format"}', '--dry-run', '--Werror', *map(str, CXX)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-3000:]


def code(f:Path)->str:
    "C++ source without comments and string literals"
    s = re.sub(r'"(?:\\.|[^"\\])*"', '""', f.read_text())
    return re.sub(r'//[^\n]*', '', re.sub(r'/\*.*?\*/', '', s, flags=re.S))


@pytest.mark.parametrize('f', CXX, ids=lambda f: f.name)
def test_no_const_cast_and_no_mutable_statics(f):
    c = code(f)
    assert 'const_cast' not in c
    for m in re.finditer(r'^\s*(?:inline\s+|thread_local\s+)*static\s+([^;{(]*?)\b(\w+)\s*(\(|=|;|\{|\[)', c, re.M):
        decl, what = m.group(1), m.group(3)
        if what == '(' and not re.search(r'\b(?:const|constexpr)\b', decl): continue   # a static member function
        assert re.search(r'\b(?:const|constexpr)\b', decl), f'non-const static in {f.name}: {m.group(0).strip()}'
    assert not re.search(r'\bmutable\b', c), f'mutable member in {f.name}'


def test_style_check_catches_offenders(tmp_path):
    bad = tmp_path/'bad.cc'
    bad.write_text('int f() {\n  static int n = 0;\n  return ++n;\n}\nvoid g(const int* p) { int* q = const_cast<int*>(p); }\n'
                   '// static int fine_in_a_comment = 0;\nstatic const int kOk = 1;\nstatic void h();\n')
    with pytest.raises(AssertionError, match='const_cast'): test_no_const_cast_and_no_mutable_statics(bad)
    bad.write_text('int f() {\n  static int n = 0;\n  return ++n;\n}\n')
    with pytest.raises(AssertionError, match='non-const static'): test_no_const_cast_and_no_mutable_statics(bad)
