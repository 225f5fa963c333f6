"""The views. Each module gives its `ROUTE` (a path pattern whose groups are `layout`'s arguments),
`layout(view, **groups)`, the header item it lights (`MENU`; `MENU_HREF` when the item is its own),
`FILTERS_IN_PLACE` (its filters change it in place instead of opening another view), optionally
`brief_of(**groups)` (the province whose meeting brief the header offers, None: the nation's),
optionally `PLACES` (the kinds of place the view opens: province, city, neighborhood, office) with
`place_href(row, view)` (the link that opens a row of queries.search there: the search box's),
optionally `depends_on(**groups)` (the one province whose data it shows, for its kept page's stamp;
none: the whole country's) and, at module level, its callbacks (dashboard/callbacks.py). The frame
(shell.py) routes by these alone."""

from dashboard.pages import about, actions, agencies, audit, city, data, national, province

PAGES = (national, province, city, actions, agencies, data, about, audit)  # the header's items in this order
footer = about.footer  # the line under every view: the demo warning and the attributions
