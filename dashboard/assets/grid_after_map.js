// The map first, then the tables (issue 17, map time). AG Grid's scripts (its bundle and its grid
// chunk, 0.5 MB in brotli) and its start (its modules, and measuring every row of a table whose rows
// grow with their text) would take the link and the browser's only thread before plotly.js could draw
// the map above the tables. So the page does not load them: the grids of a view arrive as
// `regen_after_map.AgGrid` (dashboard/grids.py), this stand-in, which Dash renders as it renders any
// component, with the grid's props. It keeps an empty box of the grid's height until the page's first
// map has drawn (or the page has no map, or 4 s have passed); then it loads AG Grid's scripts once, at
// the fingerprinted URLs the page names in `<script type="text/x-after-map" data-src=…>` tags
// (dashboard/wire.py), and draws dash_ag_grid.AgGrid with the props it has by then. Once open, the
// gate stays open: a grid that comes later draws at once (from the browser's cache on a repeat visit).
(function () {
  var React = window.React;
  if (!React) {
    return;
  }
  var MAX_WAIT_MS = 4000;
  var open = false;
  var waiting = null;
  var loading = null;

  function mapsDone(polls) {
    var plots = Array.prototype.slice.call(document.querySelectorAll(".js-plotly-plot"));
    var maps = plots.filter(function (g) { return g._fullLayout && g._fullLayout.map; });
    if (maps.length) {
      return maps.some(function (g) {
        var sub = g._fullLayout.map._subplot;
        return sub && sub.map && sub.map.loaded();
      });
    }
    var graphs = document.querySelectorAll(".dash-graph");
    if (!graphs.length) {
      return polls > 5;  // no chart on the page (a quarter of a second for one to appear)
    }
    return Array.prototype.every.call(graphs, function (g) {  // charts, every one drawn, none a map
      var plot = g.querySelector(".js-plotly-plot");
      return plot && plot._fullLayout && !plot._fullLayout.map;
    });
  }

  function gate() {
    if (!waiting) {
      waiting = new Promise(function (resolve) {
        var start = Date.now();
        var polls = 0;
        (function poll() {
          polls += 1;
          if (mapsDone(polls) || Date.now() - start > MAX_WAIT_MS) {
            resolve();
          } else {
            setTimeout(poll, 50);
          }
        })();
      });
    }
    return waiting;
  }

  function grid() {
    return window.dash_ag_grid && window.dash_ag_grid.AgGrid;
  }

  // AG Grid's scripts, in the page's order (a script added by a script runs in the order added when
  // it is not async); resolves once they have all run.
  function load() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var tags = Array.prototype.slice.call(document.querySelectorAll('script[type="text/x-after-map"]'));
        var left = tags.length;
        if (grid() || !left) {
          resolve();
          return;
        }
        tags.forEach(function (tag) {
          var s = document.createElement("script");
          s.src = tag.getAttribute("data-src");
          s.async = false;
          s.onload = function () {
            left -= 1;
            if (!left) {
              resolve();
            }
          };
          s.onerror = function () { loading = null; reject(new Error("not loaded: " + s.src)); };
          document.body.appendChild(s);
        });
      });
    }
    return loading;
  }

  function AgGrid(props) {
    var state = React.useState(open && !!grid());
    var ready = state[0];
    var setReady = state[1];
    React.useEffect(function () {
      if (!ready) {
        gate().then(load).then(function () {
          open = true;
          setReady(true);
        }, function (e) { window.console.error(e); });
      }
    }, []);
    if (ready) {
      return React.createElement(grid(), props);
    }
    var height = (props.style && props.style.height) || null;
    return React.createElement("div", {
      className: "grid grid-waiting",
      style: height ? { height: height } : { minHeight: "12rem" },
      "aria-busy": "true",
    });
  }

  window.regen_after_map = { AgGrid: AgGrid };
})();
