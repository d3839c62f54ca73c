"""Home Mixer side effects."""
