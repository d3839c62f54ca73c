"""Home Mixer candidate hydrators."""
