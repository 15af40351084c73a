// Behaviour every page shares, kept in a file (not inline) so the pages run
// under a Content-Security-Policy without 'unsafe-inline'. A button with
// data-confirm asks before doing what cannot be undone; a link with data-back
// goes back a page (its href is where it goes without JavaScript).
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) e.preventDefault();
    var back = e.target.closest && e.target.closest("a[data-back]");
    if (back && window.history.length > 1) { e.preventDefault(); window.history.back(); }
  });
})();
