// Polls a running survey import's progress and reloads the report when it is done.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || box.dataset.status !== "running") return;
  var bar = box.querySelector(".progress-bar");
  var wrap = box.querySelector(".progress");
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        bar.style.width = data.percent + "%";
        bar.textContent = data.percent + " %";
        wrap.setAttribute("aria-valuenow", data.percent);
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
