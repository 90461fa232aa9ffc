// kensa dashboard: the only script. Forms marked data-confirm ask before submitting;
// pages marked data-refresh reload while a run is still moving.
"use strict";
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
(function () {
  var seconds = document.body.getAttribute("data-refresh");
  if (seconds) {
    window.setTimeout(function () { window.location.reload(); }, Number(seconds) * 1000);
  }
})();
