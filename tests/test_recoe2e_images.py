"""RecoE2E's image conventions on a hand-built event, every expected pixel worked out by hand.

RecoE2E (cms-e2e/RecoE2E, FrameProducers/plugins/DetFrameProducer_fillTracksAtECALstitched.cc,
DetFrameProducer::fillTracksAtECALstitched): highPurity tracks at their direction at the vertex (iTk->eta(),
iTk->phi()); the pT channel sums iTk->pt() over all of them; d0 and dz are iTk->dxy/dz(vtxs[0].position()),
summed per pixel over the tracks with |dz| < z0PVCut (0.1 cm). ECAL: crystal energies; HCAL: towers copied to
5 x 5 crystals with E/25 (JetFrameProducer + FrameStriding); BPIX: +1 per hit at the hit's (eta, phi) from the origin.
"""
import math
import numpy as np
import pytest
from e2e_nb.detector import DetectorConfig, detector_response, ETA_FRAME_MAX, D_ETA, D_PHI
from e2e_nb.jets import jet_images

# every smearing, inefficiency, fake, noise and shower effect off: the response is exact
EXACT = DetectorConfig(track_eff=(1., 1.), track_fake_rate=0., pt_res=(0., 0.), d0_res=(0., 0.), dz_res=(0., 0.),
                       ecal_res=(0., 0.), ecal_noise=0., mip=0., ecal_lambda=0., e_over_h=1., hcal_res=(0., 0.),
                       hcal_spread=0., pixel_efficiency=1.)
PV_Z = 0.5


def crystal(eta, phi):
    "frame row and column of (eta, phi), by hand: 0.0174 rows from eta = -2.436, 360 columns from phi = -pi"
    return math.floor((eta + 2.436)/0.0174), math.floor((phi + math.pi)/(2*math.pi/360)) % 360


def particle(pid, q, pt, eta, phi, v, pileup=False):
    px, py, pz = pt*math.cos(phi), pt*math.sin(phi), pt*math.sinh(eta)
    m = 0.10566 if abs(pid) == 13 else 0.4976 if pid == 130 else 0.
    return dict(id=pid, charge=q, px=px, py=py, pz=pz, e=math.sqrt(px*px + py*py + pz*pz + m*m),
                vx=v[0], vy=v[1], vz=v[2], pileup=pileup, from_b=False, event=0)


def event():
    "Muons as tracks (no calorimeter energy with mip = 0), a photon, a K0L; one pile-up muon"
    ph = 0.2
    return [particle(-13, 1., 50., 0.1, ph, (0., 0., PV_Z)),                                 # A: prompt
            particle(13, -1., 20., 0.1, ph, (-0.02*math.sin(ph), 0.02*math.cos(ph), PV_Z)),   # D: A's pixel, d0 = 0.02
            particle(-13, 1., 30., -0.3, 0.1, (0., 0., PV_Z + 0.03)),                         # B: z0 = 0.53
            particle(13, -1., 10., 0.3, 0.35, (0., 0., 3.0), pileup=True),                     # C: pile-up, z0 = 3
            particle(22, 0., 30./math.cosh(-0.1), -0.1, 0.25, (0., 0., PV_Z)),                 # photon, E = 30
            particle(130, 0., 20., 0.15, 0.3, (0., 0., PV_Z))]                                 # K0L


def as_table(ps):
    t = {k: np.array([p[k] for p in ps]) for k in ps[0]}
    return {k: (v.astype(np.int64) if k in ('id', 'event') else v.astype(bool) if k in ('pileup', 'from_b') else
                v.astype(np.float32) if k == 'charge' else v.astype(np.float64)) for k, v in t.items()}


def test_hand_built_event_gives_recoe2e_pixels():
    ps = event(); parts = as_table(ps)
    det = detector_response(parts, EXACT, np.random.default_rng(0))
    seed = crystal(0.0 + 0.005, 0.2)                      # image centre: any crystal near the deposits
    X, ieta, iphi = jet_images(det, dict(event=np.array([0]), eta=np.array([0.]), phi=np.array([0.2])), EXACT,
                               np.random.default_rng(0), (np.array([seed[0]]), np.array([seed[1]])))
    X = X[0].astype(np.float64)
    win = lambda c: (c[0] - seed[0] + 62, (c[1] - seed[1] + 62) % 360)
    exp = np.zeros_like(X)
    # primary vertex: the cluster A, D, B (sum pT^2 = 3800 > C's 100); its z is the mean of their z0 (equal errors)
    z0 = {'A': PV_Z, 'D': PV_Z, 'B': PV_Z + 0.03, 'C': 3.0}
    zpv = (z0['A'] + z0['D'] + z0['B'])/3
    # tracks at their vertex direction; pT summed over all tracks, d0/dz over |dz| < 0.1 cm only
    a = win(crystal(0.1, 0.2))
    exp[0][a] = 50. + 20.; exp[1][a] = 0. + 0.02; exp[2][a] = (z0['A'] - zpv) + (z0['D'] - zpv)
    b = win(crystal(-0.3, 0.1))
    exp[0][b] = 30.; exp[1][b] = 0.; exp[2][b] = z0['B'] - zpv
    c = win(crystal(0.3, 0.35))
    exp[0][c] = 10.                                       # the pile-up track: pT only (dz = 2.49 cm)
    # photon: a straight line from the vertex to the ECAL face (r = 129 cm); 3 x 3 shower 0.84 / 0.03 / 0.01 of 30 GeV
    eg = math.asinh((PV_Z + math.sinh(-0.1)*129.)/129.)
    g = win(crystal(eg, 0.25))
    for de in (-1, 0, 1):
        for dp in (-1, 0, 1):
            f = 0.84 if de == dp == 0 else 0.16*3/16 if de == 0 or dp == 0 else 0.16/16
            exp[3][g[0] + de, g[1] + dp] = 30.*f
    # K0L: its energy (E = sqrt(p^2 + m^2)) in the HCAL tower of its impact point, on 5 x 5 crystals with E/25
    k = ps[5]; ek = math.asinh((PV_Z + math.sinh(0.15)*129.)/129.)
    te, tp = math.floor((ek + 2.436)/(5*0.0174)), math.floor((0.3 + math.pi)/(5*2*math.pi/360))
    for r in range(5*te, 5*te + 5):
        for s in range(5*tp, 5*tp + 5):
            exp[4][win((r, s))] = k['e']/25
    # pixel hits: BPIX1-3 at r = 2.9, 6.8, 10.9 cm, the hit's eta seen from the origin; helix turn asin(0.3 B r / 2 pT)
    for p in ps[:4]:
        pt = math.hypot(p['px'], p['py'])
        for layer, r in enumerate((2.9, 6.8, 10.9)):
            x = 0.3*3.8*(r/100)/(2*pt); s = 2*math.asin(x)/x*r/2
            z = p['vz'] + p['pz']/pt*s; phi = math.atan2(p['py'], p['px']) - p['charge']*math.asin(x)
            w = win(crystal(math.asinh(z/r), phi))
            if 0 <= w[0] < 125 and 0 <= w[1] < 125: exp[5 + layer][w] += 1   # C's hits (z = 3 cm) fall outside
    np.testing.assert_allclose(X, exp, rtol=2e-6, atol=2e-6)
    assert exp[1][a] == pytest.approx(0.02) and exp[2][c] == 0   # d0 sums D's displacement; the pile-up track is out


def test_pv_cut_and_legacy_convention():
    "Moving C to 0.05 cm from the PV puts it into d0/dz; the legacy convention keeps one track per pixel at the ECAL face"
    ps = event(); ps[3] = particle(13, -1., 10., 0.3, 0.35, (0., 0., 0.55), pileup=True)
    parts = as_table(ps)
    det = detector_response(parts, EXACT, np.random.default_rng(0))
    seed = crystal(0.005, 0.2); seeds = (np.array([seed[0]]), np.array([seed[1]]))
    jets = dict(event=np.array([0]), eta=np.array([0.]), phi=np.array([0.2]))
    X = jet_images(det, jets, EXACT, np.random.default_rng(0), seeds)[0][0]
    c = crystal(0.3, 0.35); c = (c[0] - seed[0] + 62, c[1] - seed[1] + 62)
    zpv = (PV_Z + PV_Z + PV_Z + 0.03 + 0.55)/4
    assert X[2][c] == pytest.approx(0.55 - zpv, abs=1e-6)
    legacy = DetectorConfig(**{**EXACT.__dict__, 'track_image': 'ecal_face'})
    XL = jet_images(det, jets, legacy, np.random.default_rng(0), seeds)[0][0]
    assert not np.array_equal(XL[0], X[0]) and XL[0].sum() == pytest.approx(X[0].sum(), rel=1e-6)
    assert np.count_nonzero(XL[1]) <= np.count_nonzero(XL[0])
