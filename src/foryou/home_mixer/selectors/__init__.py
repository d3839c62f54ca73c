"""Home Mixer selectors."""
