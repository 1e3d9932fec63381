"""The CMSSW plugin MassRegressionProducer (cmssw/RecoE2E/MassRegression/plugins/) compiled with g++ against the
framework stand-ins of tests/cmssw_standins/ and driven like cmsRun would (tests/cmssw_standins/run_module.cc): its
configuration is the cfi that `export_run` writes for the shipped model (read with tests/cmssw_standins/pset.py), its
events are RecoE2E-layout JetFrames (9 channels in RecoE2E's push order, JetSeeds as (row, column)) emulated by
`e2e_nb.recoe2e` in fixed mode, and its per-jet ValueMap masses must equal the Python model's
(`load_run(...).predict` on the same frames in the model's channel order, scalars ieta = row - 55,
iphi = (column + 170) mod 360, the producer's seedRowOffset and seedColumnOffset) within a relative 1e-5. The same
for MassRegressionSonicProducer (SonicTriton stand-in), the package's Catch2 tests (TestProcessor) and its cfg and cff.

Skips (with the reason) only where g++ or ONNX Runtime's C++ headers are missing (tests/conftest.py's `cpp_sdk`;
`make test` fetches the headers first and makes that a failure)."""
import hashlib, os, subprocess, sys
from pathlib import Path
import numpy as np, pytest

from e2e_nb import export as ex
from e2e_nb import recoe2e as rc
from e2e_nb.training import load_run

REPO = Path(__file__).resolve().parents[1]
STANDINS = REPO/'tests'/'cmssw_standins'
PKG = REPO/'e2e_nb'/'cmssw'/'RecoE2E'/'MassRegression'
WEIGHTS = REPO/'e2e_nb'/'weights'/'part_mass'
sys.path.insert(0, str(STANDINS))
from pset import load_cfi, pset_text, run_config  # noqa: E402


@pytest.fixture(scope='module')
def sdk(cpp_sdk): return cpp_sdk


OUT = REPO/'.cache'/'cmssw_standins'
# what TestProcessor's stand-in runs for its python configuration (tests/cmssw_standins/include/FWCore/TestProcessor)
TESTPROCESSOR_DEFINES = (f'-DE2E_STANDIN_PYTHON="{sys.executable}"', f'-DE2E_STANDIN_PSET_PY="{STANDINS/"pset.py"}"')


def _headers_hash()->bytes:
    hdrs = sorted((STANDINS/'include').rglob('*.h')) + sorted((STANDINS/'include').rglob('*.hpp'))
    hdrs += sorted((PKG/'interface').glob('*.h')) + sorted((PKG/'plugins').glob('*.h'))
    return hashlib.sha1(b''.join(f.read_bytes() for f in hdrs)).digest()


def build_exe(sdk, name:str, srcs:list)->Path:
    """Compile `srcs` (each object cached by its source and all headers, so executables share the objects of common
    sources) and link them with ONNX Runtime into `.cache/cmssw_standins/<name>-<hash>`; cached"""
    cxx, inc = os.environ.get('CXX', 'g++'), [f'-I{STANDINS/"include"}', f'-I{PKG.parents[1]}', f'-I{sdk["include"]}']
    flags = ['-std=c++17', '-O2', '-Wall', '-Wextra', '-Werror', *TESTPROCESSOR_DEFINES, *inc]
    hh = _headers_hash()
    key = lambda f: hashlib.sha1(hh + f.read_bytes() + ' '.join(flags).encode()).hexdigest()[:12]
    objs = [OUT/f'{f.stem}-{key(f)}.o' for f in srcs]
    exe = OUT/f'{name}-{hashlib.sha1("".join(o.name for o in objs).encode()).hexdigest()[:12]}'
    if exe.exists(): return exe
    OUT.mkdir(parents=True, exist_ok=True)
    procs = []
    for f,o in zip(srcs, objs):   # one compiler per missing object, in parallel
        if o.exists(): continue
        tmp = o.with_suffix(f'.{os.getpid()}.tmp')
        procs.append((f, o, tmp, subprocess.Popen([cxx, *flags, '-c', str(f), '-o', str(tmp)], stderr=subprocess.PIPE,
                                                  text=True)))
    errs = [f'{f}:\n{p.communicate()[1][-4000:]}' for f,_,_,p in procs if p.wait()]
    if errs: raise RuntimeError('compilation failed:\n' + '\n'.join(errs))
    for _,o,tmp,_ in procs: os.replace(tmp, o)
    tmp = exe.with_suffix('.tmp')
    r = subprocess.run([cxx, *map(str, objs), '-o', str(tmp), f'-L{sdk["lib"]}',
                        f'-Wl,-rpath,{Path(sdk["lib"]).resolve()}', '-lonnxruntime'], capture_output=True, text=True)
    if r.returncode: raise RuntimeError(f'link failed:\n{r.stderr[-4000:]}')
    os.replace(tmp, exe)
    return exe


ORT_PRODUCER = [PKG/'plugins'/'MassRegressionProducer.cc', PKG/'src'/'E2EInferenceCore.cc', STANDINS/'src'/'ONNXRuntime.cc']


SONIC_PRODUCER = [PKG/'plugins'/'MassRegressionSonicProducer.cc', PKG/'src'/'E2EInferenceCore.cc',
                  STANDINS/'src'/'TritonClient.cc']


def build_module(sdk)->Path:
    "run_module (the stand-in cmsRun) with the plugin, the inference core and the ONNXRuntime stand-in"
    return build_exe(sdk, 'run_module', [STANDINS/'run_module.cc', *ORT_PRODUCER])


def build_sonic_module(sdk)->Path:
    "run_module with the SONIC plugin, the inference core and the SonicTriton stand-in (in-process ONNX Runtime server)"
    return build_exe(sdk, 'run_module_sonic', [STANDINS/'run_module.cc', *SONIC_PRODUCER])


@pytest.fixture(scope='module')
def exe(sdk): return build_module(sdk)


@pytest.fixture(scope='module')
def exe_sonic(sdk): return build_sonic_module(sdk)


@pytest.fixture(scope='module')
def export(tmp_path_factory):
    "The shipped model exported as for CMSSW (with parity.json's frame bias): (export dir, its CMSSW package)"
    out = tmp_path_factory.mktemp('export')/'part_mass'
    rep = ex.export_run(WEIGHTS, out, n_jets=4, bias_events=12)
    return out, out/'cmssw'/'RecoE2E'/'MassRegression', rep


@pytest.fixture(scope='module')
def events(tmp_path_factory):
    """RecoE2E-layout events (fixed frames, 9 channels, push order) of a few top-gun events, plus per event two copies of
    its first jet that fail RecoE2E's selection (pT 300 GeV; |eta| 1.5) and one whose seed failed, all with real frames"""
    s = rc.frame_sample(6, 'topgun', seed=11)
    jets = s['jets']
    X, names, seeds = rc.emulate_jets(s['det'], jets, s['cfg'], version='fixed', adj=True)
    assert list(names) == list(rc.push_order(True)) and X.shape[1] == 9
    ev = np.asarray(jets['event'])
    kin = np.stack([ev, jets['pt'], jets['eta'], jets['phi'], jets['m_jet']], 1).astype(np.float32)
    rows = dict(kin=[], X=[], seeds=[], kind=[])
    for e in np.unique(ev):
        j = np.flatnonzero(ev == e)
        for i in j: rows['kin'].append(kin[i]); rows['X'].append(X[i]); rows['seeds'].append(seeds[i]); rows['kind'].append('jet')
        i = j[0]
        for kind,col,val in (('soft', 1, 300.), ('forward', 2, 1.5), ('failed_seed', None, None)):
            k = kin[i].copy()
            if col: k[col] = val
            rows['kin'].append(k); rows['X'].append(X[i]); rows['kind'].append(kind)
            rows['seeds'].append(np.array([-1, -1]) if kind == 'failed_seed' else seeds[i])
    d = tmp_path_factory.mktemp('events')
    k, x, sd = np.stack(rows['kin']), np.stack(rows['X']).astype('<f4'), np.stack(rows['seeds']).astype('<f4')
    (d/'meta.txt').write_text(f'{len(k)} {x.shape[1]} {x.shape[2]} {x.shape[3]}\n')
    k.astype('<f4').tofile(d/'jets.bin'); x.tofile(d/'frames.bin'); sd.tofile(d/'seeds.bin')
    return d, dict(kin=k, X=x, seeds=sd.astype(np.int64), kind=np.array(rows['kind']), names=names)


def run_module(exe, pkg, pset, tmp_path, data=None, *flags):
    "Run `run_module` on `pset` (text) with the package's data on CMSSW_SEARCH_PATH: (returncode, stdout, stderr)"
    (tmp_path/'pset.txt').write_text(pset)
    out = tmp_path/'out'; out.mkdir(exist_ok=True)
    env = dict(os.environ, CMSSW_SEARCH_PATH=str(pkg.parents[1]))
    args = [str(exe), str(tmp_path/'pset.txt')] + ([str(data), str(out), *flags] if data else [])
    r = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
    return r.returncode, r.stdout, r.stderr


def expected(run, ev):
    "Python masses of the jets the producer should regress (selected, seeded); NaN elsewhere"
    k, seeds = ev['kin'], ev['seeds']
    ok = (k[:, 1] >= 400) & (np.abs(k[:, 2]) <= 1.37) & (seeds[:, 0] >= 0)
    x = rc.to_model_order(ev['X'][ok], ev['names'], run.config['channels'])
    sc = np.stack([rc.seed_to_ieta(seeds[ok, 0]), rc.seed_to_iphi(seeds[ok, 1])], 1).astype(np.float32)
    y = np.full(len(k), np.nan, np.float32)
    y[ok] = run.predict(x, sc)[:, 0]
    return y, ok


PRODUCERS = {'onnx': ('exe', 'massRegression_cfi.py', 'massRegression'),
             'sonic': ('exe_sonic', 'massRegressionSonic_cfi.py', 'massRegressionSonic')}


@pytest.mark.parametrize('producer', PRODUCERS)
def test_produce_matches_python(producer, request, export, events, tmp_path):
    """ValueMap masses of the producer on RecoE2E-layout frames == the Python model, -1 for unselected or unseeded jets:
    MassRegressionProducer (ONNX Runtime in the process) and MassRegressionSonicProducer (acquire() -> the Triton
    client stand-in, which serves the package's model repository data/models/<name>/ -> produce())"""
    _, pkg, _ = export
    data, ev = events
    fixture, cfi, label = PRODUCERS[producer]
    exe = request.getfixturevalue(fixture)
    mod = load_cfi(pkg/'python'/cfi, label)
    rc_, out, err = run_module(exe, pkg, pset_text(mod, label), tmp_path, data)
    assert rc_ == 0, err
    assert 'processed 6 events' in out
    y_cpp = np.fromfile(tmp_path/'out'/'values.bin', '<f4')
    run = load_run(WEIGHTS, device='cpu')
    y_py, ok = expected(run, ev)
    assert ok.sum() >= 10 and (ev['kind'][ok] == 'jet').all()
    np.testing.assert_array_equal(y_cpp[~ok], -1)
    d = np.abs(y_cpp[ok] - y_py[ok])
    rel = d/np.abs(y_py[ok])
    print(f'{producer} C++ producer vs Python on {ok.sum()} jets: max |diff| {d.max():.3g} GeV, '
          f'max rel. {rel.max():.3g}')
    assert rel.max() <= 1e-5
    assert len(np.unique(y_py[ok])) > ok.sum()//2   # not a constant
    np.testing.assert_array_equal(np.fromfile(tmp_path/'out'/'frame2d.bin', '<f4'), y_cpp)


def test_seed_offsets_matter(exe, export, events, tmp_path):
    """The producer's scalars are ieta = row - seedRowOffset, iphi = (column + seedColumnOffset) mod 360, RecoE2E's 55
    and 170 by default: feeding the raw seeds would change the masses (so the parity above would catch a wrong offset),
    and with both offsets 0 the producer does feed the raw seeds"""
    run = load_run(WEIGHTS, device='cpu')
    _, pkg, _ = export
    data, ev = events
    y_py, ok = expected(run, ev)
    x = rc.to_model_order(ev['X'][ok], ev['names'], run.config['channels'])
    raw = run.predict(x, ev['seeds'][ok].astype(np.float32))[:, 0]
    assert np.abs(raw - y_py[ok]).mean() > 1.   # GeV
    mod = load_cfi(pkg/'python'/'massRegression_cfi.py')
    offsets = (mod.seedRowOffset.value(), mod.seedColumnOffset.value())
    assert offsets == (rc.SEED_ROW_OFFSET, rc.SEED_COL_OFFSET) == (55, 170)
    rc_, _, err = run_module(exe, pkg, pset_text(mod, seedRowOffset=('int32', 0), seedColumnOffset=('int32', 0)),
                             tmp_path, data)
    assert rc_ == 0, err
    y_cpp = np.fromfile(tmp_path/'out'/'values.bin', '<f4')[ok]
    assert (np.abs(y_cpp - raw)/np.abs(raw)).max() <= 1e-5


@pytest.mark.parametrize('override,message', [
    (dict(scalarNames=('vstring', ['ieta', 'm_sd'])), "cannot provide the model's scalar input 'm_sd'"),
    (dict(frameChannels=('vstring', ['hcal', 'ecal', 'track_pt', 'track_d0', 'track_dz'])),
     "model channel 'bpix1' is not among the JetFrames channels"),
    (dict(channelNames=('vstring', ['track_pt', 'track_d0', 'track_dz', 'ecal', 'hcal', 'bpix1', 'bpix2'])),
     r'does not take the configured inputs x: \(N, 7, 125, 125\)'),
    (dict(scalarNames=('vstring', ['ieta'])), r'does not take the configured inputs .*s: \(N, 1\)'),
    (dict(heteroscedastic=('bool', True)), 'returns 1 values per jet; the configuration expects 2'),
    (dict(frameChannels=('vstring', ['hcal', 'hcal'])), "frame channel 'hcal' appears twice"),
    (dict(channels=('vstring', ['ecal'])), "Illegal parameter found in configuration.  The parameter is named:\n 'channels'"),
    (dict(minJetPt=('string', '400')), "Parameter 'minJetPt' has the wrong type"),
])
def test_constructor_refuses(exe, export, tmp_path, override, message):
    "A configuration the producer cannot serve fails in its constructor (or in the framework's validation), clearly"
    _, pkg, _ = export
    mod = load_cfi(pkg/'python'/'massRegression_cfi.py')
    rc_, out, err = run_module(exe, pkg, pset_text(mod, **override), tmp_path)
    assert rc_ == 1 and 'constructed' not in out
    import re
    assert re.search(message, err), err


def test_defaults_and_construction(exe, export, tmp_path):
    "Only the parameters the cfi sets differ from fillDescriptions' defaults; a minimal configuration constructs"
    _, pkg, _ = export
    mod = load_cfi(pkg/'python'/'massRegression_cfi.py')
    minimal = pset_text(mod, **{k: (None, None) for k in mod.params if k not in ('channelNames', 'scalarNames', 'targets')})
    rc_, out, err = run_module(exe, pkg, minimal, tmp_path)
    assert rc_ == 0 and "constructed MassRegressionProducer 'massRegression'" in out, err


def test_frame_count_mismatch(exe, export, events, tmp_path):
    "JetFrames that are not one per jet of 'jets' are an error in produce, naming the cause"
    _, pkg, _ = export
    data, _ = events
    mod = load_cfi(pkg/'python'/'massRegression_cfi.py')
    rc_, _, err = run_module(exe, pkg, pset_text(mod), tmp_path, data, '--drop-last-frame')
    assert rc_ == 1 and 'JetFrameProducer makes one frame and one seed per jet of the collection' in err, err


def test_parity_json_frame_bias(export):
    "parity.json reports the shipped model's bias on emulated RecoE2E frames: none on fixed frames, large otherwise"
    out, _, rep = export
    import json
    fb = json.loads((out/'parity.json').read_text())['frame_bias']
    assert fb == rep['frame_bias']
    print({k: round(fb[k]['mean'], 2) for k in ('prototype', 'fixed', 'fixed_raw_seeds')}, fb['fixed']['n_jets'], 'jets')
    assert abs(fb['fixed']['mean']) < 1e-2
    assert abs(fb['fixed_raw_seeds']['mean']) > 5 and abs(fb['prototype']['mean']) > 5


# The parameters `export.cmssw_cfi` derives from the exported model; fillDescriptions' defaults stand for no model in
# particular (targets ['m_gen'], no scalars), so these are the ones that may differ from them.
MODEL_SPECIFIC = ('channelNames', 'scalarNames', 'targets', 'height', 'width', 'heteroscedastic')


def test_cfi_from_fill_descriptions(exe, export, tmp_path):
    """`run_module --write-cfi` writes the cfi that scram generates from `fillDescriptions` (edmWriteConfigs:
    `massRegressionProducer_cfi.py`, CMSSW's default label of the plugin), and the cfi export ships is that module
    cloned with only the model-specific parameters changed.

    The generated cfi holds fillDescriptions' defaults, which describe no model in particular; export writes the values
    of the model it exports (its channel names and order, scalars, targets, frame size, heteroscedasticity) on top of
    them, as a CMSSW user does with `massRegressionProducer.clone(...)` in a cff. So the check is not equality but:
    same parameter names and cms types, the same values for every parameter not in MODEL_SPECIFIC (input tags, jet
    selection, ONNX names, frame channels, model_path), and shipped == generated.clone(<its MODEL_SPECIFIC values>).
    (fillDescriptions' default FileInPath must resolve, as in a release: the exported package is on the search path.)"""
    _, pkg, _ = export
    r = subprocess.run([str(exe), '--write-cfi', str(tmp_path)], capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, CMSSW_SEARCH_PATH=str(pkg.parents[1])))
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ['massRegressionProducer']
    text = (tmp_path/'massRegressionProducer_cfi.py').read_text()
    print(text)
    assert text.startswith("import FWCore.ParameterSet.Config as cms\n\n"
                           "massRegressionProducer = cms.EDProducer('MassRegressionProducer',\n"
                           "  jets = cms.InputTag('ak8PFJetsCHS'),\n"
                           "  frames = cms.InputTag('JetFrames', 'JetFrames'),\n")
    assert "  minJetPt = cms.double(400),\n  maxJetEta = cms.double(1.37),\n" in text
    assert "  targets = cms.vstring('m_gen'),\n" in text and "  scalarNames = cms.vstring(),\n" in text
    assert text.endswith("  heteroscedastic = cms.bool(False),\n  model_path = cms.FileInPath('RecoE2E/MassRegression/data/model.onnx')\n)\n")
    gen = load_cfi(tmp_path/'massRegressionProducer_cfi.py', 'massRegressionProducer')
    shipped = load_cfi(pkg/'python'/'massRegression_cfi.py')
    assert (pkg/'python'/'massRegression_cfi.py').read_text() == (PKG/'python'/'massRegression_cfi.py').read_text()
    assert gen.type_ == shipped.type_ == 'MassRegressionProducer'
    kinds = lambda m: {k: p.kind for k,p in m.params.items()}
    assert kinds(gen) == kinds(shipped)
    values = lambda m: {k: p.value() for k,p in m.params.items()}
    changed = {k for k in gen.params if values(gen)[k] != values(shipped)[k]}
    assert changed <= set(MODEL_SPECIFIC), changed
    assert {'scalarNames', 'targets'} <= changed   # the shipped model's: ['ieta', 'iphi'], ['m_target']
    clone = gen.clone(**{k: shipped.params[k] for k in MODEL_SPECIFIC})
    assert values(clone) == values(shipped) and kinds(clone) == kinds(shipped)


# ---- the package's Catch2 tests (test/*.cc), built against the stand-ins (tests/cmssw_standins/include/catch.hpp
# where no Catch2 is installed, FWCore/TestProcessor) ----

@pytest.fixture(scope='module')
def catch_producer(sdk):
    "test/testMassRegressionProducer.cc (TestProcessor) with the plugin, as scram builds it for `scram b runtests`"
    return build_exe(sdk, 'testMassRegressionProducer', [PKG/'test'/'testMassRegressionProducer.cc', *ORT_PRODUCER])


def test_catch2_test_processor(catch_producer, export, events, tmp_path):
    """The package's TestProcessor test passes: selection and -1 sentinels, errors in produce, configurations refused
    in the constructor (cms::Exception), and on the RecoE2E-layout reference events (`events`) its per-jet masses equal
    the Python model's within a relative 1e-5"""
    _, pkg, _ = export
    data, ev = events
    y_py, ok = expected(load_run(WEIGHTS, device='cpu'), ev)
    np.where(ok, y_py, -1).astype('<f4').tofile(data/'masses.bin')
    env = dict(os.environ, CMSSW_SEARCH_PATH=str(pkg.parents[1]), E2E_MASSREGRESSION_EVENTS=str(data))
    r = subprocess.run([str(catch_producer)], capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)
    print(r.stdout[-2000:], r.stderr[-4000:])
    assert r.returncode == 0 and 'All tests passed' in r.stdout, r.stderr[-4000:]
    import re
    m = re.search(r'reference events: (\d+) masses, max rel\. diff (\S+); (\d+) jets skipped', r.stdout)
    assert m and int(m.group(1)) == ok.sum() >= 10 and int(m.group(3)) == (~ok).sum(), r.stdout
    assert float(m.group(2)) <= 1e-5
    # the stand-in Catch2 fails a failing check: the masses must not pass against shifted references
    (data/'masses.bin').write_bytes((np.where(ok, y_py*(1 + 1e-4), -1).astype('<f4')).tobytes())
    r = subprocess.run([str(catch_producer), '[reference]'], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 1 and 'CHECK( rel <= 1e-5 )' in r.stderr and '1 failed' in r.stdout, r.stdout + r.stderr


def test_catch2_inference_core(sdk, export):
    "The package's test of the inference core (test/testE2EInferenceCore.cc) passes on the exported data/"
    _, pkg, _ = export
    exe = build_exe(sdk, 'testE2EInferenceCore', [PKG/'test'/'testE2EInferenceCore.cc', PKG/'src'/'E2EInferenceCore.cc'])
    r = subprocess.run([str(exe)], capture_output=True, text=True, timeout=300,
                       env=dict(os.environ, E2E_MASSREGRESSION_DATA=str(pkg/'data')))
    assert r.returncode == 0 and 'All tests passed' in r.stdout, r.stdout[-2000:] + r.stderr[-4000:]


# ---- SONIC: MassRegressionSonicProducer against the SonicTriton stand-in ----

def sonic_repo(pkg, tmp_path, edit):
    "A copy of the exported package whose model repository's config.pbtxt is changed by `edit` (text -> text)"
    import shutil
    root = tmp_path/'repo'
    shutil.copytree(pkg.parents[1], root)
    (cfg,) = (root/'RecoE2E'/'MassRegression'/'data'/'models').glob('*/config.pbtxt')
    cfg.write_text(edit(cfg.read_text()))
    return root/'RecoE2E'/'MassRegression'


def test_sonic_batch_above_max_batch_size(exe_sonic, export, events, tmp_path):
    "More selected jets in an event than the server's max_batch_size: the client refuses the batch, the producer says so"
    _, pkg, _ = export
    data, ev = events
    import re
    repo = sonic_repo(pkg, tmp_path, lambda t: re.sub(r'max_batch_size: \d+', 'max_batch_size: 1', t))
    mod = load_cfi(repo/'python'/'massRegressionSonic_cfi.py', 'massRegressionSonic')
    rc_, _, err = run_module(exe_sonic, repo, pset_text(mod, 'massRegressionSonic'), tmp_path, data)
    assert rc_ == 1 and "exceed the server's max_batch_size" in err, err
    assert 'Requested batch size 2 exceeds server-specified max batch size 1' in err


@pytest.mark.parametrize('edit,override,message', [
    (lambda t: t.replace('dims: [ 8, 125, 125 ]', 'dims: [ 7, 125, 125 ]'), {},
     "failed to load: input 'x' of config.pbtxt .* does not match the ONNX graph's"),
    (lambda t: t.replace('name: "y"', 'name: "mass"'), {}, "failed to load: unexpected output 'mass' in config.pbtxt"),
    (None, dict(channelNames=('vstring', ['track_pt', 'track_d0', 'track_dz', 'ecal', 'hcal', 'bpix1', 'bpix2'])),
     "input 'x' has 125000 values per jet on the server; the configuration expects 109375"),
    (None, dict(output=('string', 'm')), "the server's model has no output 'm'"),
    (None, dict(heteroscedastic=('bool', True)),
     "output 'y' has 1 values per jet on the server; the configuration expects 2"),
])
def test_sonic_refuses(exe_sonic, export, tmp_path, edit, override, message):
    "A model repository unlike its ONNX graph, or a configuration the server's model cannot serve: fails at beginStream"
    _, pkg, _ = export
    repo = sonic_repo(pkg, tmp_path, edit) if edit else pkg
    mod = load_cfi(repo/'python'/'massRegressionSonic_cfi.py', 'massRegressionSonic')
    rc_, out, err = run_module(exe_sonic, repo, pset_text(mod, 'massRegressionSonic', **override), tmp_path)
    import re
    assert rc_ == 1 and 'constructed' not in out and re.search(message, err), err


def test_sonic_client_pset_validated(exe_sonic, export, tmp_path):
    "The Client PSet is validated against TritonClient::fillPSetDescription: modelName is required, defaults filled"
    _, pkg, _ = export
    mod = load_cfi(pkg/'python'/'massRegressionSonic_cfi.py', 'massRegressionSonic')
    text = pset_text(mod, 'massRegressionSonic')
    assert '\tmodelName\t' in text and 'untracked uint32\ttimeout\t' in text
    rc_, _, err = run_module(exe_sonic, pkg, text.replace('PSet\tClient\t6', 'PSet\tClient\t5').replace(
        [l for l in text.splitlines() if '\tmodelName\t' in l][0] + '\n', ''), tmp_path)
    assert rc_ == 1 and "Missing required parameter: the ParameterSet has no parameter 'modelName'" in err, err
    rc_, out, err = run_module(exe_sonic, pkg, text, tmp_path)
    assert rc_ == 0 and "constructed MassRegressionSonicProducer 'massRegressionSonic'" in out, err


# ---- the package's python configuration: cfg and cff ----

def test_cfg_loads_and_matches_fill_descriptions(exe, export, tmp_path, monkeypatch):
    """test/massRegression_cfg.py (cmsRun's configuration) executes with the stand-in FWCore.ParameterSet.Config and the
    stand-ins of the release's and RecoE2E's configuration it loads (tests/cmssw_standins/python): its massRegression
    module has exactly the parameters (names, cms types) of the cfi fillDescriptions generates, passes the framework's
    validation and constructs; it is given the jets and the jet selection of RecoE2E's JetFrames, and its frameChannels
    are the DetFrames channels the cfg makes (RecoE2E's doTracksAtECALadjPt: 9, in push order)"""
    _, pkg, _ = export
    monkeypatch.setenv('CMSSW_SEARCH_PATH', str(pkg.parents[1]))
    args = ['inputFiles=file:AODSIM.root', 'maxEvents=10', 'outputFile=e2e.root']
    p = run_config(pkg/'test'/'massRegression_cfg.py', args)['process']
    m, jf = p.massRegression, p.JetFrames
    assert p.name_ == 'E2EMassRegression' and m.type_ == 'MassRegressionProducer'
    r = subprocess.run([str(exe), '--write-cfi', str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    gen = load_cfi(tmp_path/'massRegressionProducer_cfi.py', 'massRegressionProducer')
    assert {k: q.kind for k,q in m.params.items()} == {k: q.kind for k,q in gen.params.items()}
    rc_, out, err = run_module(exe, pkg, pset_text(m), tmp_path)
    assert rc_ == 0 and "constructed MassRegressionProducer 'massRegression'" in out, err
    assert m.jets.value() == jf.ak8PFJetCollection.value() == 'ak8PFJetsCHS' and jf.jetCollection.value() == 'ak8'
    assert m.minJetPt.value() == jf.minJetPt.value() == 400 and m.maxJetEta.value() == jf.maxJetEta.value() == 1.37
    assert (m.frames.value(), m.seeds.value()) == ('JetFrames:JetFrames', 'JetFrames:JetSeeds')
    assert p.DetFrames.doTracksAtECALadjPt.value() == jf.doTracksAtECALadjPt.value()
    adj = p.DetFrames.doTracksAtECALadjPt.value()
    assert m.frameChannels.value() == [rc.RECOE2E_TO_E2E[c] for c in rc.push_order(adj)]
    assert [p.label(x) for x in p.p.items] == ['DetFrames', 'JetFrames', 'massRegression']
    assert 'keep *_massRegression_*_*' in p.out.outputCommands.value()
    io = (p.source.fileNames.value(), p.maxEvents.input.value(), p.out.fileName.value())
    assert io == ('file:AODSIM.root', 10, 'e2e.root')


def test_cff_modules_construct(exe, export, tmp_path, monkeypatch):
    """python/massRegression_cff.py: its clones of the generated cfi construct, massRegression on RecoE2E's own frames
    (9 channels), massRegressionPatched on the patched RecoE2E's (8, doTracksAtECALadjPt off)"""
    _, pkg, _ = export
    monkeypatch.setenv('CMSSW_SEARCH_PATH', str(pkg.parents[1]))
    ns = run_config(pkg/'python'/'massRegression_cff.py')
    for label, adj in (('massRegression', True), ('massRegressionPatched', False)):
        m = ns[label]
        assert m.frameChannels.value() == [rc.RECOE2E_TO_E2E[c] for c in rc.push_order(adj)]
        rc_, out, err = run_module(exe, pkg, pset_text(m, label), tmp_path)
        assert rc_ == 0 and f"constructed MassRegressionProducer '{label}'" in out, err
    assert ns['massRegressionTask'].items == [ns['massRegression']]


CATCH_SELFTEST = r'''
#define CATCH_CONFIG_MAIN
#include "catch.hpp"
#include <iostream>
#include <stdexcept>
TEST_CASE("sections", "[self]") {
  std::cout << "start";
  SECTION("A") {
    std::cout << " A";
    SECTION("A1") { std::cout << " A1"; }
    SECTION("A2") { std::cout << " A2"; }
  }
  SECTION("B") { std::cout << " B"; }
  std::cout << std::endl;
}
TEST_CASE("failures", "[fail]") {
  const int one = 1;
  CHECK(one == 2);
  REQUIRE_THROWS_AS(throw std::runtime_error("x"), std::logic_error);
  std::cout << "not reached" << std::endl;
}
'''


def test_catch_standin_semantics(tmp_path):
    """The Catch2 stand-in runs a test case once per leaf section as Catch2 does (A/A1, A/A2, B), reports a failed
    CHECK with its expansion and goes on, stops at a failed REQUIRE, and fails the executable"""
    (tmp_path/'t.cc').write_text(CATCH_SELFTEST)
    cxx = os.environ.get('CXX', 'g++')
    r = subprocess.run([cxx, '-std=c++17', '-Wall', '-Wextra', '-Werror', f'-I{STANDINS/"include"}', str(tmp_path/'t.cc'),
                        '-o', str(tmp_path/'t')], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-3000:]
    r = subprocess.run([str(tmp_path/'t'), '[self]'], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.splitlines()[:3] == ['start A A1', 'start A A2', 'start B'], r.stdout
    assert 'All tests passed (0 assertions in 1 test cases)' in r.stdout
    r = subprocess.run([str(tmp_path/'t')], capture_output=True, text=True)
    assert r.returncode == 1 and 'not reached' not in r.stdout and '1 failed' in r.stdout
    assert 'CHECK( one == 2 )\nwith expansion:\n  1 == 2' in r.stderr and 'REQUIRE_THROWS_AS' in r.stderr, r.stderr
