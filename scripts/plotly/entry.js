// The plotly.js the dashboard serves: its core (scatter, for the timelines) and the traces and
// components the product draws, nothing else (scripts/plotly_bundle.sh builds it). No world calendars:
// Jalali dates are written in Python (regen/jalali.py), the axes carry them as text.
var Plotly = require("plotly.js/lib/core");
Plotly.register([
  require("plotly.js/lib/bar"), // the agencies' progress against their targets
  require("plotly.js/lib/scattermap"), // cities and offices as circles
  require("plotly.js/lib/choroplethmap"), // provinces and neighbourhoods
]);
module.exports = Plotly;
