/*
 * Nigehbaan — incremental SHA-256 (FIPS 180-4), our own implementation.
 *
 * Why not only WebCrypto? `crypto.subtle.digest` takes one whole buffer: a two-gigabyte
 * phone video would have to sit in memory at once, which a cheap phone cannot do, and
 * WebCrypto is missing outside a secure context. hashreport.js uses WebCrypto for files up
 * to a size limit and this streaming version above it (or when WebCrypto is absent); the
 * tests check that both agree with Python's hashlib.
 *
 *   var h = new NigehbaanSHA256(); h.update(uint8array); ...; h.hex()  // 64 hex digits
 *
 * Plain ES2017, no network access; needs hashblock.js loaded first (block buffering and
 * padding, shared with the other hash).
 */
(function (root) {
  'use strict';

  /** The first n primes. */
  function primes(n) {
    var found = [];
    for (var candidate = 2; found.length < n; candidate++) {
      var prime = true;
      for (var i = 0; i < found.length && found[i] * found[i] <= candidate; i++) {
        if (candidate % found[i] === 0) {
          prime = false;
          break;
        }
      }
      if (prime) found.push(candidate);
    }
    return found;
  }

  /** First 32 bits of the fractional part of x (FIPS 180-4 §4.2.2 and §5.3.3). */
  function fraction32(x) {
    return Math.floor((x - Math.floor(x)) * 4294967296) | 0;
  }

  var P = primes(64);
  var K = new Int32Array(64);
  var H0 = new Int32Array(8);
  for (var i = 0; i < 64; i++) K[i] = fraction32(Math.cbrt(P[i]));
  for (var j = 0; j < 8; j++) H0[j] = fraction32(Math.sqrt(P[j]));

  function rotr(x, n) {
    return (x >>> n) | (x << (32 - n));
  }

  function Sha256() {
    this.state = new Int32Array(H0);
    this.block = new Uint8Array(64);
    this.blockLength = 0;
    this.bytes = 0;
    this.w = new Int32Array(64);
  }

  Sha256.prototype.compress = function (bytes, offset) {
    var w = this.w;
    var t;
    for (t = 0; t < 16; t++) {
      var p = offset + t * 4;
      w[t] = (bytes[p] << 24) | (bytes[p + 1] << 16) | (bytes[p + 2] << 8) | bytes[p + 3];
    }
    for (t = 16; t < 64; t++) {
      var x = w[t - 15];
      var y = w[t - 2];
      var s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
      var s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10);
      w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
    }
    var st = this.state;
    var a = st[0];
    var b = st[1];
    var c = st[2];
    var d = st[3];
    var e = st[4];
    var f = st[5];
    var g = st[6];
    var h = st[7];
    for (t = 0; t < 64; t++) {
      var sigma1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      var choose = (e & f) ^ (~e & g);
      var t1 = (h + sigma1 + choose + K[t] + w[t]) | 0;
      var sigma0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      var majority = (a & b) ^ (a & c) ^ (b & c);
      var t2 = (sigma0 + majority) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    st[0] = (st[0] + a) | 0;
    st[1] = (st[1] + b) | 0;
    st[2] = (st[2] + c) | 0;
    st[3] = (st[3] + d) | 0;
    st[4] = (st[4] + e) | 0;
    st[5] = (st[5] + f) | 0;
    st[6] = (st[6] + g) | 0;
    st[7] = (st[7] + h) | 0;
  };

  // Block buffering and padding (bit length big-endian) come from hashblock.js.
  root.NigehbaanBlockHash.install(Sha256.prototype, { bigEndian: true });

  /** Finish: pad, then read out the state. */
  Sha256.prototype.hex = function () {
    this.pad();
    var out = '';
    for (var m = 0; m < 8; m++) out += ((this.state[m] >>> 0) + 0x100000000).toString(16).slice(1);
    return out;
  };

  root.NigehbaanSHA256 = Sha256;
})(typeof self !== 'undefined' ? self : this);
