// Keyboard shortcuts for the morning-meeting board. Loaded from /static
// (the CSP forbids inline script). Everything here only drives the links and
// forms already on the page, so the board works without it.
//
//   j / k   next / previous row        a      allocate to the suggestion
//   /       choose a caseworker        Enter  open the item
"use strict";

(function () {
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("tr[data-item]"));
  }

  function currentRow() {
    var el = document.activeElement;
    return el && el.closest ? el.closest("tr[data-item]") : null;
  }

  function focusRow(row) {
    if (!row) return;
    rows().forEach(function (r) { r.classList.remove("current"); });
    row.classList.add("current");
    row.focus();
    row.scrollIntoView({ block: "nearest" });
  }

  function move(delta) {
    var all = rows();
    if (all.length === 0) return;
    var i = all.indexOf(currentRow());
    var next = i < 0 ? 0 : Math.min(all.length - 1, Math.max(0, i + delta));
    focusRow(all[next]);
  }

  function typing(target) {
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    // Enter on a chosen caseworker submits that row's allocation.
    if (t.tagName === "SELECT" && e.key === "Enter" && t.form && t.form.classList.contains("allocate")) {
      e.preventDefault();
      t.form.requestSubmit();
      return;
    }
    if (typing(t)) return;
    var row = currentRow();
    switch (e.key) {
      case "j": e.preventDefault(); move(1); break;
      case "k": e.preventDefault(); move(-1); break;
      case "a": {
        if (!row || !row.dataset.suggested) return;
        var form = row.querySelector("form.allocate");
        if (!form) return;
        e.preventDefault();
        form.querySelector("select[name=to]").value = row.dataset.suggested;
        form.requestSubmit();
        break;
      }
      case "/": {
        if (!row) return;
        var select = row.querySelector("select[name=to]");
        if (!select) return;
        e.preventDefault();
        select.focus();
        break;
      }
      case "Enter": {
        if (!row || t !== row) return;
        var link = row.querySelector("a[href^='/items/']");
        if (link) { e.preventDefault(); window.location.assign(link.href); }
        break;
      }
    }
  });

  // In meeting mode start on the first row, so j/k/a work at once.
  document.addEventListener("DOMContentLoaded", function () {
    if (document.body.classList.contains("meeting")) {
      var all = rows();
      if (all.length > 0) focusRow(all[0]);
    }
  });
})();
