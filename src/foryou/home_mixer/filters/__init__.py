"""Home Mixer filters."""
