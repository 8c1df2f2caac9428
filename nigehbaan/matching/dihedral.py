"""The eight dihedral variants (rotations and flips) of an image's PDQ hash.

Re-posted material is often rotated or mirrored; PDQ is not invariant to that, but the reference
implementation computes all eight variants from one DCT, far cheaper than hashing eight
transformed images. Matching the variants is the "deeper pass" of near matching.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pdqhash

from nigehbaan.matching.pdq_codes import Codes, codes_from_bits, codes_to_hex

VARIANTS = (
    "original",
    "rotate-90",
    "rotate-180",
    "rotate-270",
    "flip-x",
    "flip-y",
    "flip-plus-1",
    "flip-minus-1",
)
"""In pdqhash's order, named as in the reference's conformance images (`dih` set)."""


@dataclass(frozen=True, slots=True)
class ImagePdq:
    codes: Codes
    """One row per variant: only the first for `image_pdq`, all eight for `dihedral_pdq`."""
    quality: int

    @property
    def hexes(self) -> list[str]:
        return codes_to_hex(self.codes)

    @property
    def comparable(self) -> bool:
        """Below quality 50 a PDQ says too little: report "not comparable", never "no match"."""
        return self.quality >= 50


def image_pdq(image: npt.NDArray[np.uint8]) -> ImagePdq:
    """PDQ of an RGB (h, w, 3) uint8 image as decoded by Pillow."""
    vector, quality = pdqhash.compute(np.ascontiguousarray(image))
    return ImagePdq(codes_from_bits(vector), int(quality))


def dihedral_pdq(image: npt.NDArray[np.uint8]) -> ImagePdq:
    """The eight variants' PDQ, in the order of `VARIANTS`."""
    vectors, quality = pdqhash.compute_dihedral(np.ascontiguousarray(image))
    return ImagePdq(codes_from_bits(np.asarray(vectors)), int(quality))
