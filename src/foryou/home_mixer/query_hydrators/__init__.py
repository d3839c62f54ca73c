"""Home Mixer query hydrators."""
