// Timers (countdown or stopwatch) that record the seconds practised, and the breathing pacer.
// The pacer's circle grows and shrinks with the breath; with reduced motion it stays still and
// the words carry the rhythm. A polite live region says each phase for screen-reader users.
(function () {
  "use strict";
  // The words come from the JavaScript catalogue (/jsi18n/, loaded first); English without it.
  var gettext = window.gettext || function (text) { return text; };
  var ngettext = window.ngettext || function (one, many, n) { return n === 1 ? one : many; };
  var interpolate = window.interpolate || function (text, values) {
    return text.replace(/%\((\w+)\)s/g, function (match, name) { return String(values[name]); });
  };

  function clock(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function say(region, text) {
    if (region) {
      region.textContent = text;
    }
  }

  function asMinutes(seconds) {
    // 65 -> "1.08", 300 -> "5": what the server reads back to the same whole seconds.
    return String(Math.round((seconds / 60) * 100) / 100);
  }

  function wireTimer(box) {
    if (box.dataset.timerReady) {
      return;
    }
    box.dataset.timerReady = "1";
    var ui = box.querySelector("[data-timer-ui]");
    var display = box.querySelector("[data-timer-display]");
    var start = box.querySelector("[data-timer-start]");
    var reset = box.querySelector("[data-timer-reset]");
    var status = box.querySelector("[data-timer-status]");
    // The field holds minutes ("1.08"); the timer counts seconds.
    var input = box.querySelector("[data-timer-minutes]");
    var countdown = box.getAttribute("data-mode") === "countdown";
    var limit = parseInt(box.getAttribute("data-limit"), 10) || 3600;
    var elapsed = Math.round((parseFloat(input.value) || 0) * 60) * 1000;
    var startedAt = null;
    var ticker = null;
    ui.hidden = false;

    function seconds() {
      var total = elapsed + (startedAt === null ? 0 : Date.now() - startedAt);
      return Math.min(limit, Math.floor(total / 1000));
    }
    function show() {
      var done = seconds();
      display.textContent = clock(countdown ? limit - done : done);
      if (startedAt !== null || done > 0) {
        input.value = asMinutes(done);
      }
    }
    function stop(message) {
      if (startedAt !== null) {
        elapsed += Date.now() - startedAt;
        startedAt = null;
      }
      window.clearInterval(ticker);
      ticker = null;
      start.firstChild.textContent = seconds() > 0 && seconds() < limit ? gettext("Carry on") : gettext("Start");
      show();
      say(status, message);
    }
    start.addEventListener("click", function () {
      if (startedAt !== null) {
        stop(interpolate(gettext("Timer paused at %(time)s."), { time: clock(seconds()) }, true));
        return;
      }
      if (seconds() >= limit) {
        elapsed = 0;
      }
      startedAt = Date.now();
      start.firstChild.textContent = gettext("Pause");
      say(status, gettext("Timer started."));
      ticker = window.setInterval(function () {
        show();
        if (seconds() >= limit) {
          stop(countdown ? gettext("Time is up. Well done.") : gettext("The stopwatch has reached its limit."));
        }
      }, 250);
      show();
    });
    reset.addEventListener("click", function () {
      stop(gettext("Timer reset."));
      elapsed = 0;
      input.value = "";
      start.firstChild.textContent = gettext("Start"); // nothing to carry on after a reset
      show();
    });
    show();
  }

  function wirePacer(box) {
    if (box.dataset.pacerReady) {
      return;
    }
    box.dataset.pacerReady = "1";
    var ui = box.querySelector("[data-pacer-ui]");
    var circle = box.querySelector("[data-pacer-circle]");
    var count = box.querySelector("[data-pacer-count]");
    var cue = box.querySelector("[data-pacer-cue]");
    var start = box.querySelector("[data-pacer-start]");
    var stopButton = box.querySelector("[data-pacer-stop]");
    var input = box.querySelector("[data-pacer-breaths]");
    var cycles = parseInt(box.getAttribute("data-cycles"), 10) || 1;
    var phases = [
      [gettext("Breathe in"), parseInt(box.getAttribute("data-inhale"), 10) || 0, "in"],
      [gettext("Hold"), parseInt(box.getAttribute("data-hold-in"), 10) || 0, "hold"],
      [gettext("Breathe out"), parseInt(box.getAttribute("data-exhale"), 10) || 0, "out"],
      [gettext("Hold"), parseInt(box.getAttribute("data-hold-out"), 10) || 0, "hold"],
    ].filter(function (phase) {
      return phase[1] > 0;
    });
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var timers = [];
    var done = 0;
    ui.hidden = false;
    if (still) {
      box.classList.add("pacer-still");
    }

    function clear() {
      timers.forEach(window.clearTimeout);
      timers = [];
    }
    function later(fn, ms) {
      timers.push(window.setTimeout(fn, ms));
    }
    function finish(message) {
      clear();
      circle.classList.remove("is-full");
      count.textContent = "";
      cue.textContent = message;
      start.hidden = false;
      stopButton.hidden = true;
      start.focus();
    }
    function runPhase(cycle, index) {
      if (index >= phases.length) {
        done = cycle + 1;
        input.value = String(done);
        if (done >= cycles) {
          finish(
            interpolate(
              ngettext("Well done. You finished %(count)s breath.", "Well done. You finished %(count)s breaths.", done),
              { count: done },
              true
            )
          );
        } else {
          runPhase(cycle + 1, 0);
        }
        return;
      }
      var phase = phases[index];
      cue.textContent = interpolate(
        gettext("%(phase)s (breath %(number)s of %(total)s)"),
        { phase: phase[0], number: cycle + 1, total: cycles },
        true
      );
      if (!still && phase[2] !== "hold") {
        circle.style.transitionDuration = phase[1] + "s";
        circle.classList.toggle("is-full", phase[2] === "in");
      }
      for (var second = 0; second < phase[1]; second += 1) {
        (function (left) {
          later(function () {
            count.textContent = String(left);
          }, second * 1000);
        })(phase[1] - second);
      }
      later(function () {
        runPhase(cycle, index + 1);
      }, phase[1] * 1000);
    }
    start.addEventListener("click", function () {
      clear();
      done = 0;
      input.value = "0";
      start.hidden = true;
      stopButton.hidden = false;
      stopButton.focus();
      runPhase(0, 0);
    });
    stopButton.addEventListener("click", function () {
      finish(
        interpolate(
          ngettext("Stopped after %(count)s breath.", "Stopped after %(count)s breaths.", done),
          { count: done },
          true
        )
      );
    });
  }

  function init(root) {
    root.querySelectorAll("[data-timer]").forEach(wireTimer);
    root.querySelectorAll("[data-breathing]").forEach(wirePacer);
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    init(event.target);
  });
})();
