// While a consumer types a consultation question, show published FAQ entries that may already answer it.
(function () {
  "use strict";
  var field = document.getElementById("question");
  if (!field) { return; }
  var box = document.createElement("div");
  box.id = "faq-suggestions";
  box.className = "small mt-1";
  box.setAttribute("aria-live", "polite");
  field.insertAdjacentElement("afterend", box);
  var timer = null;
  var asked = "";
  function show(items) {
    box.textContent = "";
    if (!items.length) { return; }
    var list = document.createElement("ul");
    list.className = "list-unstyled mb-0";
    items.forEach(function (item) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = item.url;
      link.target = "_blank";
      link.textContent = item.question;
      li.appendChild(link);
      list.appendChild(li);
    });
    box.appendChild(list);
  }
  function ask() {
    var text = field.value.trim();
    if (text === asked) { return; }
    asked = text;
    if (text.length < 3) { show([]); return; }
    fetch((box.dataset.url || "/faq/suggest") + "?q=" + encodeURIComponent(text), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : {suggestions: []}; })
      .then(function (body) { if (asked === text) { show(body.suggestions || []); } })
      .catch(function () { show([]); });
  }
  field.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 300);
  });
}());
