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
    if (card) { closeCard(false); }
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
    if (active && active.classList && active.classList.contains("w")) { active = active.closest(".s"); }
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
    if (card && card.contains(t)) {
      if (e.key === "Escape") { closeCard(true); e.preventDefault(); }
      return;
    }
    if (t && t.closest && t.closest("#saved")) {
      if (e.key === "Escape") { toggleSaved(false); $("#saved-button").focus(); e.preventDefault(); }
      return;
    }
    var onWord = !!(t && t.classList && t.classList.contains("w"));
    if (onWord) {
      switch (e.key) {
        case "ArrowRight": stepWord(t, 1); break;
        case "ArrowLeft": stepWord(t, -1); break;
        case "Enter": case " ": openCard(t); break;
        case "Escape": if (card && !card.hidden) { closeCard(false); } else { t.closest(".s").focus(); } break;
        default: t = null;
      }
      if (t) { e.preventDefault(); return; }
      t = e.target;
    }
    var onSentence = !!(t && t.classList && t.classList.contains("s"));
    if (onSentence && WORDS && (e.key === "w" || (e.key === "Enter" && mode() !== "reveal"))) {
      if (firstWord(t)) { e.preventDefault(); }
      return;
    }
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
      case "l": if (!voice) { return; } speakCurrent(); break;
      case "Escape": toggleKeys(false); closeCard(false); toggleSaved(false); break;
      default: return;
    }
    e.preventDefault();
  }

  // ---- Word study: every Spanish word opens a card (lemma, grammar, glosses, save). ----
  // The words come as compact JSON (html.py word_data) and are wrapped in spans lazily,
  // one sentence at a time, when the reader reaches it: the page paints before any of it.
  var WORDS = null, card = null, cardWord = null, SAVED_KEY = "bireader.saved";
  var ARTICLE = root.getAttribute("data-article") || DOC;

  function loadWords() {
    var el = document.getElementById("words");
    if (!el) { return null; }
    try {
      var data = JSON.parse(el.textContent);
      return data && data.v === 1 ? data : null;
    } catch (e) { return null; }
  }

  // The words of sentence s: [{start, end, entry}], offsets in s's text (UTF-16).
  function wordList(s) {
    var flat = WORDS && WORDS.w[indexOf(s)], list = [], at = 0;
    if (!flat) { return list; }
    for (var i = 0; i + 2 < flat.length; i += 3) {
      var start = at + flat[i], end = start + flat[i + 1];
      list.push({ start: start, end: end, entry: flat[i + 2] });
      at = end;
    }
    return list;
  }

  // Wraps each word of s in <span class="w">, splitting text nodes; a word that crosses
  // an element (a dash kept with its word) gets one span per piece, sharing data-w.
  function wrap(s) {
    if (!WORDS || s.hasAttribute("data-wrapped")) { return; }
    s.setAttribute("data-wrapped", "");
    var list = wordList(s), nodes = [], walker = document.createTreeWalker(s, NodeFilter.SHOW_TEXT);
    for (var n = walker.nextNode(); n; n = walker.nextNode()) { nodes.push(n); }
    var offset = 0, k = 0;
    nodes.forEach(function (node) {
      var text = node.data, from = offset, to = offset + text.length;
      offset = to;
      while (k < list.length && list[k].end <= from) { k++; }
      if (k >= list.length || list[k].start >= to) { return; }
      var frag = document.createDocumentFragment(), pos = from, j = k;
      for (; j < list.length && list[j].start < to; j++) {
        var a = Math.max(list[j].start, from), b = Math.min(list[j].end, to);
        if (a > pos) { frag.appendChild(document.createTextNode(text.slice(pos - from, a - from))); }
        var span = document.createElement("span");
        span.className = "w";
        span.setAttribute("data-w", String(j));
        span.setAttribute("tabindex", "-1");
        var flags = WORDS.e[list[j].entry][4];
        if (flags & 2) { span.classList.add("untranslated"); }
        if (flags & 1) { span.classList.add("unknown"); }
        span.textContent = text.slice(a - from, b - from);
        frag.appendChild(span);
        pos = b;
      }
      if (pos < to) { frag.appendChild(document.createTextNode(text.slice(pos - from))); }
      node.parentNode.replaceChild(frag, node);
    });
  }

  // One span per word (the first piece of a word split by an element).
  function wordSpans(s) {
    wrap(s);
    var seen = {};
    return Array.prototype.filter.call(s.querySelectorAll(".w"), function (w) {
      var k = w.getAttribute("data-w");
      if (seen[k]) { return false; }
      seen[k] = true;
      return true;
    });
  }

  function focusWord(w) {
    if (!w) { return false; }
    var s = w.closest(".s");
    sentences[current].setAttribute("tabindex", "-1");
    current = indexOf(s);
    s.setAttribute("tabindex", "0");
    w.focus({ preventScroll: true });
    w.scrollIntoView({ block: "nearest" });
    return true;
  }

  function firstWord(s) { return focusWord(wordSpans(s)[0]); }

  // Word by word, on into the next sentence (or back into the one before).
  function stepWord(w, delta) {
    var s = w.closest(".s"), list = wordSpans(s);
    var at = list.indexOf(s.querySelector('.w[data-w="' + w.getAttribute("data-w") + '"]'));
    var next = list[at + delta];
    for (var i = indexOf(s) + delta; !next && i >= 0 && i < sentences.length; i += delta) {
      var other = wordSpans(sentences[i]);
      next = delta > 0 ? other[0] : other[other.length - 1];
    }
    if (next) { focusWord(next); }
  }

  // The word under a click: its span, or (a click whose press landed before the sentence
  // was wrapped) the word at the point.
  function wordAt(e, s) {
    wrap(s);
    var w = e.target.closest && e.target.closest(".w");
    if (w) { return w; }
    var node = null;
    if (document.caretRangeFromPoint) {
      var r = document.caretRangeFromPoint(e.clientX, e.clientY);
      node = r && r.startContainer;
    } else if (document.caretPositionFromPoint) {
      var p = document.caretPositionFromPoint(e.clientX, e.clientY);
      node = p && p.offsetNode;
    }
    var el = node && (node.nodeType === 1 ? node : node.parentNode);
    w = el && el.closest && el.closest(".w");
    return w && s.contains(w) ? w : null;
  }

  function str(i) { return WORDS.s[i]; }

  function entryOf(w) {
    var s = w.closest(".s"), item = wordList(s)[Number(w.getAttribute("data-w"))];
    return { item: item, e: WORDS.e[item.entry], s: s };
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function wordText(s, item) {
    var t = s.textContent;  // sentences hold only their text (and word spans)
    return t.slice(item.start, item.end);
  }

  // One word's facts: lemma, grammar in plain words, glosses (and its parts: del = de + el).
  function describeEntry(box, e, lemmaTag) {
    var head = el(lemmaTag || "p", "wc-lemma");
    var lemma = el("span", "", str(e[0]));
    lemma.setAttribute("lang", "es");
    head.appendChild(lemma);
    box.appendChild(head);
    box.appendChild(el("p", "wc-grammar", str(e[1])));
    if (e[3].length) {
      var list = el("ol", "wc-glosses");
      e[3].forEach(function (g) { list.appendChild(el("li", "", str(g))); });
      box.appendChild(list);
    } else {
      box.appendChild(el("p", "wc-none", "No English gloss in the dictionary."));
    }
  }

  function buildCard() {
    card = el("div", "wcard");
    card.id = "word-card";
    card.setAttribute("role", "dialog");
    card.setAttribute("tabindex", "-1");
    card.hidden = true;
    document.body.appendChild(card);
    card.addEventListener("click", function (e) {
      var b = e.target.closest("button");
      if (!b) { return; }
      if (b.classList.contains("wc-close")) { closeCard(true); }
      else if (b.classList.contains("wc-save")) { toggleSave(); }
      else if (b.classList.contains("wc-say")) { speak(b.getAttribute("data-text")); }
    });
  }

  function openCard(w) {
    if (!WORDS) { return; }
    if (!card) { buildCard(); }
    var found = entryOf(w), e = found.e, s = found.s, text = wordText(s, found.item);
    cardWord = w;
    card.textContent = "";
    card.setAttribute("aria-label", "Word: " + text);
    var top = el("div", "wc-top");
    var word = el("p", "wc-word", text);
    word.setAttribute("lang", "es");
    top.appendChild(word);
    var close = el("button", "wc-close", "\u00d7");
    close.type = "button";
    close.setAttribute("aria-label", "Close");
    top.appendChild(close);
    card.appendChild(top);
    describeEntry(card, e);
    if (e[4] & 1) { card.appendChild(el("p", "wc-note", "Not in the dictionary: the lemma is a guess.")); }
    if (e[4] & 2) { card.appendChild(el("p", "wc-note", "The English translation left this word in Spanish.")); }
    if (e[5].length) {
      var parts = el("div", "wc-parts");
      parts.appendChild(el("p", "wc-parts-head", e[5].map(function (p) { return str(WORDS.e[p][0]); }).join(" + ")));
      e[5].forEach(function (p) {
        var part = el("div", "wc-part");
        describeEntry(part, WORDS.e[p], "p");
        parts.appendChild(part);
      });
      card.appendChild(parts);
    }
    var actions = el("div", "wc-actions");
    var save = el("button", "wc-save");
    save.type = "button";
    actions.appendChild(save);
    if (voice) {
      var say = el("button", "wc-say", "Listen");
      say.type = "button";
      say.setAttribute("data-text", text);
      say.setAttribute("aria-label", "Listen to \u201c" + text + "\u201d");
      actions.appendChild(say);
    }
    card.appendChild(actions);
    syncSave();
    Array.prototype.forEach.call(document.querySelectorAll(".w.open"), function (o) { o.classList.remove("open"); });
    Array.prototype.forEach.call(s.querySelectorAll('.w[data-w="' + w.getAttribute("data-w") + '"]'), function (o) {
      o.classList.add("open");
    });
    card.hidden = false;
    placeCard(s, w);
    card.focus({ preventScroll: true });
  }

  // Below the sentence when it fits on screen, else above it, else below and scrolled to:
  // the card never covers the sentence it explains.
  function placeCard(s, w) {
    var rect = s.getBoundingClientRect(), wr = w.getBoundingClientRect();
    var vw = document.documentElement.clientWidth, gap = 8, margin = 8;
    card.style.left = "0px";
    card.style.top = "0px";
    var width = card.offsetWidth, height = card.offsetHeight;
    var left = Math.max(margin, Math.min(wr.left, vw - width - margin));
    var below = rect.bottom + gap, above = rect.top - gap - height, top;
    if (below + height <= window.innerHeight - margin) { top = below; }
    else if (above >= barBottom() + margin) { top = above; }
    else { top = below; }
    card.style.left = (left + window.scrollX) + "px";
    card.style.top = (top + window.scrollY) + "px";
    var overflow = top + height + margin - window.innerHeight;
    if (top === below && overflow > 0) {
      // Scroll the card into view, but never the sentence's top under the bar.
      window.scrollBy(0, Math.min(overflow, Math.max(0, rect.top - barBottom() - margin)));
    }
  }

  function closeCard(refocus) {
    if (!card || card.hidden) { return; }
    card.hidden = true;
    Array.prototype.forEach.call(document.querySelectorAll(".w.open"), function (o) { o.classList.remove("open"); });
    if (refocus && cardWord && document.contains(cardWord)) { cardWord.focus({ preventScroll: true }); }
    cardWord = null;
  }

  // ---- Saved words: per article in localStorage; downloaded as Anki TSV. ----
  var savedAll = {};
  try { savedAll = JSON.parse((store && store.getItem(SAVED_KEY)) || "{}") || {}; } catch (e) { savedAll = {}; }
  function savedList() { return Array.isArray(savedAll[ARTICLE]) ? savedAll[ARTICLE] : []; }
  function storeSaved(list) {
    if (list.length) { savedAll[ARTICLE] = list; } else { delete savedAll[ARTICLE]; }
    if (store) { try { store.setItem(SAVED_KEY, JSON.stringify(savedAll)); } catch (e) { /* quota */ } }
    renderSaved();
  }

  function escapeHtml(t) { return t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"); }

  // The note for the word in the card: the columns of `bireader vocab -o deck.tsv`.
  function noteFor(w) {
    var found = entryOf(w), e = found.e, s = found.s, t = s.textContent, item = found.item;
    var english = partner(s);
    var en = english ? english.cloneNode(true) : null;
    if (en) { Array.prototype.forEach.call(en.querySelectorAll(".note-btn, .note, .sr-only"), function (n) { n.parentNode.removeChild(n); }); }
    return {
      lemma: str(e[0]),
      gloss: e[3].length ? str(e[3][0]) : "",
      pos: str(e[2]),
      sentence: escapeHtml(t.slice(0, item.start)) + "<b>" + escapeHtml(t.slice(item.start, item.end)) + "</b>" + escapeHtml(t.slice(item.end)),
      translation: en ? en.textContent : "",
      at: s.id + ":" + item.start
    };
  }

  function savedIndex(lemma) {
    var list = savedList();
    for (var i = 0; i < list.length; i++) { if (list[i].lemma === lemma) { return i; } }
    return -1;
  }

  function toggleSave() {
    if (!cardWord) { return; }
    var note = noteFor(cardWord), list = savedList().slice(), i = savedIndex(note.lemma);
    if (i >= 0) { list.splice(i, 1); } else { list.push(note); }
    storeSaved(list);
    syncSave();
    announce(i >= 0 ? note.lemma + " removed from saved words" : note.lemma + " saved");
  }

  function syncSave() {
    var b = card && card.querySelector(".wc-save");
    if (!b || !cardWord) { return; }
    var saved = savedIndex(str(entryOf(cardWord).e[0])) >= 0;
    b.textContent = saved ? "Saved \u2713" : "Save word";
    b.setAttribute("aria-pressed", saved ? "true" : "false");
  }

  function tsvField(t) { return String(t).split(/\s+/).filter(Boolean).join(" "); }

  function savedTsv() {
    var lines = ["#separator:tab", "#html:true", "#columns:Lemma\tGloss\tPart of speech\tSentence\tTranslation"];
    savedList().forEach(function (n) {
      lines.push([escapeHtml(n.lemma), escapeHtml(n.gloss), escapeHtml(n.pos), n.sentence, escapeHtml(n.translation)]
        .map(tsvField).join("\t"));
    });
    return lines.join("\n") + "\n";
  }

  function download() {
    // A data: link with `download` saves the file; nothing leaves the page.
    var a = document.createElement("a"), name = (document.title || "words").replace(/[\\/:*?"<>|\s]+/g, "-");
    a.href = "data:text/tab-separated-values;charset=utf-8," + encodeURIComponent(savedTsv());
    a.download = name + ".words.tsv";
    document.body.appendChild(a);
    a.click();
    a.parentNode.removeChild(a);
  }

  function renderSaved() {
    var list = savedList(), button = $("#saved-button"), panel = $("#saved");
    var count = button && button.querySelector(".count");
    if (count) { count.textContent = "(" + list.length + ")"; }
    if (!panel) { return; }
    var ul = panel.querySelector("ul"), empty = panel.querySelector(".saved-empty"), dl = panel.querySelector(".saved-download");
    ul.textContent = "";
    list.forEach(function (n, i) {
      var li = el("li");
      var lemma = el("span", "saved-lemma", n.lemma);
      lemma.setAttribute("lang", "es");
      li.appendChild(lemma);
      li.appendChild(document.createTextNode(" \u2014 " + n.gloss + (n.pos ? " (" + n.pos + ")" : "")));
      var rm = el("button", "saved-remove", "\u00d7");
      rm.type = "button";
      rm.setAttribute("aria-label", "Remove " + n.lemma);
      rm.setAttribute("data-i", String(i));
      li.appendChild(rm);
      ul.appendChild(li);
    });
    empty.hidden = list.length > 0;
    dl.disabled = !list.length;
  }

  function toggleSaved(force) {
    var panel = $("#saved"), b = $("#saved-button");
    if (!panel || !b) { return; }
    var open = force === undefined ? panel.hasAttribute("hidden") : force;
    if (open) { renderSaved(); panel.removeAttribute("hidden"); } else { panel.setAttribute("hidden", ""); }
    b.setAttribute("aria-expanded", open ? "true" : "false");
  }

  // ---- Listening: the browser's own Spanish voice, when it has one. ----
  var synth = window.speechSynthesis || null, voice = null;
  var RATES = [0.6, 0.8, 1, 1.2];
  function findVoice() {
    if (!synth || !window.SpeechSynthesisUtterance) { return; }
    var voices = [];
    try { voices = synth.getVoices() || []; } catch (e) { voices = []; }
    var best = null;
    for (var i = 0; i < voices.length; i++) {
      var lang = String(voices[i].lang || "").toLowerCase().replace("_", "-");
      if (lang === "es" || lang.indexOf("es-") === 0) {
        if (!best || lang === "es-es") { best = voices[i]; }
      }
    }
    voice = best;
    var group = $("#listen");
    if (group) { group.hidden = !voice; }
  }

  function speak(text) {
    if (!voice || !text) { return; }
    var u = new window.SpeechSynthesisUtterance(text);
    u.voice = voice;
    u.lang = voice.lang || "es-ES";
    u.rate = RATES.indexOf(prefs.rate) >= 0 ? prefs.rate : 1;
    synth.cancel();
    synth.speak(u);
  }

  function sentenceText(s) {
    return s ? s.textContent : "";
  }

  // The sentence last focused or clicked, if it is on screen; else the first in view.
  function speakCurrent() {
    var s = sentences[current];
    if (!s || !inView(s)) { s = sentences[firstVisible()]; }
    speak(sentenceText(s));
  }

  function init() {
    WORDS = loadWords();
    if (WORDS) { root.setAttribute("data-words", ""); }
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
      var sel = window.getSelection && window.getSelection();
      var selected = sel ? String(sel) : "";
      var selecting = selected.length && (e.detail > 1 || selected !== selectedAtDown);
      // A word opens its card; in Reveal, once the sentence's translation is shown (the
      // first tap shows it, a tap on the English hides it).
      var word = WORDS && el.classList.contains("s") && !selecting ? wordAt(e, el) : null;
      if (word && (mode() !== "reveal" || partner(el).classList.contains("shown"))) {
        openCard(word);
        return;
      }
      if (selecting) { closeCard(false); }
      if (mode() !== "reveal") { return; }
      // A click that ends with text selected (a drag, or a double click selecting a word)
      // is someone selecting, not asking for the translation. The first click of a double
      // click has already toggled it: the second one puts it back. A click on a selection
      // made earlier is a plain click (the browser clears the selection only after it).
      if (selecting) {
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
    initWords();
  }

  function initWords() {
    findVoice();
    if (synth) {
      if (synth.addEventListener) { synth.addEventListener("voiceschanged", findVoice); }
      else { synth.onvoiceschanged = findVoice; }
    }
    var rate = $("#rate"), listen = $("#listen-button");
    if (rate) {
      if (RATES.indexOf(prefs.rate) >= 0) { rate.value = String(prefs.rate); }
      rate.addEventListener("change", function () {
        prefs.rate = Number(rate.value);
        save();
      });
    }
    if (listen) { listen.addEventListener("click", speakCurrent); }
    if (!WORDS) { return; }
    // A sentence is wrapped into words as soon as a pointer reaches it (before its click).
    var reach = function (e) {
      var s = e.target.closest && e.target.closest(".s");
      if (s) { wrap(s); }
    };
    text.addEventListener("mouseover", reach);
    text.addEventListener("pointerdown", reach);
    // A tap or click anywhere else closes the card.
    document.addEventListener("click", function (e) {
      if (!card || card.hidden) { return; }
      if (!document.contains(e.target) || card.contains(e.target)) { return; }
      if (e.target.closest && e.target.closest(".w")) { return; }
      closeCard(false);
    });
    // A phone's toolbar showing or hiding changes the height only: the card stays.
    var lastWidth = window.innerWidth;
    window.addEventListener("resize", function () {
      if (window.innerWidth !== lastWidth) { closeCard(false); }
      lastWidth = window.innerWidth;
    });
    var savedButton = $("#saved-button"), panel = $("#saved");
    if (savedButton) { savedButton.addEventListener("click", function () { toggleSaved(); }); }
    if (panel) {
      panel.addEventListener("click", function (e) {
        var b = e.target.closest("button");
        if (!b) { return; }
        if (b.classList.contains("saved-remove")) {
          var list = savedList().slice();
          list.splice(Number(b.getAttribute("data-i")), 1);
          storeSaved(list);
          syncSave();
        } else if (b.classList.contains("saved-download")) {
          download();
        }
      });
      document.addEventListener("click", function (e) {
        if (panel.hasAttribute("hidden") || !document.contains(e.target)) { return; }
        if (panel.contains(e.target) || (savedButton && savedButton.contains(e.target))) { return; }
        toggleSaved(false);
      });
    }
    renderSaved();
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
