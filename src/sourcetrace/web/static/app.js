// sourcetrace workspace: small progressive enhancements; every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // "Tick all" for bulk decisions: ticks every checkbox named as the data attribute says.
  document.querySelectorAll("input[data-select-all]").forEach((box) => {
    box.addEventListener("change", () => {
      const name = box.getAttribute("data-select-all");
      document.querySelectorAll(`input[type=checkbox][name="${name}"]`).forEach((other) => {
        other.checked = box.checked;
      });
    });
  });
  // Refuse an oversized file before uploading it; the server checks again.
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach((input) => {
    input.addEventListener("change", () => {
      const max = Number(input.getAttribute("data-max-bytes"));
      const file = input.files && input.files[0];
      input.setCustomValidity(file && file.size > max ? "This file is larger than the upload limit." : "");
      input.reportValidity();
    });
  });
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
  // A job being screened (or a chain traced): follow its progress through the JSON API; when it ends, load the page
  // again, which then shows the results (or the error).
  document.querySelectorAll("[data-job-status]").forEach((box) => {
    const status = box.getAttribute("data-status");
    if (status !== "queued" && status !== "running") return;
    const url = box.getAttribute("data-job-status");
    const bar = box.querySelector("progress");
    const state = box.querySelector("[data-job-state]");
    const rows = box.querySelector("[data-job-rows]");
    const poll = async () => {
      let job;
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        if (response.status === 401) {
          window.location.reload(); // logged out meanwhile: the page sends to the login
          return;
        }
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        job = await response.json();
      } catch (error) {
        window.setTimeout(poll, 5000); // the server restarting, or the network: try again later
        return;
      }
      if (job.status === "done" && job.chain_url) {
        window.location.assign(job.chain_url); // a chain traced: straight to its map
        return;
      }
      if (job.status === "done" || job.status === "failed") {
        window.location.reload();
        return;
      }
      const tracing = job.kind === "trace";
      if (job.status === "running") {
        state.textContent = tracing ? "Tracing…" : job.rows_total === null ? "Reading the file…" : "Screening…";
      }
      if (job.rows_total !== null) {
        bar.max = Math.max(job.rows_total, 1);
        bar.value = job.rows_done;
        rows.textContent = tracing
          ? `Step ${job.rows_done} of ${job.rows_total}: ${job.step || ""}`
          : `${job.rows_done.toLocaleString()} of ${job.rows_total.toLocaleString()} rows screened`;
      }
      window.setTimeout(poll, 1000);
    };
    window.setTimeout(poll, 500);
  });
});
