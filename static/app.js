// Behaviour every page shares, kept in a file (not inline) so the pages run
// under a Content-Security-Policy without 'unsafe-inline'. A button with
// data-confirm asks before doing what cannot be undone; a button with
// data-copy puts its text on the clipboard (a script, for the chat window); a
// link with data-back goes back a page (its href is where it goes without
// JavaScript).
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) e.preventDefault();
    var copy = e.target.closest && e.target.closest("button[data-copy]");
    if (copy && navigator.clipboard) {
      navigator.clipboard.writeText(copy.dataset.copy).then(function () {
        copy.textContent = copy.dataset.copied;
      });
    }
    var back = e.target.closest && e.target.closest("a[data-back]");
    if (back && window.history.length > 1) { e.preventDefault(); window.history.back(); }
  });
})();
