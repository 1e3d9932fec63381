"""Tests of e2e_nb.viewer: PNG rendering, bad inputs, and that the stored (kernel-less) widget state really switches images."""
import base64, io, re
import numpy as np
import pytest
import ipywidgets as W
import matplotlib as mpl
from ipywidgets.embed import embed_data
from PIL import Image
from e2e_nb.core import E2EDataError
from e2e_nb.viewer import image_png, jet_norm, jet_viewer, plot_jet, plot_jet_grid, colorbar_html, channel_label
from e2e_nb.data import jet_viewer_file, read_jets   # the viewer on a file lives with the reader (notebook 07)

from e2e_nb.schema import CHANNELS as CH

def _jets(n=3, seed=0):
    "Small random sparse jets, all different"
    rng = np.random.default_rng(seed)
    x = np.zeros((n, 8, 125, 125), np.float32)
    for i in range(n):
        for c in range(8):
            r, q = rng.integers(40, 85, (2, 10 + 5*i))
            v = rng.exponential(5., len(r))
            if CH[c] in ('track_d0', 'track_dz'): v *= rng.choice([-1, 1], len(r))
            x[i, c, r, q] = v
    return x

def _rgb(png): return np.asarray(Image.open(io.BytesIO(png)).convert('RGB'))

def test_png_colours():
    img = np.zeros((125, 125), np.float32); img[10, 20], img[30, 40], img[50, 60] = 1., 10., 100.
    for log in (False, True):
        a = _rgb(image_png(img, 'ecal', log=log))
        assert a.shape == (125, 125, 3)
        assert (a[0, 0] == 255).all()                                   # empty pixel: background
        top = (np.array(mpl.colormaps['viridis'](1.)[:3])*255).round()
        assert np.abs(a[50, 60].astype(int) - top).max() <= 1           # the hottest pixel is the top of the colour map
        assert not (a[10, 20] == a[30, 40]).all()
    # on a log scale 10 sits half way between 1 and 100, on a linear one it is near the bottom
    lin, lg = _rgb(image_png(img, 'ecal')), _rgb(image_png(img, 'ecal', log=True))
    mid = (np.array(mpl.colormaps['viridis'](0.5)[:3])*255)
    assert np.abs(lg[30, 40] - mid).max() < 12 and np.abs(lin[30, 40] - mid).max() > 30
    a = _rgb(image_png(img, 'ecal', scale=3))
    assert a.shape == (375, 375, 3) and (a[150:153, 180:183] == a[150, 180]).all()

def test_signed_channel_is_symmetric():
    img = np.zeros((5, 5)); img[1, 1], img[3, 3] = -0.02, 0.01
    norm, cmap = jet_norm(img, 'track_d0')
    assert cmap == 'RdBu_r' and norm.vmin == -norm.vmax == -0.02
    norm, cmap = jet_norm(img, 'track_d0', log=True)
    assert type(norm).__name__ == 'SymLogNorm'
    assert type(jet_norm(img, 'ecal', log=True)[0]).__name__ == 'LogNorm'   # a named energy channel stays sequential
    h = colorbar_html(*jet_norm(img, 'track_d0'), channel_label('track_d0'))
    assert '-0.02' in h and '0.02' in h and 'track d0 [cm]' in h

def test_bad_inputs():
    x = _jets(2)
    cases = [(lambda: jet_viewer(x[0]), '(N, C, H, W)'), (lambda: jet_viewer(x, channels=CH[:3]), 'channels'),
             (lambda: jet_viewer(x, jets=[2]), 'out of range'), (lambda: jet_viewer(x, jets=[]), 'no jets'),
             (lambda: jet_viewer(x, {'m_gen': [1., 2., 3.]}), "'m_gen'"), (lambda: jet_viewer(x, jets=[0, 1], labels=[7]), 'labels'),
             (lambda: image_png(np.full((4, 4), np.nan)), 'non-finite'), (lambda: image_png(x[0]), '2-d')]
    for f, msg in cases:
        with pytest.raises(E2EDataError, match=re.escape(msg)): f()
    xn = x.copy(); xn[1, 4, 3, 3] = np.inf
    with pytest.raises(E2EDataError, match='non-finite'): jet_viewer(xn, channels=CH)

def _visible(state, root, values):
    "What a browser shows without a kernel: set control values, run every jslink, then descend into the selected stack pages"
    st = {k: dict(v['state']) for k, v in state.items()}
    for mid, v in values.items(): st[mid].update(v)
    ref = lambda s: s[len('IPY_MODEL_'):]
    for m in st.values():
        if m['_model_name'] == 'LinkModel':
            (s, sa), (t, ta) = m['source'], m['target']
            st[ref(t)][ta] = st[ref(s)][sa]
    out, todo = [], [root]
    while todo:
        m = st[todo.pop(0)]
        if m['_model_name'] == 'StackModel': todo.append(ref(m['children'][m['selected_index']]))
        elif 'children' in m: todo += [ref(c) for c in m['children']]
        elif m['_model_name'] == 'HTMLModel': out.append(m['value'])
    return out

def test_static_widget_state_switches_images():
    x = _jets(3)
    v = jet_viewer(x, {'m_gen': np.array([100., 200., 300.])}, channels=CH)
    assert 'e2e-jet-viewer' in v._dom_classes
    sl, ch, sc = v.children[0].children
    assert type(sl) is W.IntSlider and (sl.min, sl.max) == (0, 2)
    state = embed_data(views=[v], drop_defaults=False)['manager_state']['state']  # as nbclient stores it
    root = v.model_id
    seen = {}
    for j in range(3):
        for c in range(8):
            for s in range(2):
                vis = _visible(state, root, {sl.model_id: {'value': j}, ch.model_id: {'index': c}, sc.model_id: {'index': s}})
                imgs = [h for h in vis if 'data:image/png' in h]
                assert len(imgs) == 1                             # exactly one image panel on screen
                assert f'{100.*(j+1):.4g}' in ''.join(vis)        # and the table of the selected jet
                seen[j, c, s] = imgs[0]
                png = base64.b64decode(re.search(r'base64,([^"]+)', imgs[0]).group(1))
                assert png == image_png(x[j, c], CH[c], log=bool(s))
    assert len(set(seen.values())) == len(seen)                  # every (jet, channel, scale) shows a different picture

def test_viewer_file(tmp_path, synthetic):
    p = synthetic(12, 1, compression='gzip')
    x, sc, chans = read_jets(p, [7, 2, 7])
    assert x.shape == (3, 8, 125, 125) and chans == CH and (x[0] == x[2]).all() and not (x[0] == x[1]).all()
    assert sc['m_gen'][0] == sc['m_gen'][2] and 'event' in sc
    v = jet_viewer_file(p, jets=[7, 2])
    info = v.children[2].children[1].children
    assert '>jet 7<' in info[0].value and '>jet 2<' in info[1].value
    with pytest.raises(E2EDataError, match='out of range'): jet_viewer_file(p, jets=[12])
    with pytest.raises(E2EDataError): jet_viewer_file(tmp_path/'missing.h5')

def test_plots():
    x = _jets(1)[0]
    ax = plot_jet(x[3], 'ecal', log=True)
    assert ax.get_title() == 'ECAL energy' and ax.figure.axes[1].get_ylabel() == 'ECAL energy [GeV]'
    fig = plot_jet_grid(x, CH, ncols=3)
    assert len(fig.axes) == 9 + 8                                 # 3 x 3 panels (one empty) and 8 colour bars
    assert fig.axes[3].get_title() == 'ECAL energy [GeV]' and fig.axes[-1].get_ylabel() == ''
    mpl.pyplot.close('all')
