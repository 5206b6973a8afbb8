// Polls a running survey import's stage and progress (from its job on the worker) and
// reloads the report when it is done.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || box.dataset.active !== "1") return;
  var bar = box.querySelector("progress");
  var label = box.querySelector(".import-percent");
  var stage = box.querySelector(".import-stage");
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        bar.value = data.percent;
        label.textContent = data.percent;
        if (stage && data.stage_label) stage.textContent = data.stage_label;
        if (data.active) {
          window.setTimeout(poll, 1000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
