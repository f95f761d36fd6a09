// Keyboard shortcuts for the morning-meeting board. Loaded from /static
// (the CSP forbids inline script). Everything here only drives the links and
// forms already on the page, so the board works without it.
//
//   j / k   next / previous row        a      allocate to the suggestion
//   /       choose a caseworker        Enter  open the item
//
// In meeting mode the page also reloads itself every minute while nobody is
// typing, so post that arrives during the meeting appears on the board.
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

  // In meeting mode start on the row we were on before a reload (or the
  // first), so j/k/a work at once.
  document.addEventListener("DOMContentLoaded", function () {
    if (!document.body.classList.contains("meeting")) return;
    var all = rows();
    var kept = sessionStorage.getItem("pm-row");
    sessionStorage.removeItem("pm-row");
    var again = all.filter(function (r) { return r.dataset.item === kept; })[0];
    if (again || all.length > 0) focusRow(again || all[0]);
  });

  // Meeting mode: reload now and then so newly arrived post shows up, but
  // never while someone is using the keyboard or a form.
  var lastKey = Date.now();
  document.addEventListener("keydown", function () { lastKey = Date.now(); }, true);
  setInterval(function () {
    if (!document.body.classList.contains("meeting")) return;
    if (Date.now() - lastKey < 30000) return;
    var active = document.activeElement;
    if (active && (active.tagName === "SELECT" || active.tagName === "INPUT")) return;
    var row = currentRow();
    if (row) sessionStorage.setItem("pm-row", row.dataset.item);
    window.location.reload();
  }, 60000);
})();
