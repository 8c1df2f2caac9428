/*
 * Nigehbaan portal — "Leave this site quickly".
 *
 * Someone may walk in while a child is writing a report. The page's quick-exit link
 * (a[data-quick-exit], a plain link that works without this script) is made to *replace* the
 * current page with the everyday site it points to, so the browser's Back button does not
 * return to the form; pressing Escape twice in quick succession does the same. The page is
 * blanked first, so that a copy kept in the browser's back-forward cache shows nothing typed.
 *
 * Loaded from our own origin (the CSP forbids inline script). Plain ES2017, no network access
 * of its own, nothing stored.
 */
(function (root) {
  'use strict';

  var TWICE_WITHIN_MS = 1000;

  function leave(url) {
    var doc = root.document;
    var forms = doc.querySelectorAll('form');
    Array.prototype.forEach.call(forms, function (form) {
      form.reset();
    });
    doc.title = '';
    if (doc.body) doc.body.textContent = '';
    root.location.replace(url);
  }

  function install(doc) {
    var link = doc.querySelector('a[data-quick-exit]');
    if (!link) return;
    var url = link.href;
    link.addEventListener('click', function (event) {
      event.preventDefault();
      leave(url);
    });
    var last = -Infinity;
    doc.addEventListener('keydown', function (event) {
      if (event.key !== 'Escape' && event.key !== 'Esc') return;
      if (event.repeat) return; // a key held down is not two presses
      var now = root.performance.now();
      if (now - last <= TWICE_WITHIN_MS) {
        leave(url);
      } else {
        last = now;
      }
    });
    link.setAttribute('data-ready', 'true'); // for tests: the page is past its plain-link state
  }

  root.NigehbaanQuickExit = { leave: leave, install: install };

  if (root.document.readyState === 'loading') {
    root.document.addEventListener('DOMContentLoaded', function () {
      install(root.document);
    });
  } else {
    install(root.document);
  }
})(window);
