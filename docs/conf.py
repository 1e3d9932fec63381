# Sphinx configuration of e2e_nb's offline documentation site (used by docs/build.py, `sphinx -c docs`).
# The source directory is .cache/docs_src/ (notebooks processed by nbdev, staged by docs/build.py).
import configparser
from pathlib import Path

_root = Path(__file__).resolve().parents[1]
_ini = configparser.ConfigParser(); _ini.read(_root/'settings.ini')
_cfg = _ini['DEFAULT']

project = _cfg.get('title', 'e2e_nb')
author = _cfg.get('author', '')
copyright = _cfg.get('copyright', '')
release = version = _cfg.get('version', '')

extensions = ['myst_nb']
root_doc = 'index'
exclude_patterns = ['**.ipynb_checkpoints', '_build']
source_suffix = {'.ipynb': 'myst-nb', '.md': 'myst-nb'}

# notebooks are rendered from their stored outputs: never executed here
nb_execution_mode = 'off'
nb_merge_streams = True
nb_render_markdown_format = 'myst'  # show_doc outputs are markdown with tables
myst_enable_extensions = ['dollarmath', 'amsmath', 'colon_fence', 'attrs_inline', 'html_image', 'deflist']
myst_heading_anchors = 3
# links are plain hrefs (docs/build.py already rewrote nbdev's and notebook links to this site's pages)
myst_all_links_external = True
suppress_warnings = ['myst.header', 'mystnb.unknown_mime_type', 'misc.highlighting_failure']

# ipywidgets: JavaScript vendored from the npm registry by docs/build.py setup (no CDN). Paths are below _static/.
# Modules the bundled manager does not provide would be looked up below _static/widgets/npm/ (on this site, never a CDN).
nb_ipywidgets_js = {
    'widgets/require.js': {},
    'widgets-config.js': {},  # docs/static/: tells require.js where the bundles' fonts are
    'widgets/embed-amd.js': {'data-jupyter-widgets-cdn': '_static/widgets/npm/', 'data-jupyter-widgets-cdn-only': ''},
}
# MathJax 3, vendored too (Sphinx's default would load it from a CDN)
mathjax_path = 'mathjax/tex-mml-chtml.js'
# $...$ too, for math in widget labels (ipywidgets typesets them; myst's own math comes as \( \) and \[ \])
mathjax3_config = {'tex': {'inlineMath': [['$', '$'], ['\\(', '\\)']], 'processEscapes': True}}

try:
    import furo  # noqa: F401
    html_theme = 'furo'
    # no arrow-key page navigation: arrow keys belong to the widgets (sliders) on the page
    html_theme_options = {'navigation_with_keys': False, 'sidebar_hide_name': False}
except ImportError:
    html_theme = 'alabaster'
html_title = project
smartquotes = False  # docments and code-like text keep their straight quotes
html_favicon = 'favicon.svg'
html_static_path = [str(_root/'.cache'/'docs_static'), str(Path(__file__).parent/'static')]
html_css_files = ['e2e.css']
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None

