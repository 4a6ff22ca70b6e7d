/* The theme's own scripts (Bootstrap, pydata-sphinx-theme.js) wire the header's buttons
   (search, colour mode, sidebars, the download menu) and highlight the contents as the page
   scrolls. Run at load they were the largest script task of every page (about 70 ms of a
   2-core machine's main thread on a long page; four times that on the phone Lighthouse
   models) for controls nobody has touched yet. They now load on the reader's first move:
   pointer, touch, key, focus, scroll. A click on one of their controls, or Ctrl+K, that
   arrives before they run is replayed once they do. The colour the reader's system asks for
   is set before the first paint by a line in <head> (fraudbook.build.lighten). */
(function () {
  "use strict";
  var me = document.currentScript;
  var urls = ((me && me.getAttribute("data-scripts")) || "").split(" ").filter(Boolean);
  var FIRST_MOVES = ["pointerdown", "touchstart", "keydown", "focusin", "mousemove", "scroll", "wheel"];
  // The controls the theme's scripts drive; a control with its own onclick (print, full
  // screen) works without them.
  var CONTROLS = "[data-bs-toggle], .search-button__button, .theme-switch-button, .sidebar-toggle, " +
    ".bd-header button, .bd-header-article button, .bd-sidebar button";
  var state = "idle";
  var waiting = [];

  function ready() {
    state = "ready";
    waiting.splice(0).forEach(function (replay) { replay(); });
  }

  function load() {
    if (state !== "idle") { return; }
    state = "loading";
    FIRST_MOVES.forEach(function (type) { window.removeEventListener(type, onFirstMove, true); });
    var left = urls.length;
    if (!left) { ready(); return; }
    urls.forEach(function (url) {
      var s = document.createElement("script");
      s.src = url;
      s.async = false;  // in order: Bootstrap before the theme
      s.onload = s.onerror = function () { left -= 1; if (!left) { ready(); } };
      document.head.appendChild(s);
    });
  }

  function onFirstMove() { load(); }

  FIRST_MOVES.forEach(function (type) {
    window.addEventListener(type, onFirstMove, { capture: true, passive: true });
  });

  window.addEventListener("keydown", function (e) {
    // The theme's search shortcut (Ctrl+K, or Cmd+K), pressed before its script has run:
    // kept from the browser and given to the theme once it runs.
    if (state === "ready" || !(e.ctrlKey || e.metaKey) || !/^k$/i.test(e.key || "")) { return; }
    e.preventDefault();
    var init = { key: e.key, code: e.code, ctrlKey: e.ctrlKey, metaKey: e.metaKey, bubbles: true };
    waiting.push(function () { window.dispatchEvent(new KeyboardEvent("keydown", init)); });
    load();
  }, true);

  document.addEventListener("click", function (e) {
    if (state === "ready" || !e.target || !e.target.closest) { return; }
    var control = e.target.closest(CONTROLS);
    if (!control || control.hasAttribute("onclick")) { return; }
    e.preventDefault();
    e.stopImmediatePropagation();
    waiting.push(function () { control.click(); });
    load();
  }, true);
})();
