/* newsarchive browser search. Loads the sharded index written by search/export.py with <script>
   tags (works from file:// and any static host), ranks with BM25F, ANDs all words, checks quoted
   phrases against stored positions, matches the last word as a prefix while typing, filters by
   source and date, sorts by relevance or date, highlights excerpts, charts matches per month. */
(function () {
  "use strict";
  var text = window.naText;
  var ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var DIGIT = {};
  for (var i = 0; i < ALPHABET.length; i++) DIGIT[ALPHABET.charCodeAt(i)] = i;
  var PAGE = 10, MAX_PREFIX_TERMS = 30, MAX_PREFIX_SHARDS = 3, TOP_PICK = 5 * PAGE;
  var SVG = "http://www.w3.org/2000/svg";

  // -- loading index files ------------------------------------------------------------------
  var registry = Object.create(null), pending = Object.create(null);
  window.__na = function (name, data) { registry[name] = data; };
  function load(name) {
    if (name in registry) return Promise.resolve(registry[name]);
    if (pending[name]) return pending[name];
    pending[name] = new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = name + ".js";
      s.async = true;
      s.onload = function () {
        if (name in registry) resolve(registry[name]);
        else reject(new Error("index file " + name + ".js is not valid"));
      };
      s.onerror = function () { delete pending[name]; reject(new Error("cannot load index file " + name + ".js")); };
      document.head.appendChild(s);
    });
    return pending[name];
  }

  function readVarint(str, pos) {
    var value = 0, shift = 0, d;
    do {
      d = DIGIT[str.charCodeAt(pos++)];
      value += (d & 31) * Math.pow(2, shift);
      shift += 5;
    } while (d >= 32);
    return [value, pos];
  }

  function decodePostings(str) {
    // readVarint inlined: this loop runs once per posting of every query word
    var docs = [], sats = [], pos = 0, doc = 0, n = str.length;
    while (pos < n) {
      var value = 0, mult = 1, d;
      do { d = DIGIT[str.charCodeAt(pos++)]; value += (d & 31) * mult; mult *= 32; } while (d >= 32);
      doc += value;
      docs.push(doc); sats.push(DIGIT[str.charCodeAt(pos++)]);
    }
    return {docs: docs, sats: sats};
  }

  function decodeDocList(str) {
    var out = new Set(), pos = 0, doc = 0, r;
    while (pos < str.length) { r = readVarint(str, pos); doc += r[0]; pos = r[1]; out.add(doc); }
    return out;
  }

  function decodePositions(postings, str, wanted) {
    var out = new Map(), pos = 0, r;
    for (var i = 0; i < postings.docs.length; i++) {
      r = readVarint(str, pos); var count = r[0]; pos = r[1];
      var list = wanted.has(postings.docs[i]) ? [] : null, last = 0;
      for (var k = 0; k < count; k++) {
        r = readVarint(str, pos); pos = r[1]; last += r[0];
        if (list) list.push(last);
      }
      if (list) out.set(postings.docs[i], list);
    }
    return out;
  }

  // -- the query --------------------------------------------------------------------------
  function parseQuery(raw, typing) {
    var slots = [], phrases = [], highlight = new Set(), re = /"([^"]*)"?|([^\s"]+)/g, m, last = null;
    while ((m = re.exec(raw)) !== null) {
      if (m[1] !== undefined) {
        var stems = text.analyze(m[1]);
        stems.forEach(function (s) { slots.push({stem: s, prefix: null}); highlight.add(s); });
        if (stems.length > 1) phrases.push(stems);
        last = null;
      } else {
        var toks = text.tokens(m[2]);
        toks.forEach(function (t) { slots.push({stem: t.stem, prefix: null}); highlight.add(t.stem); });
        last = toks.length ? slots[slots.length - 1] : null;
        if (last) last.word = toks[toks.length - 1].word;
        if (toks.length > 1) phrases.push(toks.map(function (t) { return t.stem; }));
      }
    }
    if (typing && last && !/\s$/.test(raw) && last.word.length >= 2) last.prefix = last.word;
    return {slots: slots, phrases: phrases, highlight: highlight};
  }

  function shardOf(meta, term) {
    var lo = 0, hi = meta.shards.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (meta.shards[mid] <= term) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  // Shards are sorted by first term; their files have stable ids (meta.files) so that splitting a
  // shard that grew does not renumber (and rewrite) the others.
  function shardFile(meta, s) { return meta.files ? meta.files[s] : s; }

  function idf(meta, df) { return Math.log(1 + (meta.n - df + 0.5) / (df + 0.5)); }

  // Documents added since the last merge of the index live in a small "recent" segment
  // (meta.recent: its own shard table, files r/t/<i>.js and r/p/<i>.js). A term's postings (and
  // positions) are its main shard's string followed by its recent one's.
  function recentShards(meta, lo, hi) {
    var r = meta.recent;
    if (!r || !r.shards.length) return [];
    var out = [], a = shardOf(r, lo), b = hi === null ? a : shardOf(r, hi);
    for (var s = a; s <= b; s++) out.push(r.files[s]);
    return out;
  }

  function joined(shards, term) {
    var out = "";
    for (var i = 0; i < shards.length; i++) if (typeof shards[i][term] === "string") out += shards[i][term];
    return out;
  }

  // Doc -> score for one slot (the exact stem, or every term with the typed prefix).
  function slotScores(meta, slot) {
    var shardIds = [shardOf(meta, slot.stem)];
    if (slot.prefix) {
      var a = shardOf(meta, slot.prefix), b = shardOf(meta, slot.prefix + "\uffff");
      for (var s = a; s <= Math.min(b, a + MAX_PREFIX_SHARDS - 1); s++) if (shardIds.indexOf(s) < 0) shardIds.push(s);
    }
    var recentIds = recentShards(meta, slot.stem, null);
    if (slot.prefix) recentShards(meta, slot.prefix, slot.prefix + "\uffff").forEach(function (f) {
      if (recentIds.indexOf(f) < 0) recentIds.push(f);
    });
    return Promise.all([
      Promise.all(shardIds.map(function (s) { return load("t/" + shardFile(meta, s)); })),
      Promise.all(recentIds.map(function (f) { return load("r/t/" + f); })),
    ]).then(function (loaded) {
      var shards = loaded[0].concat(loaded[1]);  // main first: recent postings continue them
      var terms = new Map();
      var exact = joined(shards, slot.stem);
      if (exact) terms.set(slot.stem, exact);
      if (slot.prefix) {
        var cands = [], seen = new Set();
        shards.forEach(function (shard) {
          for (var t in shard) {
            // a term whose main shard was not loaded would have only the tail of its postings
            if (t.lastIndexOf(slot.prefix, 0) !== 0 || terms.has(t) || seen.has(t) ||
                shardIds.indexOf(shardOf(meta, t)) < 0) continue;
            seen.add(t);
            cands.push([t, joined(shards, t)]);
          }
        });
        cands.sort(function (x, y) { return y[1].length - x[1].length; });
        cands.slice(0, MAX_PREFIX_TERMS).forEach(function (c) { terms.set(c[0], c[1]); });
      }
      var scores = new Map(), postingsByTerm = new Map();
      terms.forEach(function (enc, term) {
        var p = decodePostings(enc), w = idf(meta, p.docs.length) * (meta.k1 + 1) / meta.q;
        postingsByTerm.set(term, p);
        for (var i = 0; i < p.docs.length; i++) {
          var sc = w * p.sats[i], old = scores.get(p.docs[i]);
          if (old === undefined || sc > old) scores.set(p.docs[i], sc);
        }
      });
      return {scores: scores, terms: Array.from(terms.keys()), postings: postingsByTerm};
    });
  }

  function phraseFilter(meta, phrase, candidates) {
    var uniq = Array.from(new Set(phrase));
    return Promise.all(uniq.map(function (term) {
      var f = shardFile(meta, shardOf(meta, term)), names = ["t/" + f, "p/" + f];
      recentShards(meta, term, null).forEach(function (r) { names.push("r/t/" + r, "r/p/" + r); });
      return Promise.all(names.map(load)).then(function (files) {
        var post = [files[0]], pos = [files[1]];
        for (var i = 2; i < files.length; i += 2) { post.push(files[i]); pos.push(files[i + 1]); }
        var enc = joined(post, term);
        if (!enc) return [term, new Map()];
        return [term, decodePositions(decodePostings(enc), joined(pos, term), candidates)];
      });
    })).then(function (pairs) {
      var pos = new Map(pairs), keep = new Set();
      candidates.forEach(function (doc) {
        var first = pos.get(phrase[0]).get(doc);
        if (!first) return;
        var sets = phrase.map(function (t) { return new Set(pos.get(t).get(doc) || []); });
        for (var i = 0; i < first.length; i++) {
          var ok = true;
          for (var k = 1; k < phrase.length && ok; k++) ok = sets[k].has(first[i] + k);
          if (ok) { keep.add(doc); return; }
        }
      });
      return keep;
    });
  }

  function dateRange(from, to) {
    if (!from && !to) return Promise.resolve(null);
    return load("dates").then(function (days) {
      var lo = 0, hi = Infinity;
      if (from) { lo = Infinity; for (var i = 0; i < days.length; i++) if (days[i][0] >= from) { lo = days[i][1]; break; } }
      if (to) { for (var j = 0; j < days.length; j++) if (days[j][0] > to) { hi = days[j][1] - 1; break; } }
      return [lo, hi];
    });
  }

  function run(meta, params, typing) {
    var q = parseQuery(params.q, typing);
    if (!q.slots.length) return Promise.resolve({empty: true});
    var sourceIndex = -1;
    meta.sources.forEach(function (s, i) { if (s[0] === params.source) sourceIndex = i; });
    return Promise.all([
      Promise.all(q.slots.map(function (slot) { return slotScores(meta, slot); })),
      sourceIndex >= 0 ? load("s/" + sourceIndex).then(decodeDocList) : Promise.resolve(null),
      dateRange(params.from, params.to),
    ]).then(function (parts) {
      var slots = parts[0], sourceDocs = parts[1], range = parts[2];
      slots.sort(function (a, b) { return a.scores.size - b.scores.size; });
      // one word and no filter (the commonest search): its scores are the matches, no copy
      var matched = slots.length === 1 && !sourceDocs && !range ? slots[0].scores : new Map();
      if (matched !== slots[0].scores) slots[0].scores.forEach(function (score, doc) {
        if (sourceDocs && !sourceDocs.has(doc)) return;
        if (range && (doc < range[0] || doc > range[1])) return;
        for (var i = 1; i < slots.length; i++) {
          var s = slots[i].scores.get(doc);
          if (s === undefined) return;
          score += s;
        }
        matched.set(doc, score);
      });
      var highlight = new Set(q.highlight), prefixes = [];
      slots.forEach(function (s) { s.terms.forEach(function (t) { highlight.add(t); }); });
      q.slots.forEach(function (s) { if (s.prefix) prefixes.push(s.prefix); });
      var chain = Promise.resolve(q.phrases.length ? new Set(matched.keys()) : null);
      q.phrases.forEach(function (phrase) {
        chain = chain.then(function (cands) { return cands.size ? phraseFilter(meta, phrase, cands) : cands; });
      });
      return chain.then(function (keep) {
        var docs = Array.from(keep || matched.keys());
        var before = params.sort === "newest" ? function (a, b) { return b - a; }
          : function (a, b) { return (matched.get(b) - matched.get(a)) || (b - a); };
        return {all: docs, total: docs.length, ranked: ranking(docs, before),
                highlight: highlight, prefixes: prefixes};
      });
    });
  }

  // The documents from `start` to `end` in rank order. Sorting every match of a common word
  // (40,000 at 100,000 articles) took longer than everything else a search does; the first
  // pages only need the best few, picked in one pass. `before(a, b)` < 0 when a ranks first.
  function ranking(docs, before) {
    var sorted = null, best = null;
    return function (start, end) {
      if (!sorted && end <= TOP_PICK && docs.length > 4 * TOP_PICK) {
        if (!best) best = pickBest(docs, before, TOP_PICK);
        return best.slice(start, end);
      }
      if (!sorted) sorted = docs.slice().sort(before);
      return sorted.slice(start, end);
    };
  }

  function pickBest(docs, before, k) {
    var best = [];
    for (var i = 0; i < docs.length; i++) {
      var d = docs[i];
      if (best.length === k && before(d, best[k - 1]) >= 0) continue;
      var lo = 0, hi = best.length;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (before(best[mid], d) <= 0) lo = mid + 1; else hi = mid; }
      best.splice(lo, 0, d);
      if (best.length > k) best.pop();
    }
    return best;
  }

  // -- showing results ----------------------------------------------------------------------
  function excerpt(body, highlight, prefixes) {
    var toks = text.tokens(body), hits = toks.filter(function (t) {
      return highlight.has(t.stem) || prefixes.some(function (p) { return t.word.lastIndexOf(p, 0) === 0; });
    });
    var start = 0;
    if (hits.length) { start = Math.max(0, hits[0].start - 80); var sp = body.lastIndexOf(" ", start); if (sp > start - 30 && sp >= 0) start = sp + 1; }
    var end = Math.min(body.length, start + 280);
    var frag = document.createDocumentFragment(), at = start;
    if (start > 0) frag.appendChild(document.createTextNode("… "));
    hits.forEach(function (t) {
      if (t.start < at || t.end > end) return;
      frag.appendChild(document.createTextNode(body.slice(at, t.start)));
      var mark = document.createElement("mark");
      mark.textContent = body.slice(t.start, t.end);
      frag.appendChild(mark);
      at = t.end;
    });
    frag.appendChild(document.createTextNode(body.slice(at, end) + (end < body.length ? " …" : "")));
    return frag;
  }

  function resultItem(meta, docnum, doc, found) {
    var li = document.createElement("li");
    li.setAttribute("data-result", String(docnum));
    var h = document.createElement("h3"), a = document.createElement("a");
    a.href = "../" + doc.u;
    a.appendChild(excerpt(doc.t, found.highlight, found.prefixes));
    h.appendChild(a);
    li.appendChild(h);
    var metaLine = document.createElement("p");
    metaLine.className = "meta";
    var src = meta.sources[doc.s] || ["", ""];
    metaLine.textContent = doc.d + " · " + src[1] + (doc.a ? " · by " + doc.a : "");
    li.appendChild(metaLine);
    var p = document.createElement("p");
    p.className = "excerpt";
    p.appendChild(excerpt(doc.x, found.highlight, found.prefixes));
    li.appendChild(p);
    return li;
  }

  function drawChart(meta, docs, figure) {
    while (figure.lastChild && figure.lastChild.nodeName.toLowerCase() === "svg") figure.removeChild(figure.lastChild);
    if (!docs.length || !meta.months.length) { figure.hidden = true; return; }
    var counts = new Array(meta.months.length).fill(0), lo = Infinity, hi = -1;
    docs.forEach(function (d) {
      var a = 0, b = meta.months.length - 1;
      while (a < b) { var mid = (a + b + 1) >> 1; if (meta.months[mid][1] <= d) a = mid; else b = mid - 1; }
      counts[a]++; lo = Math.min(lo, a); hi = Math.max(hi, a);
    });
    var n = hi - lo + 1, max = Math.max.apply(null, counts), w = 600, h = 80, bw = w / n;
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 " + w + " " + h);
    svg.setAttribute("preserveAspectRatio", "none");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", "Matches per month from " + meta.months[lo][0] + " to " + meta.months[hi][0]);
    for (var i = lo; i <= hi; i++) {
      var bh = counts[i] ? Math.max(2, counts[i] / max * (h - 2)) : 0, r = document.createElementNS(SVG, "rect");
      r.setAttribute("x", String((i - lo) * bw + bw * 0.1));
      r.setAttribute("width", String(Math.max(1, bw * 0.8)));
      r.setAttribute("y", String(h - bh));
      r.setAttribute("height", String(bh));
      var title = document.createElementNS(SVG, "title");
      title.textContent = meta.months[i][0] + ": " + counts[i];
      r.appendChild(title);
      svg.appendChild(r);
    }
    figure.appendChild(svg);
    figure.hidden = false;
  }

  // -- the page -------------------------------------------------------------------------------
  var form = document.getElementById("search-form");
  if (!form) return;
  var input = document.getElementById("q"), status = document.getElementById("search-status");
  var list = document.getElementById("search-results"), more = document.getElementById("search-more");
  var chart = document.getElementById("search-chart");
  var controls = ["source", "from", "to", "sort"].map(function (id) { return document.getElementById(id); });
  var generation = 0, metaPromise = null, shown = [], shownCount = 0, currentFound = null;

  function params() {
    return {q: input.value, source: controls[0].value, from: controls[1].value, to: controls[2].value,
            sort: controls[3].value || "relevance"};
  }

  // Results appear in rank order as their document files arrive: the first one does not wait
  // for the slowest of the page.
  function showPage(meta, found, gen) {
    var slice = found.ranked(shownCount, shownCount + PAGE), docs = new Array(slice.length), next = 0;
    function flush() {
      while (next < slice.length && docs[next] !== undefined) {
        if (gen !== generation) return;
        list.appendChild(resultItem(meta, slice[next], docs[next], found));
        next++;
      }
    }
    return Promise.all(slice.map(function (d, i) {
      return load("d/" + d).then(function (doc) { docs[i] = doc; flush(); });
    })).then(function () {
      if (gen !== generation) return;
      shownCount += slice.length;
      more.hidden = shownCount >= found.total;
    });
  }

  function search(typing) {
    var gen = ++generation, p = params();
    if (!metaPromise) metaPromise = load("meta");
    var started = Date.now();
    return metaPromise.then(function (meta) {
      return run(meta, p, typing).then(function (found) {
        if (gen !== generation) return;
        list.textContent = "";
        shownCount = 0;
        if (found.empty) {
          status.textContent = p.q.trim() ? "No searchable words in the query (very common words are ignored)." : "";
          drawChart(meta, [], chart);
          more.hidden = true;
          return;
        }
        currentFound = found;
        var n = found.total;
        status.textContent = n === 0 ? "No articles match." :
          n + (n === 1 ? " article matches" : " articles match") + " (" + (Date.now() - started) + " ms).";
        var page = showPage(meta, found, gen);  // its document files load while the chart is drawn
        drawChart(meta, found.all, chart);
        return page;
      });
    }).catch(function (err) {
      if (gen === generation) status.textContent = "Search failed: " + err.message;
    });
  }

  function syncUrl() {
    var p = params(), qs = new URLSearchParams();
    Object.keys(p).forEach(function (k) { if (p[k] && !(k === "sort" && p[k] === "relevance")) qs.set(k, p[k]); });
    try { history.replaceState(null, "", "?" + qs.toString()); } catch (e) { /* some file:// setups refuse */ }
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { search(true); }, 120);
  });
  controls.forEach(function (c) { c.addEventListener("change", function () { syncUrl(); search(false); }); });
  form.addEventListener("submit", function (ev) { ev.preventDefault(); clearTimeout(timer); syncUrl(); search(false); });
  more.addEventListener("click", function () {
    if (currentFound && metaPromise) metaPromise.then(function (meta) { showPage(meta, currentFound, generation); });
  });

  metaPromise = load("meta");  // preloaded by the page: every query needs it
  var initial = new URLSearchParams(location.search);
  input.value = initial.get("q") || "";
  controls[0].value = initial.get("source") || "";
  controls[1].value = initial.get("from") || "";
  controls[2].value = initial.get("to") || "";
  controls[3].value = initial.get("sort") === "newest" ? "newest" : "relevance";
  if (input.value.trim()) search(false);
})();
