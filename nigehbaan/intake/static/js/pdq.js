/*
 * Nigehbaan — PDQ perceptual hash in the browser (our own implementation).
 *
 * Written from the published description of Meta's PDQ (ThreatExchange pdq/README and the
 * hashing paper). The server hashes seized media with `pdqhash` (the Python binding of the
 * reference C++) on Pillow-decoded pixels, so every step here is chosen to land on the same
 * bits when it is given the same pixels:
 *
 *  1. luminance Y = 0.299 R + 0.587 G + 0.114 B, computed in double and stored as float32
 *     (that is what the pdqhash binding does with numpy before calling the C++);
 *  2. blur with a "Jarosz" filter: two passes of a 1-D box filter along rows then columns,
 *     the window being ceil(dimension / 128) so two passes make a tent about 1/64 of the
 *     image wide; the box filter is a running sum whose window shrinks at the borders;
 *  3. decimate to 64x64 by sampling the blurred image at the centres of a 64x64 grid
 *     (an image that is already 64x64 is used as is, as in the reference);
 *  4. quality: the sum of quantised gradients between neighbours of the 64x64 image / 90,
 *     capped at 100;
 *  5. 2-D DCT-II of the 64x64 image keeping the 16x16 low frequencies 1..16 (DC dropped);
 *  6. bit = coefficient > median of the 256 coefficients (the lower median, the 128th
 *     smallest), bit k = row * 16 + column; printed as sixteen 16-bit words, highest first.
 *
 * Why float32 everywhere (Math.fround and Float32Array)? The reference does its sums in C
 * `float`. The median threshold is a hard cut, so coefficients lying close to the median flip
 * when the arithmetic differs; doing the same roundings in the same order makes this code
 * agree with pdqhash bit for bit on identical pixels, which leaves image decoding as the only
 * source of disagreement (measured in tests/intake/test_browser_hashing.py).
 *
 * Why no downscaling to 512 px first? pdqhash hashes the full-resolution pixels, and so do we.
 * Memory is about 8 bytes per pixel (two float32 planes): 96 MB for a 12-megapixel photo.
 *
 * Plain ES2017, no dependencies, no network access. Exposes `NigehbaanPDQ` on the global
 * object (window or worker).
 */
(function (root) {
  'use strict';

  var fround = Math.fround;
  var MIN_HASHABLE_DIM = 5;
  var SIDE = 64;

  /** Box-filter window for one axis: ceil(old / (2 * new)); two passes give the tent. */
  function jaroszWindowSize(oldDimension, newDimension) {
    return Math.floor((oldDimension + 2 * newDimension - 1) / (2 * newDimension));
  }

  /**
   * Running-mean box filter along each row of `src` (rows x cols) into `dst`.
   * Output j averages src[j - (w - h) .. j + h - 1] clipped to the row, with h = floor((w+2)/2):
   * the window is centred, leaning right for even widths. The sum runs in float32: add the
   * entering value, then subtract the leaving one, like the reference.
   */
  function boxAlongRows(src, dst, rows, cols, w) {
    var half = Math.floor((w + 2) / 2);
    var lead = half - 1; // values summed before the first output
    var grow = w - half + 1; // outputs written while the window is still growing
    var full = cols - w; // outputs with a full window
    for (var r = 0; r < rows; r++) {
      var base = r * cols;
      var sum = 0;
      var count = 0;
      var right = base;
      var left = base;
      var out = base;
      var i;
      for (i = 0; i < lead; i++) {
        sum = fround(sum + src[right++]);
        count++;
      }
      for (i = 0; i < grow; i++) {
        sum = fround(sum + src[right++]);
        count++;
        dst[out++] = sum / count;
      }
      for (i = 0; i < full; i++) {
        sum = fround(sum + src[right++]);
        sum = fround(sum - src[left++]);
        dst[out++] = sum / count;
      }
      for (i = 0; i < lead; i++) {
        sum = fround(sum - src[left++]);
        count--;
        dst[out++] = sum / count;
      }
    }
  }

  /**
   * The same filter down each column. All columns advance together one row at a time (a
   * float32 running sum per column), which reads memory in order instead of striding through
   * it, yet performs per column exactly the additions and subtractions of the row version.
   */
  function boxAlongCols(src, dst, rows, cols, w, sums) {
    var half = Math.floor((w + 2) / 2);
    var lead = half - 1;
    var grow = w - half + 1;
    var full = rows - w;
    var right = 0; // row entering the window
    var left = 0; // row leaving it
    var out = 0; // row written
    var count = 0;
    var c;
    var i;
    sums.fill(0);
    function add(row) {
      var o = row * cols;
      for (c = 0; c < cols; c++) sums[c] = sums[c] + src[o + c];
    }
    function sub(row) {
      var o = row * cols;
      for (c = 0; c < cols; c++) sums[c] = sums[c] - src[o + c];
    }
    function write(row) {
      var o = row * cols;
      for (c = 0; c < cols; c++) dst[o + c] = sums[c] / count;
    }
    for (i = 0; i < lead; i++) {
      add(right++);
      count++;
    }
    for (i = 0; i < grow; i++) {
      add(right++);
      count++;
      write(out++);
    }
    for (i = 0; i < full; i++) {
      add(right++);
      sub(left++);
      write(out++);
    }
    for (i = 0; i < lead; i++) {
      sub(left++);
      count--;
      write(out++);
    }
  }

  /** Blur `luma` in place (using `scratch` of the same size) and sample a 64x64 grid. */
  function downsampleTo64(luma, scratch, rows, cols) {
    var out = new Float32Array(SIDE * SIDE);
    var i;
    var j;
    if (rows === SIDE && cols === SIDE) {
      out.set(luma.subarray(0, SIDE * SIDE));
      return out;
    }
    var wRows = jaroszWindowSize(cols, SIDE); // window along a row spans columns
    var wCols = jaroszWindowSize(rows, SIDE);
    var sums = new Float32Array(cols);
    for (var pass = 0; pass < 2; pass++) {
      boxAlongRows(luma, scratch, rows, cols, wRows);
      boxAlongCols(scratch, luma, rows, cols, wCols, sums);
    }
    for (i = 0; i < SIDE; i++) {
      var srcRow = Math.floor(((i + 0.5) * rows) / SIDE);
      for (j = 0; j < SIDE; j++) {
        var srcCol = Math.floor(((j + 0.5) * cols) / SIDE);
        out[i * SIDE + j] = luma[srcRow * cols + srcCol];
      }
    }
    return out;
  }

  /** Gradient-based quality 0..100 of the 64x64 image (PDQ's image-domain heuristic). */
  function qualityOf(b) {
    var total = 0;
    var i;
    var j;
    function step(u, v) {
      // (u - v) * 100 / 255 in float32, truncated toward zero
      var d = fround(fround(fround(u - v) * 100) / 255);
      return Math.abs(Math.trunc(d));
    }
    for (i = 0; i < SIDE - 1; i++) {
      for (j = 0; j < SIDE; j++) total += step(b[i * SIDE + j], b[(i + 1) * SIDE + j]);
    }
    for (i = 0; i < SIDE; i++) {
      for (j = 0; j < SIDE - 1; j++) total += step(b[i * SIDE + j], b[i * SIDE + j + 1]);
    }
    return Math.min(100, Math.floor(total / 90));
  }

  /** Rows 1..16 of the orthonormal 64-point DCT-II basis, as float32 (16 x 64). */
  var DCT = (function () {
    var m = new Float32Array(16 * SIDE);
    var scale = fround(Math.sqrt(2 / SIDE));
    var step = Math.PI / 2 / SIDE;
    for (var u = 0; u < 16; u++) {
      for (var x = 0; x < SIDE; x++) {
        m[u * SIDE + x] = scale * Math.cos(step * (u + 1) * (2 * x + 1));
      }
    }
    return m;
  })();

  /** B = D A D^T restricted to 16x16, float32 accumulation in index order. */
  function dct16(a) {
    var t = new Float32Array(16 * SIDE);
    var b = new Float32Array(256);
    var u;
    var v;
    var k;
    var sum;
    for (u = 0; u < 16; u++) {
      for (v = 0; v < SIDE; v++) {
        sum = 0;
        for (k = 0; k < SIDE; k++) sum = fround(sum + fround(DCT[u * SIDE + k] * a[k * SIDE + v]));
        t[u * SIDE + v] = sum;
      }
    }
    for (u = 0; u < 16; u++) {
      for (v = 0; v < 16; v++) {
        sum = 0;
        for (k = 0; k < SIDE; k++) sum = fround(sum + fround(t[u * SIDE + k] * DCT[v * SIDE + k]));
        b[u * 16 + v] = sum;
      }
    }
    return b;
  }

  /** 256 coefficients -> 64 hex digits: bit k set when coefficient k > the lower median. */
  function bitsToHex(coefficients) {
    var sorted = Float32Array.from(coefficients).sort();
    var median = sorted[127];
    var hex = '';
    for (var word = 15; word >= 0; word--) {
      var value = 0;
      for (var bit = 15; bit >= 0; bit--) {
        value = value * 2 + (coefficients[word * 16 + bit] > median ? 1 : 0);
      }
      hex += (value + 0x10000).toString(16).slice(1);
    }
    return hex;
  }

  /*
   * Dihedral variants computed on the 16x16 DCT, without re-hashing: a flip of the image
   * negates the odd frequencies along that axis, a transpose transposes the coefficients.
   * The names are those of the reference dihedral hashes; `rotate90` is a quarter turn
   * counter-clockwise of the image (Pillow's ROTATE_90), `flipY` mirrors left-right (FLIP_LEFT_RIGHT),
   * `flipX` turns upside down (FLIP_TOP_BOTTOM), `flipPlus1` transposes (TRANSPOSE) and
   * `flipMinus1` is the other diagonal (TRANSVERSE).
   */
  var DIHEDRAL = {
    original: { transpose: false, negateRowOdd: false, negateColOdd: false },
    flipX: { transpose: false, negateRowOdd: true, negateColOdd: false }, // upside down
    flipY: { transpose: false, negateRowOdd: false, negateColOdd: true }, // mirror left-right
    rotate180: { transpose: false, negateRowOdd: true, negateColOdd: true },
    flipPlus1: { transpose: true, negateRowOdd: false, negateColOdd: false }, // transpose
    rotate90: { transpose: true, negateRowOdd: false, negateColOdd: true },
    rotate270: { transpose: true, negateRowOdd: true, negateColOdd: false },
    flipMinus1: { transpose: true, negateRowOdd: true, negateColOdd: true }
  };

  /*
   * The frequency index u in our coefficients is 1..16, stored at 0..15: an "odd frequency"
   * (sign flips under mirroring) is an EVEN storage index.
   */
  function transformCoefficients(b, name) {
    var t = DIHEDRAL[name];
    if (!t) throw new Error('unknown dihedral transform: ' + name);
    var out = new Float32Array(256);
    for (var i = 0; i < 16; i++) {
      for (var j = 0; j < 16; j++) {
        // coefficient (i, j) of the source; rows are vertical frequencies (image rows).
        var value = b[i * 16 + j];
        if (t.negateRowOdd && (i & 1) === 0) value = -value;
        if (t.negateColOdd && (j & 1) === 0) value = -value;
        if (t.transpose) out[j * 16 + i] = value;
        else out[i * 16 + j] = value;
      }
    }
    return out;
  }

  /**
   * Hash a float32 luminance plane (rows x cols, row-major). The plane is overwritten (it is
   * the blur's working buffer). Returns {hash, quality, coefficients}.
   */
  function hashLuma(luma, rows, cols) {
    if (rows < MIN_HASHABLE_DIM || cols < MIN_HASHABLE_DIM) {
      return { hash: '0'.repeat(64), quality: 0, coefficients: new Float32Array(256) };
    }
    var scratch = new Float32Array(rows * cols);
    var small = downsampleTo64(luma, scratch, rows, cols);
    var coefficients = dct16(small);
    return { hash: bitsToHex(coefficients), quality: qualityOf(small), coefficients: coefficients };
  }

  /** Luminance of RGBA bytes (alpha ignored) into `out` starting at pixel `offset`. */
  function lumaFromRGBA(rgba, out, offset) {
    var n = rgba.length >> 2;
    for (var p = 0, q = 0; p < n; p++, q += 4) {
      // same expression and order as the numpy computation in the pdqhash binding
      out[offset + p] = rgba[q] * 0.299 + rgba[q + 1] * 0.587 + rgba[q + 2] * 0.114;
    }
  }

  /** Hash RGBA bytes (e.g. ImageData.data) of a width x height image. */
  function hashRGBA(rgba, width, height) {
    var luma = new Float32Array(width * height);
    lumaFromRGBA(rgba, luma, 0);
    return hashLuma(luma, height, width);
  }

  /** Hamming distance of two 64-hex-digit hashes. */
  function distance(a, b) {
    if (a.length !== 64 || b.length !== 64) throw new Error('a PDQ hash is 64 hex digits');
    var d = 0;
    for (var i = 0; i < 64; i += 8) {
      var x = (parseInt(a.slice(i, i + 8), 16) ^ parseInt(b.slice(i, i + 8), 16)) >>> 0;
      while (x) {
        x &= x - 1;
        d++;
      }
    }
    return d;
  }

  root.NigehbaanPDQ = {
    hashLuma: hashLuma,
    hashRGBA: hashRGBA,
    lumaFromRGBA: lumaFromRGBA,
    coefficientsToHex: bitsToHex,
    transformCoefficients: transformCoefficients,
    dihedralNames: Object.keys(DIHEDRAL),
    distance: distance,
    jaroszWindowSize: jaroszWindowSize
  };
})(typeof self !== 'undefined' ? self : this);
