/* The register of figures (its own page, register.html): filter menus, the reader's day in
   each citation's "accessed" date, and a copy button for the citation. Plain script, no
   request to any host. The menus are in the page from its first paint, so nothing moves when
   this runs; without script the theme's <noscript> rule for class pst-js-only hides them, the
   full table shows and each citation gives the edition's day. */
(function () {
  "use strict";
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function today() {
    var d = new Date();
    return d.getDate() + " " + MONTHS[d.getMonth()] + " " + d.getFullYear();
  }

  function setUpFilter(form) {
    var box = document.getElementById(form.getAttribute("data-table"));
    if (!box) { return; }
    var rows = Array.prototype.slice.call(box.querySelectorAll("tbody tr"));
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
    var out = form.querySelector("output");

    function matches(tr) {
      return selects.every(function (sel) {
        if (!sel.value) { return true; }
        var cell = tr.getAttribute("data-" + sel.getAttribute("data-filter")) || "";
        return cell.split("|").indexOf(sel.value) >= 0;
      });
    }

    function apply() {
      var shown = 0;
      rows.forEach(function (tr) {
        var ok = matches(tr);
        tr.hidden = !ok;
        if (ok) { shown += 1; }
      });
      // Worded as the page writes it (fraudbook.chapters.register.shown_sentence); left as
      // it is when unchanged, so nothing is laid out again at load.
      var words = shown + " of " + rows.length + " figures shown";
      if (out && out.textContent !== words) { out.textContent = words; }
    }

    function showTarget() {
      // A link to a row the filters hide: clear the filters so the row shows.
      var id = decodeURIComponent(window.location.hash.slice(1));
      var target = id ? document.getElementById(id) : null;
      // A link to a figure whose row is on the register's other part (a source panel links
      // every figure to the newest part): go there.
      var other = (box.getAttribute("data-other") || "").split(" ")[0];
      if (!target && /^figure-/.test(id) && other) {
        window.location.replace(other + window.location.hash);
        return;
      }
      if (target && target.hidden && rows.indexOf(target) >= 0) {
        selects.forEach(function (sel) { sel.value = ""; });
        apply();
        target.scrollIntoView();
      }
    }

    selects.forEach(function (sel) { sel.addEventListener("change", apply); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    window.addEventListener("hashchange", showTarget);
    apply();
    showTarget();
  }

  function setUpCite(p) {
    if (!navigator.clipboard || p.querySelector("button")) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "fraudbook-copy";
    button.textContent = "Copy";
    button.addEventListener("click", function () {
      var text = p.firstChild ? p.textContent.replace(/\s*Copy(ied)?$/, "") : "";
      navigator.clipboard.writeText(text.trim()).then(function () {
        button.textContent = "Copied";
      }, function () { button.textContent = "Select the text to copy"; });
    });
    p.appendChild(document.createTextNode(" "));
    p.appendChild(button);
  }

  function init() {
    var day = today();
    Array.prototype.forEach.call(document.querySelectorAll(".fraudbook-accessed"),
      function (s) { s.textContent = day; });
    Array.prototype.forEach.call(document.querySelectorAll("details.fraudbook-cite p"), setUpCite);
    Array.prototype.forEach.call(document.querySelectorAll("form.fraudbook-register-filter"), setUpFilter);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
