// The file viewer's keys: arrow left and right open the previous and next file of the
// bewijsstuk, Escape goes back to it. The same links work without this script.
(function () {
  "use strict";

  var keys = { ArrowLeft: "[data-viewer-prev]", ArrowRight: "[data-viewer-next]", Escape: "[data-viewer-back]" };

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    var target = event.target;
    // Arrow keys belong to the video's controls and to form fields.
    if (target && target.closest && target.closest("video, input, textarea, select, [contenteditable]")) {
      return;
    }
    var selector = keys[event.key];
    var viewer = document.querySelector("[data-file-viewer]");
    var link = selector && viewer ? viewer.querySelector(selector) : null;
    if (link) {
      event.preventDefault();
      window.location.assign(link.href);
    }
  });
})();
