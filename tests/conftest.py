"""Shared fixtures.

- `synthetic`: small synthetic jet files (`e2e_nb.data.write_synthetic_e2e`, not physics), each written once per session
  and shared by the modules that ask for the same one: treat them as read-only (copy a file before breaking it).
- `one_thread`: torch on one CPU thread for a module (tiny models train fastest so, and the CI cores are shared).
- `cpp_sdk`: ONNX Runtime's C++ headers and library for the tests that compile C++ (tests/test_cpp_parity.py,
  tests/test_cmssw_producer.py, tests/test_benchmarks.py). Without g++ or the headers these tests skip and say why;
  `make test` fetches the headers first (`make ort-headers`) and sets E2E_NB_REQUIRE_CPP=1, which turns such a skip into
  a failure, so that CI really runs them."""
import os, shutil
from pathlib import Path
import pytest

REPO = Path(__file__).resolve().parents[1]


def _unavailable(reason:str):
    "Skip with `reason`, or fail where $E2E_NB_REQUIRE_CPP=1 (`make test`)"
    if os.environ.get('E2E_NB_REQUIRE_CPP') == '1':
        pytest.fail(f'{reason} ($E2E_NB_REQUIRE_CPP=1: the C++ tests must run here)', pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope='session')
def cpp_sdk():
    "`e2e_nb.export.ort_sdk` of this checkout (headers in .cache/onnxruntime, $E2E_NB_ORT_INCLUDE or the system's)"
    from e2e_nb import export as ex
    cxx = os.environ.get('CXX', 'g++')
    if not shutil.which(cxx): _unavailable(f'C++ compiler {cxx!r} not found (install g++ or set $CXX): no C++ to test')
    try: return ex.ort_sdk(REPO/'.cache'/'onnxruntime')
    except ex.OrtHeadersMissing as e: _unavailable(f'ONNX Runtime C++ headers missing: {e}')


@pytest.fixture(scope='session')
def synthetic(tmp_path_factory):
    "`synthetic(n_jets, seed, process='topgun', jets_per_event=1, compression=None)`: the path of that synthetic file"
    from e2e_nb.data import write_synthetic_e2e
    d, made = tmp_path_factory.mktemp('synthetic'), {}
    def get(n_jets:int, seed:int, process:str='topgun', jets_per_event:int=1, compression:str|None=None)->Path:
        key = (n_jets, seed, process, jets_per_event, compression)
        if key not in made:
            made[key] = write_synthetic_e2e(d/f'{process}_n{n_jets}_s{seed}_e{jets_per_event}_{compression or "raw"}.h5',
                                            n_jets=n_jets, seed=seed, process=process, jets_per_event=jets_per_event,
                                            compression=compression)
        return made[key]
    return get


@pytest.fixture(scope='module')
def one_thread():
    "torch on one thread while the module runs, restored after it"
    import torch
    n = torch.get_num_threads(); torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


# ---------------------------------------------------------------- faults (#23): what the fault tests observed
FAULTS = dict(bad_inputs=0, kills=0, lost_data=[], survivors=[])

@pytest.fixture(scope='session')
def faults():
    """Record of the fault tests: `faults.bad_input(case, lost)` and `faults.kill(case, lost, survivors)` count every bad
    input and every kill tried, with what was observed (output lost or overwritten, processes left running); the summary
    line at the end of the run is computed from these records"""
    class _Rec:
        def bad_input(self, case:str, lost:bool):
            FAULTS['bad_inputs'] += 1
            if lost: FAULTS['lost_data'].append(case)
        def kill(self, case:str, lost:bool, survivors:list):
            FAULTS['kills'] += 1
            if lost: FAULTS['lost_data'].append(case)
            if survivors: FAULTS['survivors'].append(f'{case}: pids {survivors}')
    return _Rec()


def pytest_terminal_summary(terminalreporter):
    f = FAULTS
    if not (f['bad_inputs'] or f['kills']): return
    lost, surv = f['lost_data'], f['survivors']
    terminalreporter.write_line(
        f"faults: {f['bad_inputs']} bad inputs and {f['kills']} kills tried; "
        + (f"{len(lost)} lost or overwrote data ({'; '.join(lost)})" if lost else 'none lost or overwrote data') + ', '
        + (f"{len(surv)} left processes behind ({'; '.join(surv)})" if surv else 'none left a process behind'))
