"""The patches for cms-e2e/RecoE2E shipped in e2e_nb/cmssw/RecoE2E/patches: they apply in series to the prototype's
sources (when a copy of the repository is at hand), and what their patched loops compute is what the emulator's
'fixed' frames are (self-contained: the loops are read from the patch text and run in numpy on emulated deposits)"""
import os, re, shutil, subprocess
from pathlib import Path
import numpy as np
import pytest
from e2e_nb import recoe2e as R
from e2e_nb.export import cmssw_sources

PATCHES = cmssw_sources().parent/'patches'
SERIES = sorted(PATCHES.glob('*.patch'))
COMMIT = '8c089207c7dfa5a4ec5b125d779e369839d2852f'
MIRROR = Path(os.environ.get('RECOE2E_GIT_DIR', '/work/.mirror/cms-e2e+RecoE2E/repo'))


def added(name:str)->str:
    "The lines patch `name` adds, without their leading '+'"
    text = (PATCHES/f'{name}.patch').read_text()
    return '\n'.join(l[1:] for l in text.splitlines() if l.startswith('+') and not l.startswith('+++'))


def test_series_and_readme():
    assert [p.stem for p in SERIES] == ['0001-hcal-frame-layout', '0002-bpix-copy-and-layer', '0003-channel-order',
                                        '0004-ecal-endcap-fill', '0005-esconsumes', '0006-cfg-consistency']
    readme = (PATCHES/'README.md').read_text()
    assert COMMIT in readme and 'not compiled' in readme.lower()
    for p in SERIES: assert p.name in readme


def _originals(dest:Path)->Path:
    if not (MIRROR/'HEAD').exists() and not (MIRROR/'.git').exists():
        pytest.skip(f'no copy of cms-e2e/RecoE2E at {MIRROR} (set RECOE2E_GIT_DIR to a clone or bare mirror)')
    if not shutil.which('git'): pytest.skip('git is not installed')
    arch = subprocess.run(['git', f'--git-dir={MIRROR}', 'archive', COMMIT, 'FrameProducers', 'TopTagger', 'QGTagger'],
                          capture_output=True)
    if arch.returncode: pytest.skip(f'commit {COMMIT[:7]} not in {MIRROR}: {arch.stderr.decode()[:200]}')
    dest.mkdir(); subprocess.run(['tar', 'x'], input=arch.stdout, cwd=dest, check=True)
    return dest


def test_patches_apply_in_series(tmp_path):
    src = _originals(tmp_path/'RecoE2E')
    for p in SERIES: # each must apply without fuzz to the tree the previous ones left
        for cmd in (['git', 'apply', '--check', '-p1', str(p)], ['git', 'apply', '-p1', str(p)]):
            r = subprocess.run(cmd, cwd=src, capture_output=True, text=True)
            assert r.returncode == 0, f'{p.name}: {r.stderr}'
    if shutil.which('patch'): # and with plain patch(1) on a fresh copy, as a user without git would
        fresh = _originals(tmp_path/'fresh')
        for p in SERIES:
            r = subprocess.run(['patch', '-p1', '--fuzz=0', '-i', str(p)], cwd=fresh, capture_output=True, text=True)
            assert r.returncode == 0, f'{p.name}: {r.stdout}{r.stderr}'
    det = (src/'FrameProducers/plugins/DetFrameProducer.cc').read_text()
    assert 'sizeof(setChannelOrder)' not in det and 'channelOrder_' in det
    for f in src.rglob('*.cc'): # no token-less EventSetup access left outside comments
        code = re.sub(r'//[^\n]*', '', re.sub(r'/\*.*?\*/', '', f.read_text(), flags=re.S))
        assert not re.search(r'iSetup\.get<\w+>\(\)', code), f


def test_patch_content():
    hcal, bpix, order, ee, es, cfg = (added(p.stem) for p in SERIES)
    assert 'vHBHE_energy_reshaped[idx/HBHE_IPHI_NUM][idx%HBHE_IPHI_NUM]' in hcal
    assert 'idx<vBPIX_ECAL_[1][0].size()' in bpix and 'sizeof(' not in bpix.split('for (')[1]
    assert 'parseChannelOrder' in order and 'sizeof(setChannelOrder)' not in order
    assert 'hEvt_EE_energy[pos.eta() > 0. ? 1 : 0]->Fill( pos.phi(), pos.eta(), energy_ )' in ee
    for rec in ('CaloGeometryRecord', 'TrackerDigiGeometryRecord', 'TrackerTopologyRcd', 'IdealMagneticFieldRecord'):
        assert f', {rec}>();' in es and f', {rec}>' in es
    assert not re.search(r'iSetup\.get<\w+>\(\)', es) and 'tTopo->pxbLayer(detid)' in es
    assert 'doTracksAtECALadjPt = cms.bool(False)' in cfg and 'setChannelOrder = cms.string("")' in cfg
    assert 'AODSIM keeps neither' in cfg.replace('AOD/AODSIM', 'AODSIM') and 'numberOfStreams = 1' in cfg


# --- the patched loops, read from the patches, against the emulator -----------------------------------------------
CONST = dict(HBHE_IPHI_NUM=72, nDetFrameW=360) # RecoE2E's interface/constants.h


def hcal_frame(towers:np.ndarray, patch_text:str)->np.ndarray:
    "`vHBHE_energy_reshaped` as the patched loop `reshaped[idx/W][idx%W] = v[idx]` fills it, W read from the patch"
    w = CONST[re.search(r'vHBHE_energy_reshaped\[(?:int\()?idx/(\w+)\)?\]\[idx%(\w+)\]', patch_text).group(1)]
    v, f = towers.ravel(), np.zeros((280, 360), np.float32)
    idx = np.arange(v.size); f[idx//w, idx % w] = v
    return f


def bpix_frames(arrays:list, patch_text:str)->list:
    "BPIX1-3 frames as the patched copy loop fills them: source arrays and loop bound read from the patch"
    src = [int(k) for k in re.findall(r'vBPIX\d_ECAL_reshaped\[[^=]+=vBPIX_ECAL_\[(\d)\]\[0\]\[idx\]', patch_text)]
    bound = re.search(r'idx<vBPIX_ECAL_\[(\d)\]\[0\]\.size\(\)', patch_text)
    assert len(src) == 3 and bound
    n = arrays[int(bound.group(1))].size
    out = []
    for k in src:
        f = np.zeros(280*360, np.float32); f[:n] = arrays[k].ravel()[:n]; out.append(f.reshape(280, 360))
    return out


def parse_channel_order(s:str, n:int)->list:
    "Python transcription of the patch's `parseChannelOrder`"
    if not s.strip(' '): return []
    order = [int(x) for x in s.split(',')]
    if sorted(order) != list(range(n)): raise ValueError(f'{s!r} is not a permutation of 0...{n-1}')
    return order


@pytest.fixture(scope='module')
def sample(): return R.frame_sample(n_events=3, seed=11)


def test_fixed_emulator_is_the_patched_code(sample):
    hcal_p, bpix_p = added('0001-hcal-frame-layout'), added('0002-bpix-copy-and-layer')
    cfg_p = added('0006-cfg-consistency')
    adj = re.search(r'doTracksAtECALadjPt = cms.bool\((\w+)\)', cfg_p).group(1) == 'True'
    order_s = re.search(r'setChannelOrder = cms.string\("([^"]*)"\)', cfg_p).group(1)
    for ev in np.unique(sample['jets']['event']):
        c = R._channels(sample['det'], ev, sample['cfg'])
        frames = [hcal_frame(c['towers'], hcal_p), c['ecal'], c['track_pt'], c['track_d0'], c['track_dz']]
        frames += [c['track_pt_adj']]*adj + bpix_frames(c['bpix'], bpix_p)   # 0004 fills the EE rows of c['ecal']
        order = parse_channel_order(order_s, len(frames)) or list(range(len(frames)))
        fixed, names = R.fixed_frames(sample['det'], ev, sample['cfg'], adj=adj)
        np.testing.assert_array_equal(np.stack([frames[i] for i in order]), fixed)
        assert names == R.push_order(adj) and len(names) == 8
        proto, _ = R.prototype_frames(sample['det'], ev, sample['cfg'], adj=adj)
        assert not np.array_equal(proto, fixed) # the sample is not trivially empty: the bugs show


def test_prototype_emulator_is_the_original_code(sample):
    "The '-' side of the same hunks gives the prototype emulator's HCAL and BPIX frames"
    text = (PATCHES/'0001-hcal-frame-layout.patch').read_text() + (PATCHES/'0002-bpix-copy-and-layer.patch').read_text()
    removed = '\n'.join(l[1:] for l in text.splitlines() if l.startswith('-') and not l.startswith('---'))
    assert 'idx<sizeof(vBPIX_ECAL_)/sizeof(vBPIX_ECAL_[0])' in removed # bound = nBPIX = 5 (constants.h 26)
    removed = removed.replace('idx<sizeof(vBPIX_ECAL_)/sizeof(vBPIX_ECAL_[0])', 'idx<vBPIX_ECAL_[9][0].size()')
    ev = int(sample['jets']['event'][0]); c = R._channels(sample['det'], ev, sample['cfg'])
    proto, _ = R.prototype_frames(sample['det'], ev, sample['cfg'], bugs=('hcal_reshape', 'bpix_copy', 'bpix_layer'))
    np.testing.assert_array_equal(hcal_frame(c['towers'], removed), proto[0])
    five = c['bpix'] + [np.zeros(R.N_BPIX)]*6   # array "9" stands for the bound of 5 entries
    np.testing.assert_array_equal(np.stack(bpix_frames(five, removed)), proto[5:8])


@pytest.mark.parametrize('s,n,out', [('', 8, []), ('0,1,2,3,4,5,6,7', 8, list(range(8))), ('2, 0,1', 3, [2, 0, 1]),
                                     ('10,0,1,2,3,4,5,6,7,8,9', 11, [10] + list(range(10)))])
def test_channel_order_parsing(s, n, out): assert parse_channel_order(s, n) == out


@pytest.mark.parametrize('s,n', [('0,1,2,3,4,5,6,7', 9), ('0,0,1', 3), ('0,1,x', 3)])
def test_channel_order_refused(s, n):
    with pytest.raises(ValueError): parse_channel_order(s, n)
    # the prototype ignores the order whatever it says (sizeof(std::string) is never a channel count)
    assert R.applied_channel_order('1,0,2,3,4,5,6,7', 8) == list(range(8))
