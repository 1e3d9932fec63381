"""Browser test of the offline documentation site (docs/build.py) and the README check.

Builds the site from the notebooks' stored outputs into a temporary folder, serves it from a local http.server on
127.0.0.1 and opens it in headless Debian Chromium (/usr/bin/chromium) driven by playwright. Every request that leaves
the site is recorded and aborted, so the pages are checked to work offline. Screenshots go to artefacts/screenshots/.
Set E2E_DOCS_NBS to build from another notebook folder (development only).
"""
import functools, json, os, re, shutil, subprocess, sys, threading, time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path('/usr/bin/chromium')
SHOTS = ROOT/'artefacts'/'screenshots'
NBS = Path(os.environ.get('E2E_DOCS_NBS', ROOT/'nbs'))
VIEWER_NB = NBS/'07_data.ipynb'   # the jet viewer on a file's jets (nb 05 defines it, 07 shows it live)
ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-quic', '--no-first-run', '--disable-sync']

def _titles():
    "{notebook path: title from its `# Title` cell} for the notebooks of the site, in nbdev's order"
    out = {}
    for p in sorted(NBS.rglob('*.ipynb')):
        if any(part.startswith(('_', '.')) for part in p.relative_to(NBS).parts): continue
        cells = json.loads(p.read_text())['cells']
        md = next((''.join(c['source']) for c in cells if c['cell_type'] == 'markdown'), '')
        m = re.search(r'^#\s+(.+?)\s*$', md, re.M)
        out[p] = re.sub(r'([*`]{1,2})(.+?)\1', r'\2', m.group(1)) if m else p.stem  # as rendered: no emphasis/code marks
    return out

@pytest.fixture(scope='module')
def site(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.fail(f'{CHROMIUM} is not installed: the docs browser test needs Debian\'s chromium '
                    f'(`apt-get install chromium`; the Makefile\'s test target installs it)', pytrace=False)
    out = tmp_path_factory.mktemp('site')/'_docs'
    _titles.cache = _titles()  # the notebooks the site is built from
    t = time.time()
    r = subprocess.run([sys.executable, str(ROOT/'docs'/'build.py'), 'site', '--nbs', str(NBS), '--out', str(out)],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, f'docs build failed:\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}'
    print(f'site built in {time.time()-t:.1f} s')
    return out

@pytest.fixture(scope='module')
def base_url(site):
    handler = functools.partial(type('Quiet', (SimpleHTTPRequestHandler,), {'log_message': lambda *a: None}),
                                directory=str(site))
    srv = ThreadingHTTPServer(('127.0.0.1', 0), handler)
    th = threading.Thread(target=srv.serve_forever, daemon=True); th.start()
    yield f'http://127.0.0.1:{srv.server_address[1]}/'
    srv.shutdown(); srv.server_close()

@pytest.fixture(scope='module')
def browser(site):
    os.environ.setdefault('PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD', '1')
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()

class Page:
    "A page opened in a fresh context that records console errors, page errors, failed and external requests"
    def __init__(self, browser, base_url, path):
        self.base, self.path, self.errors, self.failed, self.external, self.requests = base_url, path, [], [], [], []
        self.ctx = browser.new_context(viewport={'width': 1280, 'height': 900}, service_workers='block')
        self.ctx.route('**/*', self._route)
        self.page = self.ctx.new_page()
        self.page.on('console', lambda m: self.errors.append(f'console.{m.type}: {m.text}') if m.type == 'error' else None)
        self.page.on('pageerror', lambda e: self.errors.append(f'pageerror: {e}'))
        self.page.on('requestfailed', lambda r: self.failed.append(f'{r.url} ({r.failure})'))
        self.page.on('response', lambda r: self.failed.append(f'{r.url} (HTTP {r.status})') if r.status >= 400 else None)
        self.page.goto(base_url + path, wait_until='load')
        self.page.wait_for_load_state('networkidle')

    def _route(self, route):
        url = route.request.url
        self.requests.append(url)
        if url.startswith(self.base) or url.startswith(('data:', 'blob:', 'about:')): route.continue_()
        else: self.external.append(url); route.abort()

    def check_clean(self):
        assert not self.external, f'{self.path}: requests outside the site: {self.external}'
        assert not self.failed, f'{self.path}: failed requests: {self.failed}'
        assert not self.errors, f'{self.path}: console errors: {self.errors}'

    def shot(self, name, **kw):
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS/name), **kw)

    def close(self): self.ctx.close()

def test_index_renders_with_navigation(site, base_url, browser):
    titles = _titles.cache
    assert titles, f'no notebooks in {NBS}'
    p = Page(browser, base_url, 'index.html')
    try:
        assert 'e2e_nb' in p.page.title(), p.page.title()
        assert p.page.locator('article h1').first.inner_text().strip() == titles[NBS/'index.ipynb']
        nav = p.page.locator('.sidebar-tree a.reference.internal')
        links = {nav.nth(i).inner_text().strip(): nav.nth(i).get_attribute('href') for i in range(nav.count())}
        want = [t for nb, t in titles.items() if nb.name != 'index.ipynb']
        missing = [t for t in want if t not in links]
        assert not missing, f'notebooks missing from the navigation: {missing} (links: {list(links)})'
        assert list(links) == want, f'navigation order {list(links)} != notebook order {want}'
        for href in links.values(): assert (site/href.split('#')[0]).exists(), href
        p.check_clean()
        p.shot('index.png', full_page=True)
    finally: p.close()

def test_api_tables(site, base_url, browser):
    "show_doc renders as parameter tables, not as raw markdown or HTML text"
    p = Page(browser, base_url, 'core.html')
    try:
        tables = p.page.locator('article .cell_output table')
        assert tables.count() >= 3, f'expected show_doc parameter tables on core.html, found {tables.count()}'
        hdr = tables.first.locator('thead').inner_text()
        assert 'Details' in hdr and 'Type' in hdr, hdr
        text = p.page.locator('article').inner_text()
        assert '|---' not in text and '| **' not in text, 'raw markdown table text in the page'
        assert '<table' not in text and '</div>' not in text and '```' not in text, 'raw HTML/markdown text in the page'
        p.check_clean()
        p.shot('core.png', full_page=True)
    finally: p.close()

def test_every_page_offline(site, base_url, browser):
    "Every page loads without console errors, failed or external requests, and all its images (plots) load"
    n_img, shot = 0, False
    for html in sorted(site.rglob('*.html')):
        p = Page(browser, base_url, html.relative_to(site).as_posix())
        try:
            imgs = p.page.locator('article .cell_output img')
            for i in range(imgs.count()):
                imgs.nth(i).scroll_into_view_if_needed()
                ok = imgs.nth(i).evaluate('e => e.complete && e.naturalWidth > 0')
                assert ok, f'{html.name}: output image {i} did not load'
                if not shot and imgs.nth(i).evaluate('e => e.src.includes("_images/")'):
                    p.shot('plot.png'); shot = True  # the first plot of the site, in view
                n_img += 1
            p.check_clean()
        finally: p.close()
    print(f'{n_img} output images loaded')

def _visible_state(viewer):
    "What the viewer shows: sources of its visible images and its visible text"
    return viewer.evaluate('''v => {
        const vis = e => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
        const imgs = [...v.querySelectorAll('img')].filter(vis).map(i => i.src.slice(-200));
        return {imgs, text: v.innerText};
    }''')

def test_widget_slider_changes_output(site, base_url, browser):
    assert VIEWER_NB.exists(), f'{VIEWER_NB} is missing: the jet viewer notebook holds the widget checked here'
    title = _titles.cache[VIEWER_NB]
    m = re.search(r'<a class="reference internal" href="([^"#]+)">' + re.escape(title) + '</a>', (site/'index.html').read_text())
    assert m, f'no link to {VIEWER_NB.name} ({title!r}) in the navigation'
    page = site/m.group(1)
    assert 'e2e-jet-viewer' in page.read_text(), f'{page.name} holds no stored state of the jet viewer (class e2e-jet-viewer): ' \
        f'was {VIEWER_NB.name} run with tools/refresh_nb.py (which stores the widget state)?'
    p = Page(browser, base_url, m.group(1))
    try:
        viewer = p.page.locator('.e2e-jet-viewer').first
        viewer.wait_for(state='visible', timeout=120_000)   # minutes on a loaded 2-core machine
        slider = viewer.locator('.widget-slider').first  # the first slider of the viewer: an IntSlider (jet)
        handle = slider.locator('.noUi-handle').first
        readout = slider.locator('.widget-readout').first
        viewer.scroll_into_view_if_needed()
        p.page.wait_for_timeout(300)
        before, v0 = _visible_state(viewer), readout.inner_text()
        assert before['imgs'] or before['text'].strip(), 'the viewer shows nothing'
        p.shot('widget_before.png')
        viewer.screenshot(path=str(SHOTS/'widget_viewer_before.png'))
        handle.focus(); handle.press('ArrowRight')
        deadline = time.time() + 10
        while time.time() < deadline and _visible_state(viewer) == before: p.page.wait_for_timeout(100)
        after, v1 = _visible_state(viewer), readout.inner_text()
        p.shot('widget_after.png')
        viewer.screenshot(path=str(SHOTS/'widget_viewer_after.png'))
        assert v1 != v0, f'slider readout did not move ({v0!r})'
        assert after != before, 'moving the slider did not change what the viewer shows'
        p.check_clean()
    finally: p.close()

def test_readme_check(tmp_path):
    "`docs/build.py readme`: markdown as is, code as ```python, no hidden cells or directives; `--check` catches a stale copy"
    sys.path.insert(0, str(ROOT/'docs'))
    import build
    nb = ROOT/'nbs'/'index.ipynb'
    dest = tmp_path/'README.md'
    assert build.readme(nb=nb, dest=dest) == 0
    txt = dest.read_text()
    cells = json.loads(nb.read_text())['cells']
    assert txt.startswith(''.join(cells[0]['source']).strip())
    assert '#|' not in txt, 'nbdev directives left in the README'
    for c in cells:
        src = ''.join(c['source'])
        if c['cell_type'] == 'code' and src.lstrip().startswith('#| hide'):
            body = '\n'.join(l for l in src.splitlines() if not l.startswith('#|')).strip()
            assert body not in txt, f'hidden cell in the README: {body!r}'
    assert build.readme(check=True, nb=nb, dest=dest) == 0
    dest.write_text(txt + '\nhand edit\n')
    r = subprocess.run([sys.executable, '-c', f'import sys; sys.path.insert(0, {str(ROOT/"docs")!r}); import build; '
                        f'sys.exit(build.readme(check=True, dest={str(dest)!r}))'], capture_output=True, text=True)
    assert r.returncode == 1 and 'out of date' in r.stderr, (r.returncode, r.stderr)
