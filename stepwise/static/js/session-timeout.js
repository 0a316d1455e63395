// The idle sign-out, as the person sees it: a warning two minutes before, with "Stay signed in".
//
// Activity is what the person does: the requests they make (page loads, htmx actions) and typing
// or choosing in a form, which is told to the server (the keepalive) at most once a minute, so
// someone writing a long thought record or note is never signed out mid-sentence. Only real input
// counts (trusted events); this script never keeps a session alive by itself, and no keepalive
// extends the absolute lifetime (the server's clock, session_timeout.py).
//
// The warning does not take the focus from a field being typed in (the next keystroke is activity
// and closes it). Otherwise it takes the focus, makes the page under it inert, and Escape closes
// it as "Stay signed in" does.
(function () {
  "use strict";
  var body = document.body;
  var keepaliveUrl = body.getAttribute("data-keepalive-url");
  if (!keepaliveUrl || !window.fetch) {
    return;
  }
  var KEEPALIVE_EVERY_MS = 60 * 1000;
  var idleSeconds = parseInt(body.getAttribute("data-idle-seconds") || "0", 10);
  var dialog = document.getElementById("idle-warning");
  var stay = document.getElementById("idle-warning-stay");
  var announcer = document.getElementById("idle-warning-announce");
  var lastActivity = Date.now(); // when the server last saw the person (this page's load)
  var lastTold = lastActivity; // when the last keepalive for typing went out
  var pendingKeepalive = null;
  var previousFocus = null;
  var covered = [];

  function csrfToken() {
    try {
      var token = JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
      if (token) {
        return token;
      }
    } catch (e) {
      /* fall through to a form's token */
    }
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function warning() {
    return dialog && stay && idleSeconds ? dialog : null;
  }

  function warningShown() {
    return warning() !== null && !dialog.hidden;
  }

  // A control the person types or chooses in (not a button): the warning leaves its focus alone.
  function isField(element) {
    if (!element || !element.matches) {
      return false;
    }
    if (element.isContentEditable) {
      return true;
    }
    return element.matches(
      "textarea, select, input:not([type=button]):not([type=submit]):not([type=reset]):not([type=image])"
    );
  }

  function setCoveredInert(inert) {
    covered.forEach(function (element) {
      element.removeAttribute("inert");
    });
    covered = [];
    if (!inert) {
      return;
    }
    Array.prototype.forEach.call(body.children, function (element) {
      if (element !== dialog && element.tagName !== "SCRIPT" && !element.hasAttribute("inert")) {
        element.setAttribute("inert", "");
        covered.push(element);
      }
    });
  }

  function hideWarning() {
    if (!warningShown()) {
      return;
    }
    var focusWasInside = dialog.contains(document.activeElement);
    setCoveredInert(false);
    dialog.hidden = true;
    if (announcer) {
      announcer.textContent = "";
    }
    if (focusWasInside && previousFocus && previousFocus.focus) {
      previousFocus.focus();
    }
    previousFocus = null;
  }

  function showWarning() {
    previousFocus = document.activeElement;
    dialog.hidden = false;
    if (isField(previousFocus)) {
      // Typing goes on where it was; say it aloud instead of moving the focus.
      dialog.setAttribute("aria-modal", "false");
      if (announcer) {
        announcer.textContent = dialog.textContent.replace(/\s+/g, " ").trim();
      }
      return;
    }
    dialog.setAttribute("aria-modal", "true");
    setCoveredInert(true);
    stay.focus();
  }

  function idleFor() {
    return (Date.now() - lastActivity) / 1000;
  }

  // Whether the warning is due: two minutes (at most a third of the limit) before the end.
  function warningDue() {
    return idleFor() >= idleSeconds - Math.min(120, Math.floor(idleSeconds / 3));
  }

  function tick() {
    if (!warning()) {
      return;
    }
    if (idleFor() >= idleSeconds) {
      var next = encodeURIComponent(window.location.pathname + window.location.search);
      window.location.assign(body.getAttribute("data-login-url") + "?next=" + next);
      return;
    }
    if (warningDue() && dialog.hidden) {
      showWarning();
    }
  }

  // Tell the server the person is here; on its yes, the idle clock starts again.
  function keepalive() {
    var sentAt = Date.now();
    lastTold = sentAt;
    return window
      .fetch(keepaliveUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
      })
      .then(
        function (response) {
          // 204 only: a signed-out session answers with the sign-in page (a redirect, then 200).
          if (response.status === 204) {
            lastActivity = Math.max(lastActivity, sentAt);
            // An answer can come late (a busy server or device), after the warning came, for
            // a keepalive sent so long ago that the warning is still due from it. Closing it
            // then moved the focus back under the person, and the next tick took it again (or
            // left a field typed in without the warning): it stays until an answer to activity
            // that makes it no longer due.
            if (!warningDue()) {
              hideWarning();
            }
          } else {
            tick(); // signed out meanwhile: the sign-in page says so
          }
        },
        function () {
          /* offline: the next keystroke tries again */
        }
      );
  }

  // Typing or choosing in a form: at most one keepalive a minute; a keystroke within the minute
  // is told when the minute ends, so the server's idle clock follows the last of them.
  function typed(event) {
    if (!event.isTrusted || !event.target || !event.target.closest) {
      return;
    }
    if (!event.target.closest("form") && !isField(event.target)) {
      return;
    }
    var wait = lastTold + KEEPALIVE_EVERY_MS - Date.now();
    if (wait <= 0) {
      window.clearTimeout(pendingKeepalive);
      pendingKeepalive = null;
      keepalive();
    } else if (pendingKeepalive === null) {
      pendingKeepalive = window.setTimeout(function () {
        pendingKeepalive = null;
        keepalive();
      }, wait);
    }
  }

  document.addEventListener(
    "keydown",
    function (event) {
      if (event.key === "Escape" && warningShown() && event.isTrusted) {
        event.preventDefault();
        keepalive();
        return;
      }
      typed(event);
    },
    true
  );
  document.addEventListener("input", typed, true);
  document.addEventListener("change", typed, true);

  if (stay) {
    stay.addEventListener("click", function () {
      keepalive();
    });
  }

  // Any request the person makes (page loads, htmx actions) is activity on the server too.
  document.addEventListener("htmx:afterRequest", function (event) {
    var headers = (event.detail.requestConfig && event.detail.requestConfig.headers) || {};
    if (!headers["X-Stepwise-Background"]) {
      lastActivity = lastTold = Date.now();
      hideWarning();
    }
  });
  if (warning()) {
    window.setInterval(tick, 5000);
  }
})();
