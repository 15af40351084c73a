// Behaviour every page shares. A button or form with data-confirm asks before
// doing what cannot be undone; kept in a file (not inline) so the pages can
// run under a Content-Security-Policy without 'unsafe-inline'.
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) e.preventDefault();
  });
})();
