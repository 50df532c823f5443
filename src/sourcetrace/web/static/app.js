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
});
