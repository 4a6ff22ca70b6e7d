/* The source sentence of every number, on tap and keyboard (not only on hover).
   Each source link written by fraudbook.kit.words carries its verbatim quote in `title`
   (and, where present, data-figure, data-quote, data-kind, data-date, data-source).
   Activating the link (tap, click, Enter) opens a panel right after it with the quote, a
   link to the source, its kind and date, a link to the figure's row in the register and a
   copy button; focus moves into it; Escape (or Close) closes it and returns focus to the
   link. The link is a disclosure: aria-expanded and aria-controls name the panel. Ctrl- or
   Cmd-click still opens the source directly. Nothing is inserted before a reader asks, so
   the text never moves.
   Also: closed data tables are opened for printing and closed again afterwards. */
(function () {
  "use strict";
  var REGISTER = "register.html";  // fraudbook.kit.words.REGISTER_PAGE
  var count = 0;

  function text(el) { return (el && (el.textContent || "")).replace(/\s+/g, " ").trim(); }

  function isSourceLink(a) {
    if (a.closest(".fraudbook-source-panel, nav, .bd-header, .bd-sidebar-primary, .bd-footer")) {
      return false;
    }
    if (a.dataset.figure || a.dataset.quote) { return true; }
    var title = a.getAttribute("title") || "";
    var next = a.nextElementSibling;
    var marked = next && next.classList.contains("fraudbook-strength");
    return title.length > 20 && (marked || /^https?:/.test(a.getAttribute("href") || "") ||
      (a.getAttribute("href") || "").indexOf("#source-") !== -1);
  }

  function panelFor(a, id) {
    var title = a.dataset.quote || a.getAttribute("title") || "";
    var lines = title.split("\n").map(function (l) { return l.trim(); }).filter(Boolean);
    var quote = lines.shift() || "";
    var mark = a.nextElementSibling && a.nextElementSibling.classList.contains("fraudbook-strength")
      ? a.nextElementSibling : null;
    var kind = a.dataset.kind || (mark ? (mark.getAttribute("title") || text(mark))
      .replace(/^Source strength:\s*/, "") : "");
    var source = a.dataset.source || text(a);
    var date = a.dataset.date || "";
    var panel = document.createElement("div");
    panel.className = "fraudbook-source-panel";
    panel.id = id;
    panel.setAttribute("role", "group");
    panel.setAttribute("aria-label", "Source sentence");
    panel.hidden = true;
    var q = document.createElement("blockquote");
    q.textContent = "\u201c" + quote + "\u201d";
    panel.appendChild(q);
    var src = document.createElement("p");
    src.appendChild(document.createTextNode("Source: "));
    var link = document.createElement("a");
    link.href = a.href;
    link.textContent = source;
    src.appendChild(link);
    if (date) { src.appendChild(document.createTextNode(", " + date)); }
    panel.appendChild(src);
    if (kind) {
      var k = document.createElement("p");
      k.textContent = "Kind of source: " + kind;
      panel.appendChild(k);
    }
    lines.forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      panel.appendChild(p);
    });
    var tools = document.createElement("p");
    if (a.dataset.figure) {
      var reg = document.createElement("a");
      reg.href = REGISTER + "#figure-" + encodeURIComponent(a.dataset.figure);
      reg.textContent = "This figure in the register (" + a.dataset.figure + ")";
      tools.appendChild(reg);
      tools.appendChild(document.createTextNode(" "));
    }
    var copy = document.createElement("button");
    copy.type = "button";
    copy.textContent = "Copy quote and source";
    copy.addEventListener("click", function () {
      var words = "\u201c" + quote + "\u201d \u2014 " + source + (date ? ", " + date : "") +
        (a.href ? " <" + a.href + ">" : "");
      var done = function () { copy.textContent = "Copied"; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(words).then(done, function () { selectAll(q); });
      } else { selectAll(q); }
    });
    tools.appendChild(copy);
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Close";
    tools.appendChild(close);
    panel.appendChild(tools);
    return { panel: panel, close: close };
  }

  function selectAll(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  function attach(a) {
    if (a.dataset.fraudbookSource) { return; }
    a.dataset.fraudbookSource = "1";
    var id = "fraudbook-source-" + (++count);
    // The link itself is the disclosure: nothing is added to the text (no layout shift);
    // a tap, a click or Enter opens the panel, whose first link goes to the source.
    a.setAttribute("aria-expanded", "false");
    a.setAttribute("aria-controls", id);
    a.classList.add("fraudbook-source-link");
    var after = a.nextElementSibling && a.nextElementSibling.classList.contains("fraudbook-strength")
      ? a.nextElementSibling : a;
    var built = null;

    function setOpen(open) {
      if (!built) {
        built = panelFor(a, id);
        after.insertAdjacentElement("afterend", built.panel);
        built.close.addEventListener("click", function () { setOpen(false); a.focus(); });
        built.panel.addEventListener("keydown", function (e) {
          if (e.key === "Escape") { setOpen(false); a.focus(); }
        });
      }
      built.panel.hidden = !open;
      a.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) { built.panel.querySelector("a").focus(); }
    }
    a.addEventListener("click", function (e) {
      // Ctrl/Cmd/Shift-click and the middle button still open the source itself.
      if (e.ctrlKey || e.metaKey || e.shiftKey || e.altKey || e.button !== 0) { return; }
      e.preventDefault();
      setOpen(a.getAttribute("aria-expanded") !== "true");
    });
    a.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && a.getAttribute("aria-expanded") === "true") {
        e.preventDefault();
        setOpen(false);
      }
    });
  }

  function init() {
    var root = document.querySelector("main, .bd-article") || document.body;
    root.querySelectorAll("a[title], a[data-figure], a[data-quote]").forEach(function (a) {
      if (isSourceLink(a)) { attach(a); }
    });
  }

  // Printing: closed data tables are printed open, then closed again.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) {
      d.open = true;
      opened.push(d);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
