"""The Dash app of Regen Atlas."""
