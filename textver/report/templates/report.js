/* textver report: views, filter, and stepping through changes.
   Work at load is one pass over the change elements (O(changes)); nothing is fetched, nothing
   is built per word.  Preferences are kept in localStorage when the browser allows it (file://
   pages may not), and the report works the same without them.

   The page contract (any report template that includes the navbar macro meets it):
   .ch[id][data-label]  a change, in reading order; .ro on one seen only in the right column
   .cr[data-for=ID]     its counterpart in the right column, marked with it
   .row.u               an unchanged passage, hidden by "only changed passages"
   body.sbs / .inline   the view; #only-changed, #prev, #next, #status, [data-view] controls */
(function () {
  "use strict";
  var body = document.body;
  var changes = Array.prototype.slice.call(document.querySelectorAll(".ch"));
  var index = {};
  for (var i = 0; i < changes.length; i++) index[changes[i].id] = i;
  var current = -1;
  var status = document.getElementById("status");
  var filter = document.getElementById("only-changed");
  var viewButtons = Array.prototype.slice.call(document.querySelectorAll("[data-view]"));

  function load(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }
  function save(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* storage refused */ }
  }

  /* Numbers as the report's own figures are written: 1,285. */
  function num(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  function partners(el) {
    return el.id ? document.querySelectorAll('.cr[data-for="' + el.id + '"]') : [];
  }

  /* The element to bring into view: in side by side, a change seen only on the right (an
     added or expanded sentence) is shown by its right-hand counterpart. */
  function target(el) {
    if (body.classList.contains("sbs") && el.classList.contains("ro") &&
        !el.classList.contains("row")) {
      var p = partners(el);
      if (p.length) return p[0];
    }
    return el;
  }

  function reveal(el) {
    var t = target(el);
    t.scrollIntoView({ block: "center", inline: "nearest" });
  }

  function select(i, scroll) {
    if (i < 0 || i >= changes.length) return;
    var k;
    if (current >= 0) {
      var old = changes[current];
      old.classList.remove("current");
      old.removeAttribute("aria-current");
      var op = partners(old);
      for (k = 0; k < op.length; k++) op[k].classList.remove("current-r");
    }
    current = i;
    var el = changes[i];
    el.classList.add("current");
    el.setAttribute("aria-current", "true");
    var np = partners(el);
    for (k = 0; k < np.length; k++) np[k].classList.add("current-r");
    status.textContent = "Change " + num(i + 1) + " of " + num(changes.length) + ": " +
      el.getAttribute("data-label");
    if (scroll) reveal(el);
    if (location.hash !== "#" + el.id) {
      try { history.replaceState(null, "", "#" + el.id); } catch (e) { /* file:// may refuse */ }
    }
  }

  /* The first change at or below the top of the window (changes are in document order). */
  function firstBelow() {
    var lo = 0, hi = changes.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (target(changes[mid]).getBoundingClientRect().top < 0) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  function step(delta) {
    if (!changes.length) return;
    if (current < 0) {
      var below = firstBelow();
      select(delta > 0 ? Math.min(below, changes.length - 1) : Math.max(below - 1, 0), true);
    } else {
      select(Math.min(changes.length - 1, Math.max(0, current + delta)), true);
    }
  }

  function setView(view, remember) {
    var inline = view === "inline";
    body.classList.toggle("inline", inline);
    body.classList.toggle("sbs", !inline);
    for (var k = 0; k < viewButtons.length; k++) {
      var b = viewButtons[k];
      b.setAttribute("aria-pressed", String(b.getAttribute("data-view") === view));
    }
    if (remember) save("textver.view", inline ? "inline" : "sbs");
    if (current >= 0) reveal(changes[current]);
  }

  function setFilter(on, remember) {
    filter.checked = on;
    body.classList.toggle("only-changed", on);
    if (remember) save("textver.onlyChanged", on ? "1" : "0");
    if (current >= 0) reveal(changes[current]);
  }

  function fromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (Object.prototype.hasOwnProperty.call(index, id)) select(index[id], true);
  }

  for (var v = 0; v < viewButtons.length; v++) {
    viewButtons[v].addEventListener("click", function (e) {
      setView(e.currentTarget.getAttribute("data-view"), true);
    });
  }
  filter.addEventListener("change", function () { setFilter(filter.checked, true); });
  document.getElementById("next").addEventListener("click", function () { step(1); });
  document.getElementById("prev").addEventListener("click", function () { step(-1); });

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(TEXTAREA|SELECT)$/.test(t.tagName) ||
        (t.tagName === "INPUT" && !/^(checkbox|radio|button)$/.test(t.type)))) return;
    if (e.key === "n") { step(1); e.preventDefault(); }
    else if (e.key === "p") { step(-1); e.preventDefault(); }
  });

  /* Links to changes (largest cuts, the overview strip, moves) select the change even when
     the address already holds that hash; a click on a change selects it. */
  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("a[href^='#']") : null;
    if (a) {
      var id = decodeURIComponent(a.getAttribute("href").slice(1));
      if (Object.prototype.hasOwnProperty.call(index, id)) {
        e.preventDefault();
        select(index[id], true);
      }
      return;
    }
    var ch = e.target.closest ? e.target.closest(".ch") : null;
    if (ch && Object.prototype.hasOwnProperty.call(index, ch.id)) select(index[ch.id], false);
  });
  window.addEventListener("hashchange", fromHash);

  /* Without a remembered choice, a screen too narrow for two columns reads inline. */
  var view = load("textver.view");
  if (view !== "inline" && view !== "sbs") {
    var narrow = window.matchMedia && window.matchMedia("(max-width: 700px)").matches;
    view = narrow ? "inline" : "sbs";
  }
  setView(view, false);
  setFilter(load("textver.onlyChanged") === "1", false);
  fromHash();
  window.textverReadyAt = performance.now();
  window.textverReady = true;
})();
