/* Accessibility fixes for the theme's own controls (sphinx-book-theme / pydata-sphinx-theme),
   found by axe-core in the browser tests:
   - buttons whose visible text ("Search Ctrl+K") is missing from their aria-label;
   - icon-only <summary> toggles in the navigation with no accessible name;
   - the colour-mode button, labelled "Color mode", whose visible icon carries its own title
     ("Light", "Dark", "System Settings"): the label names the current mode too.
   - the bibliography's list (role="list") whose entries carry the deprecated
     doc-biblioentry role instead of listitem.
   The icons are CSS (fraudbook-icons.css); the observer below relabels the button if
   anything swaps them. */
(function () {
  "use strict";
  function fix() {
    document.querySelectorAll(".search-button-field, .theme-switch-button").forEach(function (el) {
      // textContent, not innerText: reading it forces no layout of the page.
      var visible = (el.textContent || "").replace(/\s+/g, " ").trim();
      var label = el.getAttribute("aria-label") || "";
      if (visible && label.indexOf(visible) === -1) {
        el.setAttribute("aria-label", label ? label + ": " + visible : visible);
      }
    });
    document.querySelectorAll(".theme-switch-button").forEach(function (button) {
      // The icons are CSS masks on <i title="Light"> (fraudbook-icons.css), or Font
      // Awesome's <svg><title> where its script runs.
      // The icon shown is the one for the page's mode (no style lookup: that would force
      // a style pass over the whole page).
      var mode = document.documentElement.dataset.mode || "auto";
      var shown = button.querySelector('[data-mode="' + mode + '"]') ||
        [].filter.call(button.querySelectorAll("svg, i[title]"), function (icon) {
          return getComputedStyle(icon).display !== "none";
        })[0];
      var title = shown && (shown.getAttribute("title") ||
        (shown.querySelector("title") && shown.querySelector("title").textContent));
      var label = title ? "Color mode: " + title.trim() : null;
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
      if (!(summary.textContent || "").trim() && !summary.getAttribute("aria-label")) {
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
