// The builder: after htmx adds, removes or moves a step, put keyboard focus where the person
// expects it and ask the live preview to refresh.
(function () {
  "use strict";

  document.addEventListener("htmx:afterSettle", function (event) {
    var steps = document.getElementById("builder-steps");
    if (!steps || !steps.contains(event.target) && event.target !== steps) {
      return;
    }
    var marker = steps.querySelector("[data-focus]");
    var target = marker && document.getElementById(marker.getAttribute("data-focus"));
    if (target) {
      target.focus();
    }
    document.body.dispatchEvent(new CustomEvent("builder-refresh"));
  });
})();
