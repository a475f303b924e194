// The counter's tablet waits for the next finished visit and then shows its survey.
(function () {
  "use strict";
  var tablet = document.getElementById("tablet");
  if (!tablet || document.getElementById("survey-form")) { return; }
  var shown = tablet.getAttribute("data-visit") || "";

  function poll() {
    fetch(tablet.getAttribute("data-state"), {cache: "no-store", credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && String(data.visit || "") !== shown) { window.location.reload(); }
      })
      .catch(function () { /* the next poll tries again */ })
      .finally(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 3000);
})();
