/*
 * Nigehbaan — incremental MD5 (RFC 1321), our own implementation.
 *
 * Why MD5 at all? It is broken as a cryptographic hash, but hotline lists (VICS, NCMEC,
 * CAID) still exchange MD5 of known material, so a reporter's MD5 is what matches them.
 * WebCrypto offers no MD5, hence this file. It works on chunks so a large video is never
 * held in memory whole.
 *
 *   var h = new NigehbaanMD5(); h.update(uint8array); ...; h.hex()  // 32 hex digits
 *
 * Plain ES2017, no network access; needs hashblock.js loaded first (block buffering and
 * padding, shared with the other hash).
 */
(function (root) {
  'use strict';

  // RFC 1321 §3.4: T[i] = floor(2^32 * |sin(i + 1)|); computed, not typed in.
  var T = new Int32Array(64);
  for (var t = 0; t < 64; t++) T[t] = Math.floor(Math.abs(Math.sin(t + 1)) * 4294967296) | 0;

  // Per-round rotation amounts (RFC 1321, the S11..S44 constants), four per round.
  var SHIFTS = [
    [7, 12, 17, 22],
    [5, 9, 14, 20],
    [4, 11, 16, 23],
    [6, 10, 15, 21]
  ];
  var S = new Uint8Array(64);
  for (var s = 0; s < 64; s++) S[s] = SHIFTS[s >> 4][s & 3];

  // Message word used by step i: round 1 in order, then 1+5i, 5+3i and 7i (mod 16).
  var WORD = new Uint8Array(64);
  for (var w = 0; w < 64; w++) {
    var round = w >> 4;
    var k = w & 15;
    WORD[w] = [k, (1 + 5 * k) & 15, (5 + 3 * k) & 15, (7 * k) & 15][round];
  }

  function Md5() {
    this.state = new Int32Array([0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476]);
    this.block = new Uint8Array(64);
    this.blockLength = 0;
    this.bytes = 0; // total message length in bytes (exact up to 2^53)
    this.x = new Int32Array(16);
  }

  Md5.prototype.compress = function (bytes, offset) {
    var x = this.x;
    for (var i = 0; i < 16; i++) {
      var p = offset + i * 4;
      x[i] = bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24);
    }
    var st = this.state;
    var a = st[0];
    var b = st[1];
    var c = st[2];
    var d = st[3];
    // Four rounds of sixteen steps; each round has its own mixing function (RFC 1321 §3.4).
    var j;
    var f;
    for (j = 0; j < 16; j++) {
      f = (b & c) | (~b & d);
      f = (a + f + T[j] + x[WORD[j]]) | 0;
      a = d;
      d = c;
      c = b;
      b = (b + ((f << S[j]) | (f >>> (32 - S[j])))) | 0;
    }
    for (; j < 32; j++) {
      f = (b & d) | (c & ~d);
      f = (a + f + T[j] + x[WORD[j]]) | 0;
      a = d;
      d = c;
      c = b;
      b = (b + ((f << S[j]) | (f >>> (32 - S[j])))) | 0;
    }
    for (; j < 48; j++) {
      f = b ^ c ^ d;
      f = (a + f + T[j] + x[WORD[j]]) | 0;
      a = d;
      d = c;
      c = b;
      b = (b + ((f << S[j]) | (f >>> (32 - S[j])))) | 0;
    }
    for (; j < 64; j++) {
      f = c ^ (b | ~d);
      f = (a + f + T[j] + x[WORD[j]]) | 0;
      a = d;
      d = c;
      c = b;
      b = (b + ((f << S[j]) | (f >>> (32 - S[j])))) | 0;
    }
    st[0] = (st[0] + a) | 0;
    st[1] = (st[1] + b) | 0;
    st[2] = (st[2] + c) | 0;
    st[3] = (st[3] + d) | 0;
  };

  // Block buffering and padding (bit length little-endian) come from hashblock.js.
  root.NigehbaanBlockHash.install(Md5.prototype, { bigEndian: false });

  /** Finish: pad, then read out the state. */
  Md5.prototype.hex = function () {
    this.pad();
    var out = '';
    for (var w = 0; w < 4; w++) {
      for (var byte = 0; byte < 4; byte++) {
        out += (((this.state[w] >>> (8 * byte)) & 0xff) + 0x100).toString(16).slice(1);
      }
    }
    return out;
  };

  root.NigehbaanMD5 = Md5;
})(typeof self !== 'undefined' ? self : this);
