// The waiting-room board asks for the numbers called every few seconds and redraws them: no reload.
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) { return; }
  var rows = document.getElementById("board-rows");
  var empty = document.getElementById("board-empty");
  var last = "";

  function draw(called) {
    var text = JSON.stringify(called);
    if (text === last) { return; }
    last = text;
    while (rows.firstChild) { rows.removeChild(rows.firstChild); }
    called.forEach(function (row, index) {
      var tr = document.createElement("tr");
      if (index === 0) { tr.className = "board-latest"; }
      var number = document.createElement("td");
      number.className = "board-number";
      number.textContent = row.ticket;
      var counter = document.createElement("td");
      counter.className = "board-counter";
      counter.textContent = row.counter;
      tr.appendChild(number);
      tr.appendChild(counter);
      rows.appendChild(tr);
    });
    empty.hidden = called.length > 0;
  }

  function poll() {
    fetch(board.getAttribute("data-feed"), {cache: "no-store", credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { draw(data.called); } })
      .catch(function () { /* the next poll tries again */ })
      .finally(function () { window.setTimeout(poll, 2000); });
  }
  poll();
})();
