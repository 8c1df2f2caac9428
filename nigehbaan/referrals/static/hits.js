// Fills the "found on arrival" list of a case page from the API, as text only.
(function () {
  "use strict";
  function fill() {
    var list = document.getElementById("arrival-hits");
    if (!list || !list.dataset.url) { return; }
    fetch(list.dataset.url, { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.json() : [];
    }).then(function (hits) {
      list.textContent = "";
      if (!hits.length) {
        var none = document.createElement("li");
        none.textContent = "Nothing this case names was found in another case on arrival.";
        list.appendChild(none);
        return;
      }
      hits.forEach(function (hit) {
        var item = document.createElement("li");
        item.className = "hit";
        item.textContent = hit.sentence;
        list.appendChild(item);
      });
      list.dataset.loaded = "true";
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fill);
  } else {
    fill();
  }
})();
