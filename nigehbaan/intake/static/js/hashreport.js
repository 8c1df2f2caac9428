/*
 * Nigehbaan — hash-only reporting: hash a reporter's own files on their device.
 *
 * A victim can report a picture or video of themselves without sending it: this script
 * computes SHA-256 and MD5 of each chosen file and, for images, a PDQ hash (pdq.js), and
 * the page sends only those. The file never leaves the device: nothing here makes a network
 * request, and `attach` clears the file input once the hashes are taken so that the form
 * cannot upload the file by accident.
 *
 * Needs, loaded before it: hashblock.js, md5.js, sha256.js, pdq.js (all ours, no build step).
 *
 * API (on `window.NigehbaanHash`):
 *   hashFile(file, options) -> Promise<{
 *     name, size, type,            // as the browser reports them (the name stays local)
 *     sha256, md5,                 // 64 / 32 lower-case hex digits
 *     kind,                        // 'image' (PDQ computed or attempted) or 'other'
 *     pdq, quality,                // 64 hex digits and 0..100, or null for non-images
 *     pdqDisplayed,                // PDQ of the image as shown, when EXIF rotates it; else null
 *     orientation,                 // EXIF orientation 1..8 (1 when absent)
 *     width, height,               // stored (not rotated) pixel size, or null
 *     pdqError,                    // why PDQ is null for an image, else null
 *     transparent                  // some pixels fully transparent: PDQ may differ (below)
 *   }>
 *   options: { chunkSize (bytes, default 4 MiB), wholeBufferLimit (default 64 MiB: up to
 *   this size SHA-256 comes from WebCrypto on the whole file; above it, or without a secure
 *   context, our streaming SHA-256 is used), maxPixels (default 100 million), onProgress(f) }
 *   hashFiles(files, options) -> Promise<result[]>   (one at a time, to bound memory)
 *   reportEntry(result) -> {sha256, md5, pdq, quality, size}   what a report sends
 *   attach(input, {output, field})   wire a file input to a status list and a hidden field
 *
 * Which orientation? Seized images are hashed on the server with pdqhash on Pillow's pixels,
 * which ignore EXIF orientation; Chromium always applies it when decoding (it treats
 * imageOrientation 'none' as 'from-image'). So `pdq` undoes the EXIF orientation on the
 * decoded pixels to hash the stored pixels, the same as the server; and when the orientation
 * is not 1, `pdqDisplayed` also gives the hash of the upright picture, because copies that
 * spread are often re-encoded upright with the EXIF tag dropped.
 *
 * Colour: decoding asks for no colour-space conversion (Pillow applies no ICC profile either).
 * Transparency: browsers hand back fully transparent pixels as black (canvas and ImageDecoder
 * alike, measured in Chromium) while Pillow's convert('RGB') keeps their hidden colour, so the
 * PDQ of an image with transparent areas can differ a lot from the server's; such results
 * carry `transparent: true`. Partly transparent and opaque RGBA images agree. Photos, and the
 * re-encoded copies that spread, have no alpha.
 */
(function (root) {
  'use strict';

  var MiB = 1024 * 1024;
  var HEAD_BYTES = 256 * 1024; // enough for the format and the EXIF block
  var DEFAULTS = { chunkSize: 4 * MiB, wholeBufferLimit: 64 * MiB, maxPixels: 100e6 };

  function settings(options) {
    var out = {};
    var key;
    for (key in DEFAULTS) out[key] = DEFAULTS[key];
    if (options) for (key in options) out[key] = options[key];
    return out;
  }

  function toHex(buffer) {
    var bytes = new Uint8Array(buffer);
    var out = '';
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] + 0x100).toString(16).slice(1);
    return out;
  }

  /** Image formats the server (Pillow) and the browser both decode; sniffed, not trusted. */
  function sniffImage(head) {
    var b = head;
    if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
    if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) {
      return 'png';
    }
    if (b.length >= 4 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38) {
      return 'gif';
    }
    if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
    if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) return 'bmp';
    return null;
  }

  function ascii(bytes, start, length) {
    var s = '';
    for (var i = start; i < start + length && i < bytes.length; i++) {
      s += String.fromCharCode(bytes[i]);
    }
    return s;
  }

  /** Orientation tag (0x0112) of a TIFF structure (an EXIF block), or 1. */
  function tiffOrientation(b, start, end) {
    if (end - start < 8) return 1;
    var little = b[start] === 0x49 && b[start + 1] === 0x49;
    var big = b[start] === 0x4d && b[start + 1] === 0x4d;
    if (!little && !big) return 1;
    function u16(p) {
      return little ? b[p] | (b[p + 1] << 8) : (b[p] << 8) | b[p + 1];
    }
    function u32(p) {
      return little
        ? (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16)) + b[p + 3] * 16777216
        : b[p] * 16777216 + ((b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]);
    }
    var ifd = start + u32(start + 4);
    if (ifd + 2 > end) return 1;
    var count = u16(ifd);
    for (var i = 0; i < count; i++) {
      var entry = ifd + 2 + i * 12;
      if (entry + 12 > end) return 1;
      if (u16(entry) === 0x0112) {
        var value = u16(entry + 8);
        return value >= 1 && value <= 8 ? value : 1;
      }
    }
    return 1;
  }

  /**
   * EXIF orientation of a JPEG (APP1) or PNG (eXIf); 1 when absent. Only these two: they are
   * the formats whose orientation Chromium applies when decoding (measured: it ignores the
   * EXIF chunk of a WebP, and so does Pillow), and we must undo exactly what it applied.
   */
  function readOrientation(b, format) {
    var p;
    if (format === 'jpeg') {
      p = 2;
      while (p + 4 <= b.length && b[p] === 0xff) {
        var marker = b[p + 1];
        if (marker === 0xda || marker === 0xd9) break; // start of scan: no more headers
        var length = (b[p + 2] << 8) | b[p + 3];
        if (marker === 0xe1 && ascii(b, p + 4, 6) === 'Exif\u0000\u0000') {
          return tiffOrientation(b, p + 10, Math.min(b.length, p + 2 + length));
        }
        p += 2 + length;
      }
      return 1;
    }
    if (format === 'png') {
      p = 8;
      while (p + 8 <= b.length) {
        var size = b[p] * 16777216 + ((b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]);
        var type = ascii(b, p + 4, 4);
        if (type === 'eXIf') return tiffOrientation(b, p + 8, Math.min(b.length, p + 8 + size));
        if (type === 'IDAT' || type === 'IEND') return 1;
        p += 12 + size;
      }
      return 1;
    }
    return 1;
  }

  /*
   * Where a displayed pixel (x, y) of a w x h decoded image sits in the stored image, per EXIF
   * orientation, as sx = x*a + y*b + c and sy = x*d + y*e + f (the stored size is w x h, or
   * h x w for orientations 5..8); returns [a, b, c, d, e, f].
   */
  function storedMap(orientation, w, h) {
    switch (orientation) {
      case 2: return [-1, 0, w - 1, 0, 1, 0]; // mirrored left-right
      case 3: return [-1, 0, w - 1, 0, -1, h - 1]; // upside down
      case 4: return [1, 0, 0, 0, -1, h - 1]; // mirrored top-bottom
      case 5: return [0, 1, 0, 1, 0, 0]; // transposed
      case 6: return [0, 1, 0, -1, 0, w - 1]; // stored turned 90° anticlockwise
      case 7: return [0, -1, h - 1, -1, 0, w - 1]; // transversed
      case 8: return [0, -1, h - 1, 1, 0, 0]; // stored turned 90° clockwise
      default: return [1, 0, 0, 0, 1, 0];
    }
  }

  /** Re-arrange a displayed luma plane (w x h) into the stored orientation. */
  function unorient(luma, w, h, orientation) {
    var sw = orientation >= 5 ? h : w;
    var sh = orientation >= 5 ? w : h;
    var m = storedMap(orientation, w, h);
    var out = new Float32Array(w * h);
    for (var y = 0; y < h; y++) {
      var row = y * w;
      for (var x = 0; x < w; x++) {
        var sx = x * m[0] + y * m[1] + m[2];
        var sy = x * m[3] + y * m[4] + m[5];
        out[sy * sw + sx] = luma[row + x];
      }
    }
    return { luma: out, width: sw, height: sh };
  }

  function makeCanvas(w, h) {
    if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(w, h);
    var c = document.createElement('canvas');
    c.width = w;
    c.height = h;
    return c;
  }

  /** Decode an image file to a float32 luma plane (as displayed), reading it in strips. */
  function decodeLuma(file, maxPixels) {
    return createImageBitmap(file, {
      imageOrientation: 'from-image',
      colorSpaceConversion: 'none',
      premultiplyAlpha: 'none'
    }).then(function (bitmap) {
      var w = bitmap.width;
      var h = bitmap.height;
      try {
        if (w * h > maxPixels) throw new Error('image too large to hash here (' + w + 'x' + h + ')');
        var canvas = makeCanvas(w, h);
        var ctx = canvas.getContext('2d', { willReadFrequently: true, colorSpace: 'srgb' });
        if (!ctx) throw new Error('no 2d canvas');
        ctx.drawImage(bitmap, 0, 0);
        var luma = new Float32Array(w * h);
        var transparent = false;
        var strip = Math.max(1, Math.floor((4 * MiB) / (4 * w)));
        for (var y = 0; y < h; y += strip) {
          var rows = Math.min(strip, h - y);
          var data = ctx.getImageData(0, y, w, rows, { colorSpace: 'srgb' }).data;
          root.NigehbaanPDQ.lumaFromRGBA(data, luma, y * w);
          for (var a = 3; !transparent && a < data.length; a += 4) transparent = data[a] === 0;
        }
        canvas.width = 0; // release the backing store early
        canvas.height = 0;
        return { luma: luma, width: w, height: h, transparent: transparent };
      } finally {
        bitmap.close();
      }
    });
  }

  function imagePdq(file, orientation, maxPixels) {
    return decodeLuma(file, maxPixels).then(function (shown) {
      var out = { pdqDisplayed: null, transparent: shown.transparent };
      var stored = shown;
      if (orientation !== 1) {
        stored = unorient(shown.luma, shown.width, shown.height, orientation);
        out.pdqDisplayed = root.NigehbaanPDQ.hashLuma(shown.luma, shown.height, shown.width).hash;
      }
      var result = root.NigehbaanPDQ.hashLuma(stored.luma, stored.height, stored.width);
      out.pdq = result.hash;
      out.quality = result.quality;
      out.width = stored.width;
      out.height = stored.height;
      return out;
    });
  }

  function hasWebCrypto() {
    return !!(root.crypto && root.crypto.subtle && root.isSecureContext !== false);
  }

  /** SHA-256 and MD5 of a File/Blob; returns also its first bytes for sniffing. */
  function cryptoHashes(file, opts) {
    var md5 = new root.NigehbaanMD5();
    var size = file.size;
    var progress = opts.onProgress || function () {};
    if (size <= opts.wholeBufferLimit && hasWebCrypto()) {
      return file.arrayBuffer().then(function (buffer) {
        var bytes = new Uint8Array(buffer);
        for (var o = 0; o < bytes.length; o += opts.chunkSize) {
          md5.update(bytes.subarray(o, Math.min(bytes.length, o + opts.chunkSize)));
        }
        return root.crypto.subtle.digest('SHA-256', buffer).then(function (digest) {
          progress(1);
          return { sha256: toHex(digest), md5: md5.hex(), head: bytes.subarray(0, HEAD_BYTES) };
        });
      });
    }
    var sha = new root.NigehbaanSHA256();
    var head = null;
    function step(offset) {
      if (offset >= size && head !== null) {
        return Promise.resolve({ sha256: sha.hex(), md5: md5.hex(), head: head });
      }
      var end = Math.min(size, offset + opts.chunkSize);
      return file
        .slice(offset, end)
        .arrayBuffer()
        .then(function (buffer) {
          var bytes = new Uint8Array(buffer);
          if (head === null) head = bytes.slice(0, HEAD_BYTES);
          md5.update(bytes);
          sha.update(bytes);
          progress(size ? end / size : 1);
          return step(end);
        });
    }
    return step(0);
  }

  function hashFile(file, options) {
    var opts = settings(options);
    return cryptoHashes(file, opts).then(function (digests) {
      var result = {
        name: file.name || '',
        size: file.size,
        type: file.type || '',
        sha256: digests.sha256,
        md5: digests.md5,
        kind: 'other',
        pdq: null,
        quality: null,
        pdqDisplayed: null,
        orientation: 1,
        width: null,
        height: null,
        pdqError: null,
        transparent: false
      };
      var format = sniffImage(digests.head);
      if (!format) return result;
      result.kind = 'image';
      result.orientation = readOrientation(digests.head, format);
      return imagePdq(file, result.orientation, opts.maxPixels).then(
        function (p) {
          result.pdq = p.pdq;
          result.quality = p.quality;
          result.pdqDisplayed = p.pdqDisplayed;
          result.width = p.width;
          result.height = p.height;
          result.transparent = p.transparent;
          return result;
        },
        function (error) {
          result.pdqError = String((error && error.message) || error);
          return result;
        }
      );
    });
  }

  function hashFiles(files, options) {
    var list = Array.prototype.slice.call(files);
    var results = [];
    return list
      .reduce(function (chain, file) {
        return chain.then(function () {
          return hashFile(file, options).then(function (r) {
            results.push(r);
          });
        });
      }, Promise.resolve())
      .then(function () {
        return results;
      });
  }

  /**
   * What a report sends for one file. The file name is left out on purpose: names like
   * "IMG_2024…" or a child's name can identify the reporter, and matching needs only hashes.
   */
  function reportEntry(r) {
    var entry = { sha256: r.sha256, md5: r.md5, size: r.size, pdq: r.pdq, quality: r.quality };
    if (r.pdqDisplayed) entry.pdq_displayed = r.pdqDisplayed;
    return entry;
  }

  /**
   * Wire a file input: on change, hash its files, list them in `output` (messages come from
   * the output's data-msg-working / data-msg-done / data-msg-error attributes, so the page
   * supplies them in the reporter's language), store JSON entries in the hidden `field`, and
   * empty the input so the files themselves can never be submitted. The input's state is in
   * its data-state attribute ('working', 'done', 'error'); a 'nigehbaan:hashed' event carries
   * the full results.
   */
  function attach(input, parts) {
    var output = parts && parts.output;
    var field = parts && parts.field;
    var collected = [];
    // A page shown again after a problem elsewhere keeps the fingerprints already taken.
    try {
      var prior = field && field.value ? JSON.parse(field.value) : [];
      if (Array.isArray(prior)) collected = prior;
    } catch (ignored) {
      collected = [];
    }
    input.removeAttribute('name'); // a nameless input is never part of a form submission
    // Without JavaScript there is nothing to hash with, so the page renders the section
    // hidden and we reveal it here.
    var section = input.closest('[data-nigehbaan-hash-section]');
    if (section) section.hidden = false;
    input.hidden = false;
    function message(key, fallback) {
      return (output && output.getAttribute('data-msg-' + key)) || fallback;
    }
    function line(text) {
      if (!output) return;
      var item = document.createElement('li');
      item.textContent = text;
      output.appendChild(item);
    }
    input.addEventListener('change', function () {
      var files = Array.prototype.slice.call(input.files || []);
      if (!files.length) return;
      input.setAttribute('data-state', 'working');
      if (output) output.setAttribute('aria-busy', 'true');
      hashFiles(files).then(
        function (results) {
          input.value = '';
          results.forEach(function (r) {
            collected.push(reportEntry(r));
            line(r.name + ' — ' + message('done', 'hashed') + ' (' + r.sha256.slice(0, 12) + '…)');
          });
          if (field) field.value = JSON.stringify(collected);
          if (output) output.removeAttribute('aria-busy');
          input.setAttribute('data-state', 'done');
          input.dispatchEvent(new CustomEvent('nigehbaan:hashed', { detail: results }));
        },
        function (error) {
          input.value = '';
          line(message('error', 'could not hash this file') + ': ' + String(error));
          if (output) output.removeAttribute('aria-busy');
          input.setAttribute('data-state', 'error');
        }
      );
    });
  }

  /**
   * Attach every <input type=file data-nigehbaan-hash data-output=ID data-field=ID>.
   * Template contract: give the file input NO name attribute (so that, even without this
   * script, a chosen file can never be uploaded) and put it inside an element with
   * data-nigehbaan-hash-section and the hidden attribute; the hidden field `data-field` is what
   * the form submits (JSON list of reportEntry objects).
   */
  function attachAll(doc) {
    var inputs = doc.querySelectorAll('input[type=file][data-nigehbaan-hash]');
    Array.prototype.forEach.call(inputs, function (input) {
      attach(input, {
        output: doc.getElementById(input.getAttribute('data-output') || ''),
        field: doc.getElementById(input.getAttribute('data-field') || '')
      });
    });
  }

  root.NigehbaanHash = {
    hashFile: hashFile,
    hashFiles: hashFiles,
    reportEntry: reportEntry,
    attach: attach,
    readOrientation: readOrientation,
    sniffImage: sniffImage
  };

  if (typeof document !== 'undefined') {
    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', function () {
        attachAll(document);
      });
    } else {
      attachAll(document);
    }
  }
})(typeof self !== 'undefined' ? self : this);
