// Autocomplete of the search box, as an ARIA 1.2 combobox: the input owns a listbox of suggestions
// (regions, subjects, series and titles) that arrow keys move through and Enter picks; Escape closes it.
// Served from this package's static folder: nothing is loaded from the internet.
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest]");
  if (!input) { return; }
  var url = input.dataset.suggest;
  var list = document.createElement("ul");
  list.id = "q-suggestions";
  list.className = "list-group position-absolute w-100 shadow-sm search-suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", input.getAttribute("aria-label") || "");
  list.hidden = true;
  list.style.zIndex = "1000";
  input.insertAdjacentElement("afterend", list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");
  var status = document.createElement("div");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  list.insertAdjacentElement("afterend", status);
  var items = [];
  var active = -1;
  var asked = "";
  var timer = null;
  var kinds = {region: "Wilayah / Region", subject: "Subjek / Subject", series: "Seri / Series", title: ""};

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }
  function mark(index) {
    items.forEach(function (item, i) {
      var option = document.getElementById("q-option-" + i);
      option.setAttribute("aria-selected", i === index ? "true" : "false");
      option.classList.toggle("active", i === index);
    });
    active = index;
    if (index >= 0) { input.setAttribute("aria-activedescendant", "q-option-" + index); }
    else { input.removeAttribute("aria-activedescendant"); }
  }
  function pick(index) {
    var item = items[index];
    if (item) { window.location.assign(item.url); }
  }
  function show(found) {
    items = found;
    list.textContent = "";
    if (!found.length) { close(); status.textContent = ""; return; }
    found.forEach(function (item, i) {
      var option = document.createElement("li");
      option.id = "q-option-" + i;
      option.className = "list-group-item list-group-item-action suggestion suggestion-" + item.kind;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.kind = item.kind;
      option.textContent = item.label;
      if (kinds[item.kind]) {
        var tag = document.createElement("span");
        tag.className = "badge text-bg-light ms-2";
        tag.textContent = kinds[item.kind];
        option.appendChild(tag);
      }
      option.addEventListener("mousedown", function (event) { event.preventDefault(); pick(i); });
      list.appendChild(option);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    status.textContent = found.length + " \u2022";
    mark(-1);
  }
  function ask() {
    var text = input.value.trim();
    if (text === asked) { return; }
    asked = text;
    if (text.length < 2) { show([]); return; }
    fetch(url + "?q=" + encodeURIComponent(text), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : {suggestions: []}; })
      .then(function (body) { if (asked === text) { show(body.suggestions || []); } })
      .catch(function () { show([]); });
  }
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 150);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && items.length) {
      event.preventDefault();
      if (list.hidden) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
      mark((active + 1) % items.length);
    } else if (event.key === "ArrowUp" && items.length) {
      event.preventDefault();
      mark(active <= 0 ? items.length - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
      event.preventDefault();
      pick(active);
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", close);
}());
