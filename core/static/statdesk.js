// Statdesk's enhancements of every page (served locally; the pages work without it).
// A box that scrolls sideways (a wide table on a phone) must be reachable and scrollable by keyboard
// (WCAG 2.1.1): such a box takes the focus and is named after its table's caption or the page heading.
(function () {
  "use strict";
  function reachable() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        if (!box.hasAttribute("tabindex")) { box.setAttribute("tabindex", "0"); }
        if (!box.hasAttribute("role")) { box.setAttribute("role", "region"); }
        if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
          var caption = box.querySelector("caption") || document.querySelector("h1");
          box.setAttribute("aria-label", caption ? caption.textContent.trim() : document.title);
        }
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", reachable);
  } else {
    reachable();
  }
  window.addEventListener("resize", reachable);
}());
