"""Offline simulator of the Together AI dedicated Endpoints REST API (v1 and v2) for tests and demos."""

__version__ = "0.1.0"
