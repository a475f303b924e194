// Table viewer: search in long value lists, select all / none, a province with all its regencies.
// The form works without it (plain checkboxes, GET).
(function () {
  "use strict";
  function boxes(dimension) {
    return Array.prototype.slice.call(document.querySelectorAll(
      '#values_' + CSS.escape(dimension) + ' input[type="checkbox"]'));
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-dimension]");
    if (!button) { return; }
    var dimension = button.getAttribute("data-dimension");
    if (button.classList.contains("select-all")) {
      boxes(dimension).forEach(function (box) { if (box.closest(".form-check").hidden === false) { box.checked = true; } });
    } else if (button.classList.contains("select-none")) {
      boxes(dimension).forEach(function (box) { box.checked = false; });
    } else if (button.classList.contains("with-children")) {
      var wanted = [button.getAttribute("data-code")].concat(button.getAttribute("data-children").split(","));
      boxes(dimension).forEach(function (box) { if (wanted.indexOf(box.value) >= 0) { box.checked = true; } });
    }
  });
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.classList || !field.classList.contains("value-search")) { return; }
    var needle = field.value.trim().toLowerCase();
    boxes(field.getAttribute("data-dimension")).forEach(function (box) {
      var row = box.closest(".form-check");
      row.hidden = needle !== "" && row.textContent.toLowerCase().indexOf(needle) < 0;
    });
  });
}());
