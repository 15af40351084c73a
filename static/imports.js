// Chat-log upload: sends the file as the request body (with upload progress),
// then opens the import's page, which follows the import until it ends.
(function () {
  "use strict";
  var form = document.getElementById("upload");
  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var file = document.getElementById("upload-file").files[0];
      if (!file) { return; }
      var bar = document.getElementById("upload-progress");
      var status = document.getElementById("upload-status");
      var params = new URLSearchParams({
        name: file.name,
        format: document.getElementById("upload-format").value,
        map: document.getElementById("upload-map").value
      });
      var xhr = new XMLHttpRequest();
      xhr.open("POST", "/api/v1/imports?" + params.toString());
      xhr.setRequestHeader("X-CSRF-Token", form.dataset.csrf);
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      bar.hidden = false;
      status.textContent = status.dataset.uploading;
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) { bar.value = Math.round(e.loaded * 100 / e.total); }
      };
      xhr.onload = function () {
        var reply = {};
        try { reply = JSON.parse(xhr.responseText); } catch (e) { reply = {}; }
        if (xhr.status < 300 && reply.id) {
          window.location = "/imports/" + reply.id;
        } else {
          bar.hidden = true;
          status.textContent = reply.error || xhr.statusText;
        }
      };
      xhr.onerror = function () { bar.hidden = true; status.textContent = xhr.statusText || "network error"; };
      xhr.send(file);
    });
  }
  var shown = document.getElementById("import-status");
  if (shown && shown.dataset.running === "true") {
    var poll = function () {
      fetch("/api/v1/imports/" + shown.dataset.id, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (row) {
          var bar = document.getElementById("import-progress");
          if (bar) { bar.value = row.percent; }
          if (row.running) { setTimeout(poll, 500); } else { window.location.reload(); }
        })
        .catch(function () { setTimeout(poll, 2000); });
    };
    setTimeout(poll, 300);
  }
})();
