import csv
from pathlib import Path

import numpy as np
from PIL import Image

from nigehbaan.matching.dihedral import VARIANTS, dihedral_pdq, image_pdq
from nigehbaan.matching.pdq_codes import codes_from_hex, distances

CONFORMANCE = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "pdq"


def gradient_image() -> np.ndarray:
    """A smooth generated picture with no symmetry, so each variant hashes differently."""
    y, x = np.mgrid[0:128, 0:96]
    channel = (np.sin(x / 9.0) * 60 + y * 1.2 + (x * y) / 90.0) % 256
    return np.stack([channel, channel[::-1], (channel * 0.5 + x) % 256], axis=2).astype(np.uint8)


TRANSFORMS = {
    "original": lambda im: im,
    "rotate-90": lambda im: np.rot90(im, 1),
    "rotate-180": lambda im: np.rot90(im, 2),
    "rotate-270": lambda im: np.rot90(im, 3),
    "flip-x": lambda im: im[::-1],
    "flip-y": lambda im: im[:, ::-1],
    "flip-plus-1": lambda im: im.transpose(1, 0, 2),
    "flip-minus-1": lambda im: np.rot90(im, 2).transpose(1, 0, 2),
}


def test_each_variant_is_nearest_to_its_own_transformed_image() -> None:
    image = gradient_image()
    variants = dihedral_pdq(image)
    assert variants.codes.shape == (8, 4) and variants.comparable
    for position, name in enumerate(VARIANTS):
        hashed = image_pdq(np.ascontiguousarray(TRANSFORMS[name](image)))
        assert int(np.argmin(distances(variants.codes, hashed.codes[0]))) == position, name


def test_reference_rotations_match_their_variant() -> None:
    expected = {r["file"]: r["pdq"] for r in csv.DictReader((CONFORMANCE / "expected.csv").open())}
    original = "reg-test-input__dih__bridge-1-original.jpg"
    image = np.asarray(Image.open(CONFORMANCE / "images" / original).convert("RGB"))
    variants = dihedral_pdq(image)
    files = sorted(f for f in expected if "__dih__" in f)
    for position, name in enumerate(files):
        reference = codes_from_hex([expected[name]])[0]
        # Each file is its own JPEG of the rotated photograph, not an exact pixel rotation, so
        # it lands within the match radius of its variant rather than within a few bits.
        nearest = distances(variants.codes, reference)
        assert int(np.argmin(nearest)) == position and nearest[position] <= 31, name
