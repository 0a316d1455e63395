// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  function fillTimeZones(root) {
    var zone;
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (e) {
      return;
    }
    root.querySelectorAll("input[data-detect-tz]").forEach(function (input) {
      if (!input.value && zone) {
        input.value = zone;
      }
    });
  }

  function wireCopyButtons(root) {
    root.querySelectorAll("button[data-copy-target]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var target = document.getElementById(button.getAttribute("data-copy-target"));
        var status = document.getElementById(button.getAttribute("data-copy-status"));
        if (!target || !navigator.clipboard) {
          return;
        }
        navigator.clipboard.writeText(target.textContent.trim()).then(function () {
          if (status) {
            status.textContent = "Link copied.";
          }
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    fillTimeZones(document);
    wireCopyButtons(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    fillTimeZones(event.target);
  });
})();
