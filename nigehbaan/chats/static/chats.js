// Draws the chat-group figures with the installed plotly. The figure JSON sits in a
// <script type="application/json"> block (data, so the CSP allows it); no inline script.
(function () {
  "use strict";
  var block = document.getElementById("chat-figures");
  if (!block || typeof Plotly === "undefined") { return; }
  var figures = JSON.parse(block.textContent);
  document.querySelectorAll("[data-figure]").forEach(function (element) {
    var figure = figures[element.getAttribute("data-figure")];
    if (!figure) { return; }
    Plotly.newPlot(element, figure.data, figure.layout, {displaylogo: false, responsive: true})
      .then(function () { element.setAttribute("data-drawn", "true"); });
  });
}());
