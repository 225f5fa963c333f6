// A new as-of date: the server sends short values (status codes, numbers, ASCII dates); these functions
// put them in the cards, tables, timeline and map already on the page, so names, links and words travel
// once, with the view. Python builds the same texts for the view (dashboard/pages/common.py, city.py).
(function () {
  var dc = (window.dash_clientside = window.dash_clientside || {});
  var PERSIAN = "۰۱۲۳۴۵۶۷۸۹";
  var TIMELINE_TICKS = 6; // components.TIMELINE_TICKS

  // i18n.date_number: 14031230 → "1403/12/30" (0 → "")
  function jalali(n) {
    return n ? String(n).replace(/^(\d{4})(\d{2})(\d{2})$/, "$1/$2/$3") : "";
  }

  function cards(values) {
    var p = new dc.Patch();
    values.forEach(function (text, i) {
      p.assign([i, "props", "children", 0, "props", "children"], text);
    });
    return p.build();
  }

  function timeline(tl) {
    var p = new dc.Patch();
    tl = Object.assign({}, tl, { d: tl.d.map(jalali) });
    tl.y.forEach(function (ys, i) {
      p.assign(["data", i, "x"], tl.x).assign(["data", i, "y"], ys).assign(["data", i, "customdata"], tl.d);
    });
    var step = Math.max(1, Math.floor(tl.x.length / TIMELINE_TICKS));
    var every = function (a) {
      return a.filter(function (_, k) {
        return k % step === 0;
      });
    };
    p.assign(["layout", "xaxis", "tickvals"], every(tl.x)).assign(["layout", "xaxis", "ticktext"], every(tl.d));
    return p.build();
  }

  var TABLE_VALUES = [ // pages/common.py TABLE_VALUES: the numbers of a row of places, in order
    "neighborhoods", "covered", "coverage_count_pct", "coverage_area_pct", "coverage_population_pct",
    "active", "handed_over", "handover_pct", "overdue", "overdue_flag",
  ];
  var MEASURES = ["coverage_count_pct", "coverage_area_pct", "coverage_population_pct", "handover_pct"];

  // i18n.num / i18n.pct with ASCII digits (the figure's Farsi-Digits font draws them Persian)
  function num(x, decimals, fa) {
    if (x === null || x === undefined) return "—";
    var parts = x.toFixed(decimals).split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, fa ? "٬" : ",");
    return parts.join(fa ? "٫" : ".");
  }
  function pct(x, fa) {
    return x === null || x === undefined ? "—" : num(x, 1, fa) + (fa ? "٪" : "%");
  }

  // common.place_values: a place's hover values (covered, neighborhoods, the four shares)
  function placeValues(r, fa) {
    if (!r) return ["—", "—", "—", "—", "—", "—"];
    return [num(r.covered, 0, fa), num(r.neighborhoods, 0, fa)].concat(
      MEASURES.map(function (m) {
        return pct(r[m], fa);
      })
    );
  }

  function indexOf(codes) {
    var at = {};
    codes.forEach(function (c, i) {
      at[c] = i;
    });
    return at;
  }

  dc.regen = {
    // national and province views: cards, the table of places, the timeline, the map's hover values
    // when its points are the table's places (common.spread_values)
    places: function (v, data, store) {
      var byId = {};
      var rows = (data || []).map(function (r) {
        var out = Object.assign({}, r);
        var changed = v.rows[r.id];
        if (changed) {
          TABLE_VALUES.forEach(function (c, j) {
            out[c] = changed[j];
          });
        }
        // "[name](/city/x?as_of=…)": the link keeps the name and takes the new filters (common.link_query)
        out.name = r.name.replace(/\]\(([^)?]*)(\?[^)]*)?\)$/, function (_, path) {
          return "](" + path + v.q + ")";
        });
        byId[r.id] = out;
        return out;
      });
      var map = dc.no_update;
      if (v.hover) {
        var fa = v.hover === "fa";
        map = new dc.Patch()
          .assign(
            ["data", 0, "customdata"],
            store.codes.map(function (c) {
              return placeValues(byId[c], fa);
            })
          )
          .build();
      }
      return [cards(v.cards), rows, timeline(v.tl), map];
    },

    // city view: the map's colours and hovers, both tables, the cards (city._city_values)
    city: function (v, store, hoods, offices) {
      var w = store.words;
      var word = function (i) {
        return i == null ? "" : w.s[i];
      };
      var digits = function (s) {
        return w.fa
          ? s.replace(/[0-9]/g, function (c) {
              return PERSIAN[c];
            })
          : s;
      };
      // per office: planned, established, active, handed over, then the state's date when not one of
      // them (city._office_dates)
      var dates = v.d.map(function (d) {
        return [0, 1, 2, 3, 4].map(function (k) {
          return jalali(d[k]);
        });
      });
      var since = function (i, k) {
        return dates[k][4] || (i >= 1 && i <= 4 ? dates[k][i - 1] : "");
      };
      var map = new dc.Patch()
        .assign(["data", 0, "z"], v.z)
        .assign(["data", 0, "customdata"], v.z.map(word))
        .assign(["data", 1, "marker", "color"], v.o)
        .assign(
          ["data", 1, "customdata"],
          v.o.map(function (i, k) {
            var day = since(i, k);
            return [w.o[i], day ? " (" + w.since + " " + day + ")" : ""];
          })
        );
      var hoodAt = indexOf(store.hoods);
      var hoodRows =
        v.hoods ||
        (hoods || []).map(function (r) {
          return Object.assign({}, r, { status: word(v.z[hoodAt[r.id]]) });
        });
      var officeAt = indexOf(store.offices);
      var officeRows = (offices || []).map(function (r) {
        var k = officeAt[r.id];
        if (k === undefined) return r;
        var d = dates[k];
        return Object.assign({}, r, {
          state: w.o[v.o[k]],
          planned_on: digits(d[0]),
          established_on: digits(d[1]),
          active_on: digits(d[2]),
          handed_over_on: digits(d[3]),
        });
      });
      return [map.build(), cards(v.cards), hoodRows, officeRows];
    },
  };
})();
