// e2e_nb docs: loaded after require.js and before @jupyter-widgets/html-manager's embed-amd.js.
// The widget bundles find their assets (Font Awesome fonts for widget icons) relative to the URI of their AMD
// module ('@jupyter-widgets/controls', '@jupyter-widgets/html-manager/dist/...'), which require.js resolves below the
// page by default: map those names below _static/widgets/amd/, where docs/build.py put copies of the fonts.
(function () {
  var base = new URL('widgets/amd/', document.currentScript.src).href;
  require.config({paths: {'@jupyter-widgets': base + '@jupyter-widgets'}});
})();

// The widget bundles typeset labels with the MathJax 2 API (MathJax.Hub.Queue) whenever window.MathJax exists; the
// site uses MathJax 3 (Sphinx/myst set window.MathJax to a configuration object first, MathJax 3 replaces it): keep a
// non-enumerable MathJax 2 style Hub.Queue on whatever window.MathJax is, mapped onto MathJax 3's typesetPromise.
(function () {
  function queue(job, tries) {
    var mj = window.MathJax, el = Array.isArray(job) ? job[2] : null;
    tries = tries || 0;
    if (!mj || !mj.typesetPromise || !mj.startup || !mj.startup.promise) {  // MathJax not loaded (yet): wait a little
      if (tries < 100 && document.querySelector('script[src*="mathjax"]')) setTimeout(function () { queue(job, tries + 1); }, 100);
      return;
    }
    mj.startup.promise.then(function () { return mj.typesetPromise(el ? [el] : undefined); })
      .catch(function (e) { console.warn('MathJax typeset of a widget failed', e); });
  }
  function withHub(v) {
    if (v && typeof v === 'object' && !v.Hub) {
      try { Object.defineProperty(v, 'Hub', {value: {Queue: queue}, enumerable: false, configurable: true, writable: true}); }
      catch (e) { /* frozen object: nothing to do */ }
    }
    return v;
  }
  var current = withHub(window.MathJax);
  try {
    Object.defineProperty(window, 'MathJax', {configurable: true, enumerable: true,
      get: function () { return current; }, set: function (v) { current = withHub(v); }});
  } catch (e) { /* window.MathJax not configurable: leave it */ }
})();
