"""Home Mixer sources."""
