"""Hash-list formats: one plugin class per format, found by name in one registry."""

from nigehbaan.matching.formats.base import ExportItem, HashListFormat
from nigehbaan.matching.formats.registry import available_formats, get_format, register_format

__all__ = ["ExportItem", "HashListFormat", "available_formats", "get_format", "register_format"]
