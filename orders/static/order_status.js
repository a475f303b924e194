// Live order status: polls the order's small JSON endpoint and updates the page in place.
(function () {
  "use strict";
  var box = document.getElementById("order-live");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var stateEl = document.getElementById("order-state");
  var invoiceEl = document.getElementById("invoice-status");
  var news = document.getElementById("order-news");
  var finalStates = ["delivered", "rejected", "cancelled", "expired"];

  function update(data) {
    var changed = false;
    if (stateEl && stateEl.getAttribute("data-value") !== data.state) {
      stateEl.textContent = data.state_label;
      stateEl.setAttribute("data-value", data.state);
      changed = true;
    }
    if (invoiceEl && data.invoice_status && invoiceEl.getAttribute("data-value") !== data.invoice_status) {
      invoiceEl.textContent = data.invoice_label;
      invoiceEl.setAttribute("data-value", data.invoice_status);
      changed = true;
    }
    if (changed && news) { news.classList.remove("d-none"); }
    return finalStates.indexOf(data.state) === -1;
  }

  function poll() {
    fetch(url, {credentials: "same-origin", cache: "no-store", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && !update(data)) { return; }
        window.setTimeout(poll, 3000);
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  window.setTimeout(poll, 3000);
}());
