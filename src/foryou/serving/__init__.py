"""Processes: the gRPC and HTTP edges of the Home Mixer, health, metrics and start-up order."""
