// Polls a job's progress (hubplan/_job_progress.html) every second while it is active;
// when it ends, goes where the job says (result.next) or reloads to show the report.
(function () {
  "use strict";
  document.querySelectorAll(".job-progress").forEach(function (box) {
    if (box.dataset.active !== "1") return;
    var bar = box.querySelector("progress");
    var percent = box.querySelector(".job-percent");
    var stage = box.querySelector(".job-stage");
    var status = box.querySelector(".job-status");
    function poll() {
      fetch(box.dataset.url, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          bar.value = data.percent;
          percent.textContent = data.percent;
          status.textContent = data.status_label;
          if (stage && data.stage_label) stage.textContent = data.stage_label;
          if (data.active) {
            window.setTimeout(poll, 1000);
          } else if (data.next) {
            window.location.assign(data.next);
          } else {
            window.location.reload();
          }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 1000);
  });
})();
