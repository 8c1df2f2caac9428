"""Category schemes as data, and the mapping of a list's raw categories to the unit's scheme."""

from nigehbaan.matching.categories.schemes import (
    Category,
    CategoryMapping,
    CategoryScheme,
    available_schemes,
    load_scheme,
    load_scheme_file,
)

__all__ = [
    "Category",
    "CategoryMapping",
    "CategoryScheme",
    "available_schemes",
    "load_scheme",
    "load_scheme_file",
]
