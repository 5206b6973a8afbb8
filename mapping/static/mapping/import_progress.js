// Polls a running survey import's progress and reloads the report when it is done.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || box.dataset.status !== "running") return;
  var bar = box.querySelector("progress");
  var label = box.querySelector(".import-percent");
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        bar.value = data.percent;
        label.textContent = data.percent;
        if (data.status === "running") {
          window.setTimeout(poll, 1000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
