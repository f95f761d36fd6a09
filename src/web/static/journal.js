// Copy buttons of the journal-entry card. Served as part of
// /static/board.js (the CSP forbids inline script). Each button copies the
// text of the element named by its data-copy; the keys 1–9 press the button
// of that field, so the caseworker can copy field by field while typing into
// the case system.
"use strict";

(function () {
  if (window.pmJournal) return; // the script may be on a page twice
  window.pmJournal = true;

  function status(card, text) {
    var s = card && card.querySelector(".status");
    if (s) s.textContent = text;
  }

  // The asynchronous Clipboard API where the browser allows it, else the
  // older copy command on a selected, invisible text area.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallback(text); });
    }
    return fallback(text);
  }

  function fallback(text) {
    return new Promise(function (done, fail) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) { done(); } else { fail(new Error("copy refused")); }
    });
  }

  function press(button) {
    var source = document.getElementById(button.dataset.copy);
    if (!source) return;
    var text = source.textContent.trim();
    var card = button.closest(".journal-card");
    var label = button.getAttribute("aria-label") || "";
    copyText(text).then(function () {
      button.textContent = "Kopiert";
      button.dataset.copied = "1";
      status(card, label.replace(/^Kopier /, "") + " er kopiert.");
      setTimeout(function () { button.textContent = "Kopier"; }, 2000);
    }, function () {
      status(card, "Kunne ikke kopiere. Merk teksten og kopier med Ctrl+C.");
    });
  }

  document.addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest("button.copy[data-copy]") : null;
    if (!button) return;
    e.preventDefault();
    press(button);
  });

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    var tag = t.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || t.isContentEditable) return;
    if (!/^[1-9]$/.test(e.key)) return;
    var button = document.querySelector(".journal-card button.copy[data-key='" + e.key + "']");
    if (!button) return;
    e.preventDefault();
    button.focus();
    press(button);
  });
})();
