// Keyboard shortcuts of the coding workbench. Without JavaScript the page is plain forms and links.
// 1–9, 0: toggle the code with that key · Enter: save and go to the next answer · n / →: next answer ·
// p / ←: previous answer · /: search. Keys typed into a text field are left alone.
(function () {
  "use strict";
  var form = document.getElementById("code-form");
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (t && (t.tagName === "TEXTAREA" || t.tagName === "SELECT" ||
        (t.tagName === "INPUT" && t.type !== "checkbox"))) return;
    var link = function (id) {
      var a = document.getElementById(id);
      if (a) { e.preventDefault(); window.location.href = a.href; }
    };
    if (/^[0-9]$/.test(e.key) && form) {
      var box = form.querySelector('input[data-key="' + e.key + '"]');
      if (box) { e.preventDefault(); box.checked = !box.checked; box.focus(); }
    } else if (e.key === "Enter" && form && (!t || t.tagName !== "BUTTON" && t.tagName !== "A")) {
      e.preventDefault();
      form.submit();
    } else if (e.key === "n" || e.key === "ArrowRight") {
      link("next");
    } else if (e.key === "p" || e.key === "ArrowLeft") {
      link("prev");
    } else if (e.key === "/") {
      var q = document.getElementById("q");
      if (q) { e.preventDefault(); q.focus(); }
    }
  });
  // A suggestion is a label of its code's checkbox: a click ticks it, with or without this script.
}());
