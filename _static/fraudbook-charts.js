/* Draw every chart on the page with the locally served Vega bundle (no CDN).
   Each chart is a <div class="fraudbook-chart"> holding its Vega-Lite spec as JSON. */
(function () {
  "use strict";
  function draw() {
    var charts = document.querySelectorAll("div.fraudbook-chart");
    charts.forEach(function (div) {
      var script = div.querySelector("script.fraudbook-chart-spec");
      if (!script || div.dataset.drawn) { return; }
      var spec = JSON.parse(script.textContent);
      var target = document.createElement("div");
      target.className = "fraudbook-chart-canvas";
      div.appendChild(target);
      window.vegaEmbed(target, spec, { actions: { export: true, source: false, compiled: false, editor: false }, renderer: "svg" })
        .then(function () {
          // Vega gives every mark layer an ARIA role, even a layer left empty by the data
          // (e.g. no range to draw): an empty one is hidden from assistive technology.
          div.querySelectorAll("g.role-mark").forEach(function (g) {
            if (!g.firstElementChild) {
              g.setAttribute("aria-hidden", "true");
              g.removeAttribute("role");
              g.removeAttribute("aria-roledescription");
            }
          });
          // The actions menu is an icon only: give it a name for screen readers.
          div.querySelectorAll("details > summary").forEach(function (summary) {
            summary.setAttribute("aria-label", "Chart actions: save as SVG or PNG");
          });
          div.dataset.drawn = "true";
          var fallback = div.querySelector(".fraudbook-chart-fallback");
          if (fallback) { fallback.classList.add("visually-hidden"); }
        })
        .catch(function (err) { console.error("chart " + div.id + ": " + err); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
