"""Nigehbaan: case intelligence for units investigating online child sexual exploitation."""

__version__ = "0.1.0"
