/* bireader reader page: reading modes, keyboard, preferences. No network, no dependencies. */
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "bireader.prefs";
  var MODES = ["side-by-side", "interlinear", "reveal"];
  var MIN_SIZE = -2, MAX_SIZE = 4;

  // localStorage throws on some file:// pages and in private modes: fall back to memory.
  var store = null;
  try {
    store = window.localStorage;
    store.setItem(KEY + ".probe", "1");
    store.removeItem(KEY + ".probe");
  } catch (e) { store = null; }
  var prefs = {};
  try { prefs = JSON.parse((store && store.getItem(KEY)) || "{}") || {}; } catch (e) { prefs = {}; }
  // The mode is remembered per page (data-doc): the layout a page was exported with stays
  // its default until the reader picks another mode on that page. Size and theme are global.
  var DOC = root.getAttribute("data-doc") || "";
  var MAX_DOCS = 200;
  if (!prefs.modes || typeof prefs.modes !== "object") { prefs.modes = {}; }
  delete prefs.mode;  // the old global mode: it made every page open in the last mode chosen anywhere
  function rememberMode(next) {
    if (!DOC) { return; }
    delete prefs.modes[DOC];
    prefs.modes[DOC] = next;  // re-added last: the keys stay in least-recently-chosen order
    var docs = Object.keys(prefs.modes);
    for (var i = 0; i < docs.length - MAX_DOCS; i++) { delete prefs.modes[docs[i]]; }
  }
  function save() {
    if (!store) { return; }
    try { store.setItem(KEY, JSON.stringify(prefs)); } catch (e) { /* quota or privacy: ignore */ }
  }

  // Applied before the body is parsed, so a remembered mode or theme never flashes.
  if (DOC && MODES.indexOf(prefs.modes[DOC]) >= 0) { root.setAttribute("data-mode", prefs.modes[DOC]); }
  if (prefs.theme === "light" || prefs.theme === "dark") { root.setAttribute("data-theme", prefs.theme); }
  if (typeof prefs.size === "number" && prefs.size >= MIN_SIZE && prefs.size <= MAX_SIZE && prefs.size !== 0) {
    root.setAttribute("data-size", String(prefs.size));
  }

  var sentences = [], status = null, current = 0, bar = null, text = null;
  var dark = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function mode() { return root.getAttribute("data-mode") || MODES[0]; }
  function $(sel) { return document.querySelector(sel); }
  function $all(sel) { return Array.prototype.slice.call(document.querySelectorAll(sel)); }
  function indexOf(el) { return parseInt(el.id.slice(1), 10) - 1; }
  function partner(el) { return document.getElementById((el.id.charAt(0) === "s" ? "t" : "s") + el.id.slice(1)); }
  var announced = 0;
  function announce(text) {
    if (!status) { return; }
    status.textContent = text;
    // Cleared soon after, so a screen reader reading the page does not meet stale news.
    clearTimeout(announced);
    announced = setTimeout(function () { status.textContent = ""; }, 4000);
  }

  // The bottom of the sticky bar: what is above it is hidden under it.
  function barBottom() {
    if (!bar) { return 0; }
    return getComputedStyle(bar).position === "sticky" ? Math.max(0, bar.getBoundingClientRect().bottom) : 0;
  }

  // The first sentence at or below the top of the viewport (binary search: document order is top-down).
  function firstVisible() {
    var lo = 0, hi = sentences.length - 1, top = barBottom() + 8;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (sentences[mid].getBoundingClientRect().bottom < top) { lo = mid + 1; } else { hi = mid; }
    }
    return lo;
  }

  // In reveal mode each Spanish sentence is a toggle button for its translation.
  function markToggles(on) {
    sentences.forEach(function (s) {
      if (on) {
        s.setAttribute("role", "button");
        s.setAttribute("aria-controls", "t" + s.id.slice(1));
        s.setAttribute("aria-expanded", partner(s).classList.contains("shown") ? "true" : "false");
      } else {
        s.removeAttribute("role");
        s.removeAttribute("aria-controls");
        s.removeAttribute("aria-expanded");
      }
    });
  }

  function setMode(next, remember) {
    if (MODES.indexOf(next) < 0) { return; }
    var anchor = null, offset = 0, was = mode();
    // On start-up there is no reading position to keep, and measuring would force a full layout.
    // A focused sentence is kept where it is; otherwise the first sentence in view, but only
    // once the reader has scrolled into the text: at the top of the page the page stays put,
    // so the controls just used do not move away.
    if (remember && sentences.length) {
      var active = document.activeElement;
      if (active && active.classList && active.classList.contains("s")) {
        anchor = active;
      } else if (text && text.getBoundingClientRect().top < barBottom()) {
        anchor = sentences[firstVisible()];
      }
      if (anchor) { offset = anchor.getBoundingClientRect().top; }
    }
    root.setAttribute("data-mode", next);
    $all("button.mode").forEach(function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-mode") === next ? "true" : "false");
    });
    if (next === "reveal" || (remember && was === "reveal")) { markToggles(next === "reveal"); }
    updateAll();
    if (anchor) { window.scrollBy(0, anchor.getBoundingClientRect().top - offset); }
    if (remember) {
      rememberMode(next);
      save();
      announce(next.replace(/-/g, " ") + " mode");
    }
  }

  function toggle(i, force, many) {
    var s = sentences[i], t = partner(s);
    if (!t) { return; }
    var shown = t.classList.toggle("shown", force === undefined ? !t.classList.contains("shown") : force);
    if (mode() === "reveal") { s.setAttribute("aria-expanded", shown ? "true" : "false"); }
    // Only a single reveal is animated: thousands of animations at once would stall the page.
    t.classList.toggle("fresh", shown && !many);
    if (!many) { updateAll(); }
  }

  function updateAll() {
    var button = $("#all");
    if (!button) { return; }
    var hidden = document.querySelector(".t:not(.shown)");
    button.textContent = hidden ? "Show all" : "Hide all";
  }

  function showAll() {
    var show = !!document.querySelector(".t:not(.shown)");
    for (var i = 0; i < sentences.length; i++) { toggle(i, show, true); }
    updateAll();
    announce(show ? "All translations shown" : "All translations hidden");
  }

  function focusSentence(i) {
    if (!sentences.length) { return; }
    i = Math.max(0, Math.min(sentences.length - 1, i));
    sentences[current].setAttribute("tabindex", "-1");
    current = i;
    var s = sentences[i];
    s.setAttribute("tabindex", "0");
    s.focus({ preventScroll: true });
    s.scrollIntoView({ block: "nearest" });
  }

  // On screen, below the sticky bar.
  function inView(el) {
    var r = el.getBoundingClientRect();
    return r.bottom > barBottom() && r.top < window.innerHeight;
  }

  // From the focused sentence while it is on screen; after the page was scrolled away from
  // it (Home, End, the scroll bar), from the first sentence in view, where the reader is.
  function step(delta) {
    var active = document.activeElement;
    if (active && active.classList && active.classList.contains("s") && inView(active)) {
      focusSentence(indexOf(active) + delta);
    } else {
      focusSentence(firstVisible());
    }
  }

  function setSize(delta) {
    var size = Math.max(MIN_SIZE, Math.min(MAX_SIZE, (prefs.size || 0) + delta));
    prefs.size = size;
    if (size === 0) { root.removeAttribute("data-size"); } else { root.setAttribute("data-size", String(size)); }
    save();
    announce("Text size " + Math.round(parseFloat(getComputedStyle(root).getPropertyValue("--scale")) * 100) + "%");
  }

  function isDark() {
    var theme = root.getAttribute("data-theme");
    return theme ? theme === "dark" : !!(dark && dark.matches);
  }
  function syncTheme() {
    var b = $("#theme");
    if (b) { b.setAttribute("aria-pressed", isDark() ? "true" : "false"); }
  }
  function toggleTheme() {
    prefs.theme = isDark() ? "light" : "dark";
    root.setAttribute("data-theme", prefs.theme);
    save();
    syncTheme();
    announce(prefs.theme + " theme");
  }

  function toggleKeys(force) {
    var panel = $("#keys"), b = $("#keys-button");
    if (!panel || !b) { return; }
    var open = force === undefined ? panel.hasAttribute("hidden") : force;
    if (open) { panel.removeAttribute("hidden"); } else { panel.setAttribute("hidden", ""); }
    b.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function highlight(el, cls, on) {
    var pair = el && el.closest && el.closest(".s, .t");
    if (!pair) { return; }
    var other = partner(pair);
    pair.classList.toggle(cls, on);
    if (other) { other.classList.toggle(cls, on); }
  }

  function onKey(e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) { return; }
    var t = e.target, tag = t && t.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) { return; }
    var onSentence = !!(t && t.classList && t.classList.contains("s"));
    switch (e.key) {
      case "j": step(1); break;
      case "k": step(-1); break;
      case "ArrowDown": case "ArrowRight": if (!onSentence) { return; } step(1); break;
      case "ArrowUp": case "ArrowLeft": if (!onSentence) { return; } step(-1); break;
      case "Enter": case " ":
        // Outside reveal there is nothing to toggle: Space scrolls the page as anywhere else.
        if (!onSentence || mode() !== "reveal") { return; }
        toggle(indexOf(t));
        break;
      case "1": case "2": case "3": setMode(MODES[Number(e.key) - 1], true); break;
      case "a": if (mode() !== "reveal") { return; } showAll(); break;
      case "+": case "=": setSize(1); break;
      case "-": case "_": setSize(-1); break;
      case "d": toggleTheme(); break;
      case "?": toggleKeys(); break;
      case "Escape": toggleKeys(false); break;
      default: return;
    }
    e.preventDefault();
  }

  function init() {
    sentences = $all(".s");
    status = $("#status");
    bar = $(".bar");
    text = $("#text");
    setMode(mode(), false);
    syncTheme();
    if (dark) {
      var sync = function () { syncTheme(); };
      if (dark.addEventListener) { dark.addEventListener("change", sync); } else if (dark.addListener) { dark.addListener(sync); }
    }
    $all("button.mode").forEach(function (b) {
      b.addEventListener("click", function () { setMode(b.getAttribute("data-mode"), true); });
    });
    $all("button.size").forEach(function (b) {
      b.addEventListener("click", function () { setSize(Number(b.getAttribute("data-step"))); });
    });
    var all = $("#all"), theme = $("#theme"), keys = $("#keys-button");
    if (all) { all.addEventListener("click", showAll); }
    if (theme) { theme.addEventListener("click", toggleTheme); }
    if (keys) { keys.addEventListener("click", function () { toggleKeys(); }); }
    // The list of keys also closes on a click (or tap) anywhere outside it.
    document.addEventListener("click", function (e) {
      var panel = $("#keys");
      if (!panel || panel.hasAttribute("hidden")) { return; }
      if (panel.contains(e.target) || (keys && keys.contains(e.target))) { return; }
      toggleKeys(false);
    });
    document.addEventListener("keydown", onKey);
    if (!text) { return; }
    var lastToggle = -1, selectedAtDown = "";
    text.addEventListener("mousedown", function () {
      var sel = window.getSelection && window.getSelection();
      selectedAtDown = sel ? String(sel) : "";
    });
    text.addEventListener("click", function (e) {
      var note = e.target.closest && e.target.closest(".note-btn");
      if (note) { toggleNote(note); return; }
      if (e.target.closest && e.target.closest(".note")) { return; }
      var el = e.target.closest && e.target.closest(".s, .t");
      if (!el) { return; }
      var i = indexOf(el);
      if (el.classList.contains("s")) {
        sentences[current].setAttribute("tabindex", "-1");
        current = i;
        el.setAttribute("tabindex", "0");
      }
      if (mode() !== "reveal") { return; }
      // A click that ends with text selected (a drag, or a double click selecting a word)
      // is someone selecting, not asking for the translation. The first click of a double
      // click has already toggled it: the second one puts it back. A click on a selection
      // made earlier is a plain click (the browser clears the selection only after it).
      var sel = window.getSelection && window.getSelection();
      var selected = sel ? String(sel) : "";
      if (selected.length && (e.detail > 1 || selected !== selectedAtDown)) {
        if (e.detail > 1 && lastToggle === i) { toggle(i); }
        lastToggle = -1;
        return;
      }
      toggle(i);
      lastToggle = e.detail === 1 ? i : -1;
    });
    text.addEventListener("mouseover", function (e) { highlight(e.target, "hl", true); });
    text.addEventListener("mouseout", function (e) { highlight(e.target, "hl", false); });
    text.addEventListener("focusin", function (e) {
      // Keyboard focus only: a click already shows where the reader is.
      var visible = true;
      try { visible = e.target.matches(":focus-visible"); } catch (err) { visible = true; }
      if (visible) { highlight(e.target, "cur", true); }
    });
    text.addEventListener("focusout", function (e) { highlight(e.target, "cur", false); });
    // A selection belongs to the language it starts in: the other column, which lies
    // between two paragraphs of it in the document, is neither highlighted nor copied.
    text.addEventListener("mousedown", function (e) {
      var side = e.target.closest && e.target.closest(".es, .en");
      if (side) { root.setAttribute("data-select", side.classList.contains("en") ? "en" : "es"); }
      else { root.removeAttribute("data-select"); }
    });
    document.addEventListener("copy", onCopy);
  }

  // The note of a flagged translation, opened in the text (a tooltip is out of reach on a
  // phone and from the keyboard).
  function toggleNote(button) {
    var note = document.getElementById(button.getAttribute("aria-controls"));
    if (!note) { return; }
    var open = note.hasAttribute("hidden");
    if (open) { note.removeAttribute("hidden"); } else { note.setAttribute("hidden", ""); }
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  // The text of the part of `el` inside `range`, without the page's own furniture.
  function rangeText(range, el) {
    var part = document.createRange();
    part.selectNodeContents(el);
    if (el.contains(range.startContainer)) { part.setStart(range.startContainer, range.startOffset); }
    if (el.contains(range.endContainer)) { part.setEnd(range.endContainer, range.endOffset); }
    var copy = part.cloneContents();
    Array.prototype.forEach.call(copy.querySelectorAll(".note-btn, .note, .sr-only"), function (n) {
      n.parentNode.removeChild(n);
    });
    return copy.textContent;
  }

  // Copying a selection that spans sentences gives the sentences of one language: the
  // language the selection starts in. Blocks are separated by a blank line.
  function onCopy(e) {
    var sel = window.getSelection && window.getSelection();
    if (!sel || sel.isCollapsed || !sel.rangeCount || !e.clipboardData || !text) { return; }
    var range = sel.getRangeAt(0);
    if (!text.contains(range.commonAncestorContainer)) { return; }
    var start = range.startContainer.nodeType === 1 ? range.startContainer : range.startContainer.parentNode;
    var first = start.closest && start.closest(".s, .t");
    if (!first) {
      var side = start.closest && start.closest(".es, .en");
      if (!side) { return; }
      first = side;
    }
    var cls = (first.classList.contains("t") || first.classList.contains("en")) ? ".t" : ".s";
    var blocks = [], last = null, parts = [];
    $all(cls).forEach(function (el) {
      if (!range.intersectsNode(el)) { return; }
      var piece = rangeText(range, el);
      if (!piece) { return; }
      var block = el.closest(".blk");
      if (block !== last && parts.length) { blocks.push(parts.join(" ")); parts = []; }
      last = block;
      parts.push(piece.trim());
    });
    if (parts.length) { blocks.push(parts.join(" ")); }
    if (!blocks.length) { return; }
    e.clipboardData.setData("text/plain", blocks.join("\n\n"));
    e.preventDefault();
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
