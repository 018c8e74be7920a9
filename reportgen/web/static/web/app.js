// Drag and drop onto the upload form, and a busy note on long-running buttons.
// External file (the Content-Security-Policy allows no inline script).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-dropzone]").forEach(function (form) {
    var input = form.querySelector("input[type=file]");
    ["dragenter", "dragover"].forEach(function (name) {
      form.addEventListener(name, function (event) {
        event.preventDefault();
        form.classList.add("dragging");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      form.addEventListener(name, function () { form.classList.remove("dragging"); });
    });
    form.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        form.requestSubmit();
      }
    });
  });
  // The render-all page: follow the job until it is done.
  document.querySelectorAll("[data-job]").forEach(function (box) {
    var url = box.getAttribute("data-job") + ".json";
    var bar = box.querySelector("progress");
    var count = box.querySelector("[data-job-count]");
    var state = box.querySelector("[data-job-state]");
    var done = box.querySelector("[data-job-done]");
    function poll() {
      fetch(url, {credentials: "same-origin", cache: "no-store"}).then(function (r) { return r.json(); })
        .then(function (job) {
          bar.value = job.done;
          count.textContent = job.done + " / " + job.total;
          if (job.state === "done") {
            state.textContent = "已生成 " + job.rendered + " 份报告（Word + 网页）。";
            done.hidden = false;
          } else if (job.state === "failed") {
            state.textContent = job.message;
          } else {
            setTimeout(poll, 1000);
          }
        }).catch(function () { setTimeout(poll, 3000); });
    }
    if (done.hidden) { poll(); }
  });
  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var note = document.createElement("p");
      note.setAttribute("role", "status");
      note.textContent = form.getAttribute("data-busy");
      form.appendChild(note);
    });
  });
});
