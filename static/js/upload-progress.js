// Evidence forms with files: upload through XMLHttpRequest so the student sees progress on a
// slow connection. Without this script the form posts as usual; the server's answer (the
// evidence page, or the form again with its errors) replaces the page either way.
(function () {
  "use strict";

  function enhance(form) {
    var fileInput = form.querySelector("input[type=file]");
    if (!fileInput || !window.FormData || !window.XMLHttpRequest) {
      return;
    }
    var wrapper = document.createElement("div");
    wrapper.className = "upload-progress mb-3";
    wrapper.hidden = true;
    var label = document.createElement("label");
    label.className = "form-label";
    label.htmlFor = "upload-progress-bar";
    label.textContent = form.dataset.progressLabel || "Uploaden";
    var bar = document.createElement("progress");
    bar.id = "upload-progress-bar";
    bar.className = "w-100 d-block";
    bar.max = 100;
    bar.value = 0;
    var live = document.createElement("p");
    live.className = "small";
    live.setAttribute("role", "status");
    live.setAttribute("aria-live", "polite");
    wrapper.appendChild(label);
    wrapper.appendChild(bar);
    wrapper.appendChild(live);
    var buttons = form.querySelectorAll("button[type=submit], input[type=submit]");
    var anchor = buttons.length ? buttons[0] : null;
    form.insertBefore(wrapper, anchor);

    var lastAnnounced = -1;

    function announce(percent) {
      bar.value = percent;
      // Every 10%, so a screen reader is told how far it is without a flood.
      var step = Math.floor(percent / 10) * 10;
      if (step !== lastAnnounced) {
        lastAnnounced = step;
        live.textContent = (form.dataset.progressText || "{percent}% geüpload").replace("{percent}", step);
      }
    }

    function setBusy(busy) {
      form.setAttribute("aria-busy", busy ? "true" : "false");
      buttons.forEach(function (button) {
        button.disabled = busy;
      });
    }

    function showPage(xhr) {
      // The server rendered a whole page (the evidence page, or the form with its errors).
      document.open();
      document.write(xhr.responseText);
      document.close();
      if (xhr.responseURL && xhr.status < 400) {
        window.history.replaceState(null, "", xhr.responseURL);
      }
    }

    // Back to this page from the history: the buttons work again.
    window.addEventListener("pageshow", function () {
      setBusy(false);
    });

    form.addEventListener("submit", function (event) {
      if (!fileInput.files || fileInput.files.length === 0) {
        // Nothing large to send: an ordinary post, with the button off so a double click
        // sends it once (the server's form token makes one bewijsstuk either way).
        window.setTimeout(function () {
          setBusy(true);
        }, 0);
        return;
      }
      event.preventDefault();
      var data = new FormData(form);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action") || window.location.href);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          announce(Math.round((e.loaded / e.total) * 100));
        }
      });
      xhr.addEventListener("load", function () {
        var type = xhr.getResponseHeader("Content-Type") || "";
        // 413 comes from the proxy in front of Django: not a page of ours to show.
        if (xhr.status !== 413 && type.indexOf("text/html") === 0) {
          showPage(xhr);
        } else {
          setBusy(false);
          live.textContent = form.dataset.errorText || "Uploaden mislukt. Probeer het opnieuw.";
        }
      });
      xhr.addEventListener("error", function () {
        setBusy(false);
        live.textContent = form.dataset.errorText || "Uploaden mislukt. Probeer het opnieuw.";
      });
      wrapper.hidden = false;
      setBusy(true);
      announce(0);
      xhr.send(data);
    });
  }

  document.querySelectorAll("form[data-upload-progress]").forEach(enhance);
})();
