// MapLibre labels its own controls in English and plotly.js gives it no locale: the attribution
// button's tool tip and accessible name are taken here from the figure's plotly.js dictionary
// (config.locales, built from words.toml by i18n.plot_words), keyed by MapLibre's English text.
(function () {
  var KEYS = { ".maplibregl-ctrl-attrib-button": "Toggle attribution" };
  function words(root) {
    Object.keys(KEYS).forEach(function (selector) {
      root.querySelectorAll(selector).forEach(function (button) {
        var gd = button.closest(".js-plotly-plot"), c = gd && gd._context;
        var entry = c && c.locales && c.locales[c.locale];
        var word = entry && entry.dictionary && entry.dictionary[KEYS[selector]];
        if (word && button.getAttribute("title") !== word) {
          button.setAttribute("title", word);
          button.setAttribute("aria-label", word);
        }
      });
    });
  }
  var queued = false;
  new MutationObserver(function () {  // once a frame at most, as in a11y.js
    if (!queued) {
      queued = true;
      requestAnimationFrame(function () { queued = false; words(document); });
    }
  }).observe(document.documentElement, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["title"],
  });
})();
