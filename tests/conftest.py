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
