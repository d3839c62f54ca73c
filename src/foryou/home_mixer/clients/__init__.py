"""Home Mixer clients."""
