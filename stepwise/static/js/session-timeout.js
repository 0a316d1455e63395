// Warns two minutes before the idle sign-out and offers "Stay signed in".
// Only the person's own actions count: this script never keeps a session alive by itself.
(function () {
  "use strict";
  var body = document.body;
  var idleSeconds = parseInt(body.getAttribute("data-idle-seconds") || "0", 10);
  if (!idleSeconds) {
    return;
  }
  var warnBefore = Math.min(120, Math.floor(idleSeconds / 3));
  var dialog = document.getElementById("idle-warning");
  var stay = document.getElementById("idle-warning-stay");
  var lastActivity = Date.now();
  var previousFocus = null;

  function csrfToken() {
    try {
      return JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function hideWarning() {
    if (!dialog.hidden) {
      dialog.hidden = true;
      if (previousFocus && previousFocus.focus) {
        previousFocus.focus();
      }
    }
  }

  function tick() {
    var idleFor = (Date.now() - lastActivity) / 1000;
    if (idleFor >= idleSeconds) {
      var next = encodeURIComponent(window.location.pathname + window.location.search);
      window.location.assign(body.getAttribute("data-login-url") + "?next=" + next);
      return;
    }
    if (idleFor >= idleSeconds - warnBefore && dialog.hidden) {
      previousFocus = document.activeElement;
      dialog.hidden = false;
      stay.focus();
    }
  }

  stay.addEventListener("click", function () {
    fetch(body.getAttribute("data-keepalive-url"), {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
    }).then(function (response) {
      if (response.ok) {
        lastActivity = Date.now();
        hideWarning();
      } else {
        tick();
      }
    });
  });

  // Any request the person makes (page loads, htmx actions) is activity on the server too.
  document.addEventListener("htmx:afterRequest", function (event) {
    var headers = (event.detail.requestConfig && event.detail.requestConfig.headers) || {};
    if (!headers["X-Stepwise-Background"]) {
      lastActivity = Date.now();
      hideWarning();
    }
  });
  window.setInterval(tick, 5000);
})();
