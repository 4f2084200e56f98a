// Poll the progress of running imports and update their rows until they finish.
(function () {
  function poll(row) {
    fetch(row.dataset.jobStatus, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        row.querySelector("progress").value = job.percent;
        row.querySelector(".js-count").textContent = job.processed + "/" + job.total;
        row.querySelector(".js-status").textContent = job.status_label + (job.message ? "：" + job.message : "");
        row.querySelector(".js-errors").textContent = job.errors;
        if (job.status === "pending" || job.status === "running") { setTimeout(function () { poll(row); }, 1500); }
      })
      .catch(function () { setTimeout(function () { poll(row); }, 5000); });
  }
  document.querySelectorAll("tr[data-live]").forEach(poll);
})();
