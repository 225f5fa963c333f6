"""plotly.js 4.1.1, custom bundle (scripts/plotly_bundle.sh); MIT licence in PLOTLY-LICENSE."""

__version__ = "4.1.1"
