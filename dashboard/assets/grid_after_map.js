// The map first, then the tables (issue 17, map time). When a view opens, Dash draws its whole layout
// at once, and AG Grid's start (its modules, and measuring every row of a table whose rows grow with
// their text) takes the browser's only thread for 1-4 s before plotly.js may begin the map, which sits
// above the tables. Until the first map of the page has drawn (or the page has no map, or 4 s have
// passed), a grid holds its place with an empty box of its height; then every grid draws, with the
// props it has by then. Once open, the gate stays open: a grid that comes later draws at once.
// Nothing is fetched and nothing is lost: the grid is the same component with the same props.
(function () {
  var ns = window.dash_ag_grid;
  if (!ns || !ns.AgGrid || !window.React) {
    return;
  }
  var React = window.React;
  var Real = ns.AgGrid;
  var MAX_WAIT_MS = 4000;
  var open = false;
  var waiting = null;

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
            open = true;
            resolve();
          } else {
            setTimeout(poll, 50);
          }
        })();
      });
    }
    return waiting;
  }

  function AgGridAfterMap(props) {
    var state = React.useState(open);
    var ready = state[0];
    var setReady = state[1];
    React.useEffect(function () {
      if (!ready) {
        gate().then(function () { setReady(true); });
      }
    }, []);
    if (ready) {
      return React.createElement(Real, props);
    }
    var height = (props.style && props.style.height) || null;
    return React.createElement("div", {
      className: "grid grid-waiting",
      style: height ? { height: height } : { minHeight: "12rem" },
      "aria-busy": "true",
    });
  }

  // the same component to Dash: its defaults and prop types, and every other name of the namespace
  Object.getOwnPropertyNames(Real).forEach(function (key) {
    if (["length", "name", "prototype", "caller", "arguments"].indexOf(key) < 0) {
      try { AgGridAfterMap[key] = Real[key]; } catch (e) { /* a read-only name: keep ours */ }
    }
  });
  var wrapped = {};
  Object.keys(ns).forEach(function (key) { wrapped[key] = ns[key]; });
  wrapped.AgGrid = AgGridAfterMap;
  window.dash_ag_grid = wrapped;
})();
