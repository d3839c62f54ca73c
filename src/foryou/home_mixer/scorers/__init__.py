"""Home Mixer scorers."""
