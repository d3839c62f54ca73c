"""foryou: a runnable implementation of the X "For You" feed recommender.

Layers (imports only go down): cli > serving > web > evaluation > home_mixer | training > data | world >
thunder | phoenix | stores > pipeline > observability > params > core | _proto.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
