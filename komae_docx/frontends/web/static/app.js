// Optional enhancement only: every form works without it.  While a form is sent, its buttons are
// disabled (no double submission) and a short Japanese note says that the work is under way.
"use strict";
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement) || form.dataset.sent) {
    return;
  }
  form.dataset.sent = "1";
  var note = document.createElement("p");
  note.className = "busy";
  note.setAttribute("role", "status");
  note.textContent = "処理しています。しばらくお待ちください…";
  form.appendChild(note);
  window.setTimeout(function () {
    form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
  }, 0);
});
// Coming back with the browser's Back button shows the page as it was left: enable it again.
window.addEventListener("pageshow", function (event) {
  if (!event.persisted) {
    return;
  }
  document.querySelectorAll("form[data-sent]").forEach(function (form) {
    delete form.dataset.sent;
    form.querySelectorAll("button").forEach(function (button) { button.disabled = false; });
    form.querySelectorAll(".busy").forEach(function (note) { note.remove(); });
  });
});
// A refused form: move the focus to the summary of what went wrong, as screen readers expect.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
});
