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

  // regen.text.fa_digits, in Persian
  function digits(s, fa) {
    return fa
      ? s.replace(/[0-9]/g, function (c) {
          return PERSIAN[c];
        })
      : s;
  }

  function cards(values) {
    var p = new dc.Patch();
    values.forEach(function (text, i) {
      p.assign([i, "props", "children", 0, "props", "children"], text);
    });
    return p.build();
  }

  // the timeline's first tl.k points kept, the rest sent (common.spread_values)
  function timeline(tl, fig) {
    var p = new dc.Patch();
    var shown = fig.data[0];
    tl = {
      x: shown.x.slice(0, tl.k).concat(tl.x),
      d: shown.customdata.slice(0, tl.k).concat(tl.d.map(jalali)),
      y: tl.y.map(function (ys, i) {
        return fig.data[i].y.slice(0, tl.k).concat(ys);
      }),
    };
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
  var WIRE_VALUES = TABLE_VALUES.slice(0, -1); // overdue_flag follows from overdue
  var MEASURES = ["coverage_count_pct", "coverage_area_pct", "coverage_population_pct", "handover_pct"];
  var NO_DATA = -5; // components.NO_DATA: a place with nothing to measure

  // common.changed_rows: per row of the table, in its order, its changed cells or nothing; a cell
  // "" unchanged, "-" no value, else a number
  function unpackRows(text) {
    return text.split(";").map(function (segment) {
      return segment ? segment.split(",") : null;
    });
  }

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

  var LIST_NAMES = ["uncovered", "due"]; // pages/province.py LISTS, in order
  // province.py _uncovered_shown / _due_shown: a list's row from its codes and numbers
  var SHOWN = {
    uncovered: function (r, w) {
      return {
        id: r[0],
        name: r[1],
        city: r[2],
        kinds: r[3]
          .map(function (k) {
            return w.k[k] || k;
          })
          .join(w.sep),
        area_ha: r[4],
        population: r[5],
        status: w.s[r[6]],
      };
    },
    due: function (r, w) {
      return {
        id: r[0],
        name: r[1],
        city: r[2],
        state: w.s[r[3]],
        since: digits(jalali(r[4]), w.fa),
        due_on: digits(jalali(r[5]), w.fa) || "—",
      };
    },
  };

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
    places: function (v, data, store, fig) {
      var byId = {};
      var numbers = unpackRows(v.rows);
      var rows = (data || []).map(function (r, i) {
        var out = Object.assign({}, r);
        var changed = numbers[i];
        if (changed) {
          WIRE_VALUES.forEach(function (c, j) {
            if (changed[j] !== "") out[c] = changed[j] === "-" ? null : Number(changed[j]);
          });
          out.overdue_flag = out.overdue ? 1 : 0;
        }
        // "[name](/city/x?as_of=…)": the link keeps the name and takes the new filters (common.link_query)
        out.name = r.name.replace(/\]\(([^)?]*)(\?[^)]*)?\)$/, function (_, path) {
          return "](" + path + v.q + ")";
        });
        byId[r.id] = out;
        return out;
      });
      var map = dc.no_update;
      if (v.m !== undefined) {
        // the map's points are the table's places: colours (components.measure_value) and hovers
        var fa = store.words.fa;
        var m = MEASURES[v.m];
        map = new dc.Patch()
          .assign(
            ["data", 0, "marker", "color"],
            store.codes.map(function (c) {
              var r = byId[c];
              return r && r[m] !== null && r[m] !== undefined ? r[m] : NO_DATA;
            })
          )
          .assign(
            ["data", 0, "customdata"],
            store.codes.map(function (c) {
              return placeValues(byId[c], fa);
            })
          )
          .build();
      }
      return [cards(v.cards), rows, timeline(v.tl, fig), map];
    },

    // province view: each list's page (row_changes.rows_changes, rows shown as province.py's
    // Listing.shown does), its number of pages, note, and the store's record of what the lists show
    // (the page number itself the server sets: province.show_province)
    lists: function (v, store) {
      var tables = Array.prototype.slice.call(arguments, 2); // each list's rows
      var w = store.words;
      var next = Object.assign({}, store, { lists: Object.assign({}, store.lists) });
      if ("day" in v) {
        next.day = v.day;
        next.kind = v.kind;
      }
      var out = { data: [], count: [], note: [] };
      LIST_NAMES.forEach(function (name, j) {
        var ch = v.lists[name];
        if (!ch) {
          ["data", "count", "note"].forEach(function (k) {
            out[k].push(dc.no_update);
          });
          return;
        }
        var show = function (r) {
          return SHOWN[name](r, w);
        };
        var rows = ch.r ? ch.r.map(show) : (tables[j] || []).slice();
        if (!ch.r) {
          ch.d.forEach(function (i) {
            rows.splice(i, 1);
          });
          ch.i.forEach(function (ir) {
            rows.splice(ir[0], 0, show(ir[1]));
          });
        }
        out.data.push(rows);
        out.count.push(ch.c);
        out.note.push(w.total + ": " + digits(num(ch.n, 0, w.fa), w.fa)); // province._note
        next.lists[name] = { page: ch.p, sort: ch.s };
      });
      return out.data.concat(out.count, out.note, [next]);
    },

    // city view: the map's colours and hovers, both tables, the cards (city._city_values)
    city: function (v, store, hoods, offices) {
      var w = store.words;
      var word = function (i) {
        return i == null ? "" : w.s[i];
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
          planned_on: digits(d[0], w.fa),
          established_on: digits(d[1], w.fa),
          active_on: digits(d[2], w.fa),
          handed_over_on: digits(d[3], w.fa),
        });
      });
      return [map.build(), cards(v.cards), hoodRows, officeRows];
    },
  };
})();
