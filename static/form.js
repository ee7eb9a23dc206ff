// Opros form helpers: no framework, no network. The form works without this script; it only
// (1) shows and hides questions whose show_if depends on answers on the same page (the server re-checks),
// (2) counts characters left in texts, (3) adds up/down buttons to rankings, (4) unticks options that an
// exclusive option ("none of these") excludes, (5) moves focus to the error summary, (6) keeps the running
// total of a constant sum (the server checks the sum too).
// The condition evaluator mirrors src/definition/condition.rs `eval` (see src/form/condjs.rs).
(function () {
  "use strict";

  function asNum(s) {
    if (typeof s === "number") return s;
    if (typeof s !== "string" || s.trim() === "") return null;
    var x = Number(s.trim());
    return isFinite(x) ? x : null;
  }
  function codesEqual(a, b) {
    if (a === b) return true;
    var x = asNum(a), y = asNum(b);
    return x !== null && y !== null && x === y;
  }
  function litCode(l) { return l.s !== undefined ? l.s : String(l.n); }

  // The current answer of a question on this page, as {t, v}, or undefined when unanswered.
  function readQuestion(box) {
    var type = box.getAttribute("data-type"), id = box.getAttribute("data-qid");
    if (box.hidden) return undefined;
    var q = function (sel) { return Array.prototype.slice.call(box.querySelectorAll(sel)); };
    if (type === "single_choice" || type === "scale") {
      var c = q('input[type=radio][name="' + id + '"]:checked')[0];
      return c ? { t: "code", v: c.value } : undefined;
    }
    if (type === "multiple_choice") {
      var v = q('input[type=checkbox][name="' + id + '"]:checked').map(function (e) { return e.value; });
      return v.length ? { t: "codes", v: v } : undefined;
    }
    if (type === "matrix") {
      var rows = {}, n = 0;
      q("input[type=radio]:checked").forEach(function (e) { rows[e.name.slice(id.length + 1)] = e.value; n++; });
      return n ? { t: "matrix", v: rows } : undefined;
    }
    if (type === "ranking") {
      var items = q("input.rank").filter(function (e) { return /^\d+$/.test(e.value.trim()); });
      items.sort(function (a, b) { return Number(a.value) - Number(b.value); });
      var codes = items.map(function (e) { return e.name.slice(id.length + 1); });
      return codes.length ? { t: "codes", v: codes } : undefined;
    }
    if (type === "constant_sum") {
      var points = {}, filled = 0;
      q("input.points").forEach(function (e) {
        var v = e.value.trim();
        points[e.name.slice(id.length + 1)] = v === "" ? 0 : Number(v);
        if (v !== "") filled++;
      });
      return filled ? { t: "points", v: points } : undefined;
    }
    var input = box.querySelector('[name="' + id + '"]');
    if (!input || input.value.trim() === "") return undefined;
    var raw = input.value.trim();
    if (type === "number") {
      var x = asNum(raw.replace(/[\s\u00a0\u202f]/g, "").replace(",", "."));
      return x === null ? undefined : { t: "num", v: x };
    }
    if (type === "date") {
      var m = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(raw);
      return { t: "date", v: m ? m[3] + "-" + m[2] + "-" + m[1] : raw };
    }
    return { t: "text", v: raw };
  }

  function answers() {
    var a = {};
    Object.keys(prior).forEach(function (k) { a[k] = prior[k]; });
    Array.prototype.forEach.call(form.querySelectorAll(".question[data-qid]"), function (box) {
      var v = readQuestion(box);
      var id = box.getAttribute("data-qid");
      if (v === undefined) delete a[id]; else a[id] = v;
    });
    return a;
  }

  function count(a) {
    if (!a) return 0;
    if (a.t === "codes") return a.v.length;
    if (a.t === "matrix") return Object.keys(a.v).length;
    return 1;
  }
  // {kind, v}: "code", "num", "text", "date", "lit" or missing (null).
  function valueOf(o, ans) {
    if (o.lit) return { kind: "lit", v: o.lit };
    if (o.count) return { kind: "num", v: count(ans[o.count.q]) };
    var a = ans[o.var.q], row = o.var.row;
    if (!a) return null;
    if (row !== null && row !== undefined) {
      return a.t === "matrix" && a.v[row] !== undefined ? { kind: "code", v: a.v[row] } : null;
    }
    if (a.t === "code") return { kind: "code", v: a.v };
    if (a.t === "num") return { kind: "num", v: a.v };
    if (a.t === "text") return { kind: "text", v: a.v };
    if (a.t === "date") return { kind: "date", v: a.v };
    return null;
  }
  function numOf(x) {
    if (x.kind === "num") return x.v;
    if (x.kind === "code") return asNum(x.v);
    if (x.kind === "lit") return x.v.n !== undefined ? x.v.n : asNum(x.v.s);
    return null;
  }
  function test(op, c) {
    switch (op) {
      case "==": return c === 0; case "!=": return c !== 0; case "<": return c < 0;
      case "<=": return c <= 0; case ">": return c > 0; default: return c >= 0;
    }
  }
  function cmp3(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
  var ORDER = { "<": 1, "<=": 1, ">": 1, ">=": 1 };
  var FLIP = { "<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!=" };
  function compare(l, op, r) {
    if (!l || !r) return false;
    var byNum = function () {
      var x = numOf(l), y = numOf(r);
      return x !== null && y !== null && test(op, cmp3(x, y));
    };
    if (l.kind === "code" && r.kind === "lit") {
      if (ORDER[op]) return byNum();
      var eq = codesEqual(l.v, litCode(r.v));
      return op === "==" ? eq : !eq;
    }
    if (l.kind === "text" && r.kind === "lit" && r.v.s !== undefined && !ORDER[op]) return test(op, cmp3(l.v, r.v.s));
    if (l.kind === "date" && r.kind === "lit" && r.v.s !== undefined) {
      return /^\d{4}-\d{2}-\d{2}$/.test(r.v.s) && test(op, cmp3(l.v, r.v.s));
    }
    if (l.kind === "date" && r.kind === "date") return test(op, cmp3(l.v, r.v));
    if ((l.kind === "num" && (r.kind === "num" || (r.kind === "lit" && r.v.n !== undefined))) ||
        (l.kind === "lit" && r.kind === "lit")) return byNum();
    return false;
  }
  function evaluate(e, ans) {
    if (e.and) return evaluate(e.and[0], ans) && evaluate(e.and[1], ans);
    if (e.or) return evaluate(e.or[0], ans) || evaluate(e.or[1], ans);
    if (e.not) return !evaluate(e.not, ans);
    if (e.answered) {
      var a = ans[e.answered.q], row = e.answered.row;
      if (!a) return false;
      if (row !== null && row !== undefined) return a.t === "matrix" && a.v[row] !== undefined;
      return true;
    }
    if (e.selected) {
      var s = ans[e.selected.q], code = litCode(e.code);
      if (!s) return false;
      if (s.t === "codes") return s.v.some(function (c) { return codesEqual(c, code); });
      if (s.t === "code") return codesEqual(s.v, code);
      return false;
    }
    if (e["in"]) {
      var v = valueOf(e["in"], ans);
      if (!v) return false;
      var found = e.list.some(function (l) { return compare(v, "==", { kind: "lit", v: l }); });
      return found !== e.neg;
    }
    if (e.cmp) {
      var l = valueOf(e.l, ans), r = valueOf(e.r, ans);
      if (l && r && l.kind === "lit" && r.kind !== "lit") return compare(r, FLIP[e.cmp], l);
      return compare(l, e.cmp, r);
    }
    return true;
  }

  // Under Node (tests/it/forms_js.rs) only the evaluator is exported.
  if (typeof document === "undefined") {
    if (typeof module !== "undefined") module.exports = { evaluate: evaluate };
    return;
  }
  var form = document.querySelector("form.survey-form");
  if (!form) return;
  var prior = {};
  try { prior = JSON.parse(form.getAttribute("data-vars") || "{}"); } catch (e) { prior = {}; }

  var conditional = Array.prototype.slice.call(form.querySelectorAll(".question[data-show-if]"));
  var parsed = conditional.map(function (box) {
    try { return JSON.parse(box.getAttribute("data-show-if")); } catch (e) { return null; }
  });
  function refresh() {
    // Conditions refer only to earlier questions, so one pass in page order settles them.
    conditional.forEach(function (box, i) {
      if (!parsed[i]) return;
      box.hidden = !evaluate(parsed[i], answers());
    });
  }
  if (conditional.length) {
    form.addEventListener("change", refresh);
    form.addEventListener("input", refresh);
    refresh();
  }

  // Exclusive options and the choice limit of multiple choice.
  form.addEventListener("change", function (ev) {
    var t = ev.target;
    if (!t || t.type !== "checkbox" || !t.checked) return;
    var group = Array.prototype.slice.call(form.querySelectorAll('input[type=checkbox][name="' + t.name + '"]'));
    group.forEach(function (o) {
      if (o !== t && (t.getAttribute("data-exclusive") || o.getAttribute("data-exclusive"))) o.checked = false;
    });
  });
  // At most data-max choices: further boxes are disabled until one is unticked (the server checks too).
  Array.prototype.forEach.call(form.querySelectorAll("fieldset[data-max]"), function (fs) {
    var max = Number(fs.getAttribute("data-max"));
    var boxes = Array.prototype.slice.call(fs.querySelectorAll("input[type=checkbox]"));
    var update = function () {
      var n = boxes.filter(function (b) { return b.checked; }).length;
      boxes.forEach(function (b) { b.disabled = !b.checked && n >= max; });
    };
    form.addEventListener("change", update);
    update();
  });
  // Typing an "other" text ticks its option.
  Array.prototype.forEach.call(form.querySelectorAll("input.other-text"), function (txt) {
    txt.addEventListener("input", function () {
      var box = txt.closest(".option");
      var opt = box && box.querySelector("input[type=radio], input[type=checkbox]");
      if (opt && txt.value.trim() !== "" && !opt.checked) {
        opt.checked = true;
        opt.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  });

  // Character counters.
  Array.prototype.forEach.call(form.querySelectorAll(".counter[data-for]"), function (p) {
    var input = document.getElementById(p.getAttribute("data-for"));
    var left = p.querySelector(".left");
    var max = Number(p.getAttribute("data-max"));
    if (!input || !left) return;
    var update = function () { left.textContent = String(max - input.value.length); };
    input.addEventListener("input", update);
    update();
  });

  // Ranking: up/down buttons that move an item and renumber the ranks 1..n in list order.
  Array.prototype.forEach.call(form.querySelectorAll("ol.ranking"), function (list) {
    var upText = list.getAttribute("data-up") || "Up", downText = list.getAttribute("data-down") || "Down";
    var renumber = function () {
      Array.prototype.forEach.call(list.querySelectorAll("li"), function (li, i) {
        var input = li.querySelector("input.rank");
        if (input) input.value = String(i + 1);
      });
      list.dispatchEvent(new Event("change", { bubbles: true }));
    };
    // Order items by any ranks already given, so the buttons start from what the person chose.
    var items = Array.prototype.slice.call(list.querySelectorAll("li"));
    var rank = function (li) { var v = Number(li.querySelector("input.rank").value); return v > 0 ? v : 1e9; };
    items.sort(function (a, b) { return rank(a) - rank(b); }).forEach(function (li) { list.appendChild(li); });
    items.forEach(function (li) {
      var label = (li.querySelector("label") || {}).textContent || "";
      var mk = function (text, dir) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "rank-move";
        b.textContent = dir < 0 ? "\u2191" : "\u2193";
        b.setAttribute("aria-label", text + ": " + label);
        b.addEventListener("click", function () {
          var sib = dir < 0 ? li.previousElementSibling : li.nextElementSibling;
          if (!sib) return;
          if (dir < 0) list.insertBefore(li, sib); else list.insertBefore(sib, li);
          renumber();
          b.focus();
        });
        return b;
      };
      li.appendChild(mk(upText, -1));
      li.appendChild(mk(downText, 1));
    });
  });

  // Constant sum: the running total "Total: 70 of 100", marked while it is not the total.
  Array.prototype.forEach.call(form.querySelectorAll("ul.constant-sum"), function (list) {
    var box = list.parentNode;
    var out = box.querySelector(".sum-total output");
    var line = box.querySelector(".sum-total");
    var total = Number(list.getAttribute("data-total"));
    var inputs = Array.prototype.slice.call(list.querySelectorAll("input.points"));
    if (!out || !line) return;
    var update = function () {
      var sum = 0, whole = true;
      inputs.forEach(function (e) {
        var v = e.value.replace(/[\s\u00a0\u202f]/g, "");
        if (v === "") return;
        if (/^\d+$/.test(v)) sum += Number(v); else whole = false;
      });
      out.textContent = whole ? String(sum) : "?";
      line.classList.toggle("sum-off", !whole || sum !== total);
      line.classList.toggle("sum-ok", whole && sum === total);
    };
    list.addEventListener("input", update);
    update();
  });

  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
