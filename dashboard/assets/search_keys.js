// The header's search box as a combobox (WAI-ARIA 1.2): its results a listbox of options; Up and Down
// move between them (the focus stays in the box, aria-activedescendant names the active one), Enter
// opens the active one, Escape closes the list. Dash writes the results (dashboard/search.py); this
// only marks them and moves among them in the browser: nothing for the server to know. Enter with no
// active result is the box's own n_submit (the server opens the first result).
(function () {
  var closed = false;  // Escape closed the list: typing opens it again

  function box() { return document.getElementById("search-box"); }
  function list() { return document.getElementById("search-results"); }
  function options() { var l = list(); return l ? [].slice.call(l.querySelectorAll("a.s-hit")) : []; }
  function active() { return options().filter(function (o) { return o.getAttribute("aria-selected") === "true"; })[0]; }

  function mark() {  // after each answer Dash writes: roles, ids, whether the list shows
    var input = box(), l = list();
    if (!input || !l) { return; }
    var opts = options();
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", "search-results");
    if (opts.length) { l.setAttribute("role", "listbox"); } else { l.removeAttribute("role"); }
    l.setAttribute("aria-label", input.getAttribute("placeholder") || "");
    opts.forEach(function (o, i) {
      o.id = "search-hit-" + i;
      o.setAttribute("role", "option");
      o.setAttribute("tabindex", "-1");  // reached by the arrows, not by Tab
      if (!o.hasAttribute("aria-selected")) { o.setAttribute("aria-selected", "false"); }
    });
    var open = opts.length > 0 && !closed;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    l.classList.toggle("closed", closed);
    var now = active();
    if (now && open) { input.setAttribute("aria-activedescendant", now.id); } else { input.removeAttribute("aria-activedescendant"); }
  }

  function choose(i) {
    var opts = options();
    opts.forEach(function (o, j) { o.setAttribute("aria-selected", j === i ? "true" : "false"); });
    if (opts[i]) { opts[i].scrollIntoView({ block: "nearest" }); }
    mark();
  }

  // on the window, capturing: before Dash's own handler, so that Enter on an active result opens that
  // one and not (through n_submit) the first
  window.addEventListener("keydown", function (e) {
    var input = box();
    if (!input || e.target !== input) { return; }
    var opts = options(), now = opts.indexOf(active());
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!opts.length) { return; }
      e.preventDefault();
      closed = false;
      var step = e.key === "ArrowDown" ? 1 : -1;
      choose(now < 0 ? (step > 0 ? 0 : opts.length - 1) : (now + step + opts.length) % opts.length);
    } else if (e.key === "Enter" && now >= 0 && !closed) {
      e.preventDefault();
      e.stopPropagation();
      opts[now].click();  // a dcc.Link: the view opens without a page load
    } else if (e.key === "Escape") {
      if (!closed && opts.length) { e.preventDefault(); }
      closed = true;
      choose(-1);
    }
  }, true);

  document.addEventListener("input", function (e) {
    if (e.target === box()) { closed = false; choose(-1); }  // new text: no result is active yet
  }, true);

  var queued = false;
  new MutationObserver(function () {  // once a frame at most: maps and charts change the page often
    if (!queued) {
      queued = true;
      requestAnimationFrame(function () { queued = false; mark(); });
    }
  }).observe(document.documentElement, { subtree: true, childList: true });
})();
