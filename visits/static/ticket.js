// The ticket page's print button (no inline script: the site's CSP allows scripts from the site only).
(function () {
  "use strict";
  var button = document.getElementById("print-ticket");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
})();
