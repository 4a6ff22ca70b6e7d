/* Interaction on top of the charts drawn at build time.
   Each chart is a <div class="fraudbook-chart"> holding its static SVG (made by vl-convert
   when the page was built: it paints with the text, prints, and needs no JavaScript) and its
   Vega-Lite spec as JSON. This script is loaded (deferred) only on pages that have a chart.
   The Vega bundle (0.9 MB, served from this site) is fetched only when a reader first points
   at, touches or focuses a chart; the interactive drawing (tooltips) then replaces the static
   one in the same box, scaled by the same viewBox, so nothing moves. */
(function () {
  "use strict";
  var self = document.currentScript;
  var bundleUrl = new URL("vendor/vega-bundle.js", self ? self.src : document.baseURI).href;
  var loading = null;

  function loadVega() {
    if (window.vegaEmbed) { return Promise.resolve(); }
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = bundleUrl;
        s.async = true;
        s.onload = function () { resolve(); };
        s.onerror = function () { loading = null; reject(new Error("could not load " + bundleUrl)); };
        document.head.appendChild(s);
      });
    }
    return loading;
  }

  function fitSvg(svg, width, height) {
    if (!svg.getAttribute("viewBox")) { svg.setAttribute("viewBox", "0 0 " + width + " " + height); }
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.setAttribute("preserveAspectRatio", "xMinYMin meet");
    svg.classList.add("fraudbook-chart-svg");
  }

  function upgrade(div) {
    if (div.dataset.interactive) { return div.fraudbookUpgrade; }
    div.dataset.interactive = "loading";
    var script = div.querySelector("script.fraudbook-chart-spec");
    var still = div.querySelector(".fraudbook-chart-static");
    if (!script || !still) { return Promise.resolve(); }
    var spec = JSON.parse(script.textContent);
    var width = +div.dataset.width, height = +div.dataset.height;
    div.fraudbookUpgrade = loadVega().then(function () {
      var target = document.createElement("div");
      target.className = "fraudbook-chart-canvas";
      // Drawn off to the side at its natural size, then swapped in: no jump.
      target.style.position = "absolute";
      target.style.left = "-10000px";
      target.style.width = width + "px";
      div.appendChild(target);
      return window.vegaEmbed(target, spec, { actions: false, renderer: "svg" }).then(function () {
        var svg = target.querySelector("svg");
        if (svg) { fitSvg(svg, width, height); }
        // Vega gives every mark layer an ARIA role, even a layer left empty by the data:
        // an empty one is hidden from assistive technology; the figure's label describes it.
        target.querySelectorAll("g.role-mark").forEach(function (g) {
          if (!g.firstElementChild) {
            g.setAttribute("aria-hidden", "true");
            g.removeAttribute("role");
            g.removeAttribute("aria-roledescription");
          }
        });
        if (svg) { svg.setAttribute("aria-hidden", "true"); }
        target.style.position = "";
        target.style.left = "";
        target.style.width = "";
        still.replaceWith(target);
        div.dataset.interactive = "true";
      });
    }).catch(function (err) {
      div.dataset.interactive = "";
      console.warn("chart " + div.id + " stays static: " + err);
    });
    return div.fraudbookUpgrade;
  }

  function init() {
    document.querySelectorAll("div.fraudbook-chart").forEach(function (div) {
      div.dataset.drawn = "true";  // the static drawing is there from the first paint
      ["pointerenter", "touchstart", "focusin"].forEach(function (type) {
        div.addEventListener(type, function () { upgrade(div); }, { once: true, passive: true });
      });
    });
  }

  window.fraudbookCharts = { upgrade: upgrade, loadVega: loadVega };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
