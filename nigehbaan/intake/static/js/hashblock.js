/*
 * Nigehbaan — what MD5 and SHA-256 share: 64-byte block buffering and Merkle–Damgård padding.
 *
 * Both hashes eat 64-byte blocks, keep a partial block between `update` calls, and finish by
 * appending 0x80, zeros, and the message length in bits as a 64-bit number. They differ only
 * in the compression function and in the byte order of that length (MD5 little-endian,
 * SHA-256 big-endian), so this file holds the rest once.
 *
 *   NigehbaanBlockHash.install(Hasher.prototype, { bigEndian: true|false })
 *
 * gives the prototype `update(uint8array)` and `pad()`. The hasher's constructor sets
 * `block` (Uint8Array(64)), `blockLength` (0) and `bytes` (0), and its prototype has
 * `compress(bytes, offset)`. Load this before md5.js and sha256.js.
 *
 * Plain ES2017, no dependencies, no network access.
 */
(function (root) {
  'use strict';

  /** Feed bytes (a Uint8Array); may be called any number of times. */
  function update(data) {
    var i = 0;
    var n = data.length;
    this.bytes += n;
    if (this.blockLength > 0) {
      while (i < n && this.blockLength < 64) this.block[this.blockLength++] = data[i++];
      if (this.blockLength < 64) return this;
      this.compress(this.block, 0);
      this.blockLength = 0;
    }
    for (; i + 64 <= n; i += 64) this.compress(data, i);
    while (i < n) this.block[this.blockLength++] = data[i++];
    return this;
  }

  /** A `pad` method: 0x80, zeros to 56 mod 64, then the bit length in the given byte order. */
  function padder(bigEndian) {
    return function pad() {
      var bits = this.bytes * 8; // exact up to 2^53
      var padLength = this.blockLength < 56 ? 56 - this.blockLength : 120 - this.blockLength;
      var tail = new Uint8Array(padLength + 8);
      tail[0] = 0x80;
      var low = bits % 4294967296;
      var high = Math.floor(bits / 4294967296);
      for (var k = 0; k < 4; k++) {
        var lowByte = (low >>> (8 * k)) & 0xff;
        var highByte = (high >>> (8 * k)) & 0xff;
        if (bigEndian) {
          tail[padLength + 7 - k] = lowByte;
          tail[padLength + 3 - k] = highByte;
        } else {
          tail[padLength + k] = lowByte;
          tail[padLength + 4 + k] = highByte;
        }
      }
      var saved = this.bytes;
      this.update(tail);
      this.bytes = saved;
      return this;
    };
  }

  root.NigehbaanBlockHash = {
    install: function (proto, options) {
      proto.update = update;
      proto.pad = padder(!!(options && options.bigEndian));
    }
  };
})(typeof self !== 'undefined' ? self : this);
