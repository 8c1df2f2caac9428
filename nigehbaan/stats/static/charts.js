// Draws every figure on the page from its JSON block with the installed plotly.
// The CSP allows no inline script, so the figures travel as data and this file renders them.
(function () {
  "use strict";
  function draw() {
    if (typeof Plotly === "undefined") { return; }
    document.querySelectorAll("script.figure[type='application/json']").forEach(function (block) {
      var target = document.getElementById(block.dataset.target);
      if (!target) { return; }
      var figure = JSON.parse(block.textContent);
      Plotly.newPlot(target, figure.data, figure.layout,
                     { displaylogo: false, displayModeBar: false, responsive: true }).then(function () {
        target.dataset.drawn = "true";
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
