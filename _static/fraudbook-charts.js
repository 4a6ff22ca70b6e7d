/* Interaction on top of the charts drawn at build time.
   Each chart is a <div class="fraudbook-chart"> holding its static drawing (SVG made by
   vl-convert when the page was built, in a <picture> that picks the phone layout on a narrow
   screen: it paints with the text, prints, and needs no JavaScript) and the addresses of its
   two Vega-Lite specs (data-spec, data-narrow-spec: files beside the page, fetched on first
   use; a page made before the build moved them out holds the spec inline instead). This script is loaded (deferred) only on pages that have a chart.
   The Vega bundle (0.9 MB, served from this site) is fetched only when a reader first points
   at, touches or focuses a chart; the interactive drawing (tooltips) then replaces the static
   one in the same box, scaled by the same viewBox, so nothing moves. */
(function () {
  "use strict";
  var self = document.currentScript;
  var bundleUrl = new URL("vendor/vega-bundle.js", self ? self.src : document.baseURI).href;
  var loading = null;
  // The screen width up to which the phone layout is drawn (fraudbook.kit.charts.NARROW_MEDIA).
  var NARROW_MEDIA = "(max-width: 600px)";

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
    // The box keeps the shape of the drawing it replaces (the phone layout's, on a phone).
    svg.style.aspectRatio = width + " / " + height;
  }

  function upgrade(div) {
    if (div.dataset.interactive) { return div.fraudbookUpgrade; }
    div.dataset.interactive = "loading";
    var script = div.querySelector("script.fraudbook-chart-spec");
    var still = div.querySelector(".fraudbook-chart-static");
    var narrow = !!(div.dataset.narrowSpec && window.matchMedia &&
      window.matchMedia(NARROW_MEDIA).matches);
    var address = narrow ? div.dataset.narrowSpec : div.dataset.spec;
    if ((!script && !address) || !still) { return Promise.resolve(); }
    var width = +(narrow ? div.dataset.narrowWidth : div.dataset.width);
    var height = +(narrow ? div.dataset.narrowHeight : div.dataset.height);
    var specReady = script ? Promise.resolve(JSON.parse(script.textContent))
      : fetch(new URL(address, document.baseURI).href).then(function (r) {
        if (!r.ok) { throw new Error("could not load " + address); }
        return r.json();
      });
    var spec;
    div.fraudbookUpgrade = Promise.all([specReady, loadVega()]).then(function (got) {
      spec = got[0];
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
