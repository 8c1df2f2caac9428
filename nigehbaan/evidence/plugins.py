"""The hashers Nigehbaan ships, declared in one place.

Built-in algorithms go through the same registry an extension would use, so the plugin interface
is proven by the product itself: a TMK+PDQF class added to `BUILTIN` (or registered on a copy of
the default registry) is all the pipeline needs to compute it.
"""

from __future__ import annotations

from nigehbaan.evidence.hashers import Hasher, HasherRegistry
from nigehbaan.evidence.hashing import CRYPTOGRAPHIC
from nigehbaan.evidence.perceptual import ImagePdq, VideoFramePdq

BUILTIN: tuple[Hasher, ...] = (*CRYPTOGRAPHIC, ImagePdq(), VideoFramePdq())


def default_registry() -> HasherRegistry:
    return HasherRegistry(BUILTIN)
