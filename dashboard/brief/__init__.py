"""The meeting brief: a print-styled page of the HQ's agenda material (coverage and handover, the
provinces that lag, the agencies' performance against their targets, the actions of earlier
resolutions), printed to PDF by headless Chromium. `content` gathers the figures from the dashboard's
query layer, `page` writes the HTML, `render` draws the map and prints."""
