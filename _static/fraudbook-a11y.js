/* Accessibility fixes for the theme's own controls (sphinx-book-theme / pydata-sphinx-theme),
   found by axe-core in the browser tests:
   - buttons whose visible text ("Search Ctrl+K") is missing from their aria-label;
   - icon-only <summary> toggles in the navigation with no accessible name;
   - the colour-mode button, labelled "Color mode", whose visible icon carries its own title
     ("Light", "Dark", "System Settings"): the label names the current mode too.
   - the bibliography's list (role="list") whose entries carry the deprecated
     doc-biblioentry role instead of listitem.
   Font Awesome swaps its <i> icons for <svg> after load, hence the observer below. */
(function () {
  "use strict";
  function fix() {
    document.querySelectorAll(".search-button-field, .theme-switch-button").forEach(function (el) {
      var visible = (el.innerText || "").replace(/\s+/g, " ").trim();
      var label = el.getAttribute("aria-label") || "";
      if (visible && label.indexOf(visible) === -1) {
        el.setAttribute("aria-label", label ? label + ": " + visible : visible);
      }
    });
    document.querySelectorAll(".theme-switch-button").forEach(function (button) {
      var shown = [].filter.call(button.querySelectorAll("svg"), function (svg) {
        return getComputedStyle(svg).display !== "none";
      })[0];
      var title = shown && shown.querySelector("title");
      var label = title ? "Color mode: " + title.textContent.trim() : null;
      if (label && button.getAttribute("aria-label") !== label) {
        button.setAttribute("aria-label", label);
      }
      if (!button.dataset.fraudbookA11y) {
        button.dataset.fraudbookA11y = "1";
        button.addEventListener("click", function () { window.setTimeout(fix, 0); });
        // Font Awesome replaces the icons whenever it gets to them: relabel after each swap.
        new MutationObserver(function () { fix(); }).observe(button, { childList: true, subtree: true });
      }
    });
    document.querySelectorAll('.citation-list[role="list"] > .citation').forEach(function (entry) {
      entry.setAttribute("role", "listitem");
    });
    document.querySelectorAll("nav details > summary").forEach(function (summary) {
      if (!(summary.innerText || "").trim() && !summary.getAttribute("aria-label")) {
        summary.setAttribute("aria-label", "Show or hide the pages of this section");
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fix);
  } else {
    fix();
  }
  window.addEventListener("load", function () { window.requestAnimationFrame(fix); });
})();
