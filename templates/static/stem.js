/* The search analyzer of newsarchive in JavaScript: the same tokens and stems as
   search.analysis.english_analyzer() (whoosh StemmingAnalyzer: RegexTokenizer,
   LowercaseFilter, StopFilter(min=2), whoosh.lang.porter.stem). Keep it in step with
   Python: tests/test_stemmer_parity.py compares both on the whole archive vocabulary. */
(function (root) {
  "use strict";
  var STOP = new Set(["a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "have",
    "if", "in", "is", "it", "may", "not", "of", "on", "or", "tbd", "that", "the", "this", "to", "us",
    "we", "when", "will", "with", "yet", "you", "your"]);
  // Python's \w is str.isalnum() or "_": letters (L*) and numbers (N*).
  var TOKEN = /[\p{L}\p{N}_*]+(?:\.?[\p{L}\p{N}_*]+)*/gu;

  var step2 = {ational: "ate", tional: "tion", enci: "ence", anci: "ance", izer: "ize", bli: "ble",
    alli: "al", entli: "ent", eli: "e", ousli: "ous", ization: "ize", ation: "ate", ator: "ate",
    alism: "al", iveness: "ive", fulness: "ful", ousness: "ous", aliti: "al", iviti: "ive",
    biliti: "ble", logi: "log"};
  var step3 = {icate: "ic", ative: "", alize: "al", iciti: "ic", ical: "ic", ful: "", ness: ""};
  var C = "[^aeiouy]+", V = "[aeiou]+";
  var mgr0 = new RegExp("^(?:" + C + ")?" + V + C, "u");
  var meq1 = new RegExp("^(?:" + C + ")?" + V + C + "(?:" + V + ")?$", "u");
  var mgr1 = new RegExp("^(?:" + C + ")?" + V + C + V + C, "u");
  var sv = new RegExp("^(?:" + C + ")?[aeiouy]", "u");
  var cv = new RegExp("^" + C + "[aeiouy][^aeiouwxy]$", "u");
  var edIng = /^([\s\S]*)(ed|ing)$/u;
  var atBlIz = /^(at|bl|iz)$/u;           // Python re.match: anchored at the start too
  var dbl = /^([^aeiouylsz])\1$/u;
  var re2 = /^([\s\S]+?)(ational|tional|enci|anci|izer|bli|alli|entli|eli|ousli|ization|ation|ator|alism|iveness|fulness|ousness|aliti|iviti|biliti|logi)$/u;
  var re3 = /^([\s\S]+?)(icate|ative|alize|iciti|ical|ful|ness)$/u;
  var re41 = /^([\s\S]+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$/u;
  var re42 = /^([\s\S]+?)(s|t)(ion)$/u;
  var re5 = /^([\s\S]+?)e$/u;

  function cpLen(s) { var n = 0; for (var _ of s) n++; return n; }  // eslint-disable-line no-unused-vars
  function dropLast(s) { var a = Array.from(s); a.pop(); return a.join(""); }
  function secondLast(s) { var a = Array.from(s); return a[a.length - 2]; }

  function stem(w) {
    if (cpLen(w) < 3) return w;
    var firstIsY = w[0] === "y", m, s;
    if (firstIsY) w = "Y" + w.slice(1);
    if (w.endsWith("s")) {
      if (w.endsWith("sses")) w = w.slice(0, -2);
      else if (w.endsWith("ies")) w = w.slice(0, -2);
      else if (secondLast(w) !== "s") w = w.slice(0, -1);
    }
    if (w.endsWith("eed")) {
      s = w.slice(0, -3);
      if (mgr0.test(s)) w = w.slice(0, -1);
    } else if ((m = edIng.exec(w))) {
      s = m[1];
      if (sv.test(s)) {
        w = s;
        if (atBlIz.test(w)) w += "e";
        else if (dbl.test(w)) w = dropLast(w);
        else if (cv.test(w)) w += "e";
      }
    }
    if (w.endsWith("y")) {
      s = w.slice(0, -1);
      if (sv.test(s)) w = s + "i";
    }
    if ((m = re2.exec(w)) && mgr0.test(m[1])) w = m[1] + step2[m[2]];
    if ((m = re3.exec(w)) && mgr0.test(m[1])) w = m[1] + step3[m[2]];
    if ((m = re41.exec(w))) {
      if (mgr1.test(m[1])) w = m[1];
    } else if ((m = re42.exec(w))) {
      s = m[1] + m[2];
      if (mgr1.test(s)) w = s;
    }
    if ((m = re5.exec(w))) {
      s = m[1];
      if (mgr1.test(s) || (meq1.test(s) && !cv.test(s))) w = s;
    }
    if (w.endsWith("ll") && mgr1.test(w)) w = w.slice(0, -1);
    if (firstIsY) w = "y" + w.slice(1);
    return w;
  }

  var cache = new Map();
  function cachedStem(w) {
    var s = cache.get(w);
    if (s === undefined) { s = stem(w); if (cache.size < 100000) cache.set(w, s); }
    return s;
  }

  /* Words of `text` as {word (lowercased), stem, start, end} (character offsets into text),
     stop words and one-letter words left out, like the Python side. */
  function tokens(text) {
    var out = [], m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) {
      var word = m[0].toLowerCase();
      if (cpLen(word) < 2 || STOP.has(word)) continue;
      out.push({word: word, stem: cachedStem(word), start: m.index, end: m.index + m[0].length});
    }
    return out;
  }

  function analyze(text) { return tokens(text).map(function (t) { return t.stem; }); }

  var api = {stem: stem, analyze: analyze, tokens: tokens, STOP: STOP};
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.naText = api;
})(this);
