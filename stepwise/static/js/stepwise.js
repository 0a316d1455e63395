// Small progressive enhancements; every page works without this file.
(function () {
  // Phones: the main navigation folds behind a "Menu" button (without JavaScript it shows).
  document.documentElement.classList.add("js");
  function wireNavToggle() {
    var toggle = document.querySelector(".nav-toggle");
    var nav = document.querySelector(".site-nav");
    if (!toggle || !nav) return;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("is-open", open);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && nav.classList.contains("is-open")) {
        nav.classList.remove("is-open");
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      }
    });
  }

  "use strict";
  // The words come from the JavaScript catalogue (/jsi18n/, loaded first); English without it.
  var gettext = window.gettext || function (text) { return text; };
  var ngettext = window.ngettext || function (one, many, n) { return n === 1 ? one : many; };
  var interpolate = window.interpolate || function (text, values) {
    return text.replace(/%\((\w+)\)s/g, function (match, name) { return String(values[name]); });
  };

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
            status.textContent = gettext("Link copied.");
          }
        });
      });
    });
  }

  // A page sent back with errors: the title says so and focus goes to the first problem, not the
  // top of the page (an error summary focuses itself in exercise-steps.js).
  function focusFirstError() {
    var main = document.getElementById("main");
    if (!main) return;
    var summary = main.querySelector("[data-error-summary]");
    var problem = summary || main.querySelector(".errorlist");
    if (!problem) return;
    var marked = interpolate(gettext("Error: %(title)s"), { title: "" }, true);
    if (document.title.indexOf(marked) !== 0) {
      document.title = interpolate(gettext("Error: %(title)s"), { title: document.title }, true);
    }
    if (summary) return;
    var field = main.querySelector("[aria-invalid='true']");
    var target = field || problem;
    if (!field) target.setAttribute("tabindex", "-1");
    target.focus();
  }
  document.addEventListener("DOMContentLoaded", function () {
    wireNavToggle();
    focusFirstError();
    fillTimeZones(document);
    wireCopyButtons(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    fillTimeZones(event.target);
  });
})();
