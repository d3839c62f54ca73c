"""Tests of foryou.phoenix (a package, so that helpers import relatively)."""
