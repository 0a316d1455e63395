// Questionnaires: one question per screen on narrow screens. Without this file the form is one
// ordinary page. The draft on this device and sending only when online are form-draft.js's work
// (shared with exercises), which restores the answers before the stepper looks at them.
(function () {
  "use strict";
  // The words come from the JavaScript catalogue (/jsi18n/, loaded first); English without it.
  var gettext = window.gettext || function (text) { return text; };
  var ngettext = window.ngettext || function (one, many, n) { return n === 1 ? one : many; };
  var interpolate = window.interpolate || function (text, values) {
    return text.replace(/%\((\w+)\)s/g, function (match, name) { return String(values[name]); });
  };

  var NARROW = "(max-width: 40rem)";

  function Stepper(form) {
    this.form = form;
    this.steps = Array.prototype.slice.call(form.querySelectorAll("[data-step]"));
    this.progress = form.querySelector("[data-step-progress]");
    this.back = form.querySelector("[data-step-back]");
    this.next = form.querySelector("[data-step-next]");
    this.submit = form.querySelector("[data-step-submit]");
    this.media = window.matchMedia(NARROW);
    this.current = this.startIndex();
  }

  Stepper.prototype.answered = function (step) {
    return step.querySelector("input:checked") !== null;
  };

  Stepper.prototype.required = function (step) {
    return step.getAttribute("data-required") === "true";
  };

  Stepper.prototype.startIndex = function () {
    var self = this;
    var withError = this.steps.findIndex(function (step) {
      return step.classList.contains("has-error");
    });
    if (withError >= 0) {
      return withError;
    }
    var unanswered = this.steps.findIndex(function (step) {
      return !self.answered(step);
    });
    return unanswered >= 0 ? unanswered : Math.max(this.steps.length - 1, 0);
  };

  Stepper.prototype.stepped = function () {
    return this.media.matches && this.steps.length > 1;
  };

  Stepper.prototype.hideMissing = function (step) {
    var message = step.querySelector("[data-missing]");
    if (message) {
      message.hidden = true;
    }
  };

  Stepper.prototype.showMissing = function (step) {
    var message = step.querySelector("[data-missing]");
    if (message) {
      message.hidden = false;
      var described = step.getAttribute("aria-describedby") || "";
      if (described.indexOf(message.id) < 0) {
        step.setAttribute("aria-describedby", (described + " " + message.id).trim());
      }
    }
    var first = step.querySelector("input");
    if (first) {
      first.focus();
    }
  };

  Stepper.prototype.focusStep = function (step) {
    var target = step.querySelector("input:checked") || step.querySelector("input");
    if (target) {
      target.focus();
    }
  };

  Stepper.prototype.show = function (index, moveFocus) {
    var count = this.steps.length;
    this.current = Math.min(Math.max(index, 0), count - 1);
    var current = this.current;
    this.steps.forEach(function (step, i) {
      step.hidden = i !== current;
    });
    var last = current === count - 1;
    this.back.hidden = current === 0;
    this.next.hidden = last;
    this.submit.hidden = !last;
    this.progress.hidden = false;
    this.progress.textContent = interpolate(gettext("Question %(number)s of %(total)s"), { number: current + 1, total: count }, true);
    if (moveFocus) {
      this.focusStep(this.steps[current]);
    }
  };

  Stepper.prototype.layout = function () {
    if (this.stepped()) {
      this.form.classList.add("is-stepped");
      this.show(this.current, false);
      return;
    }
    this.form.classList.remove("is-stepped");
    this.steps.forEach(function (step) {
      step.hidden = false;
    });
    this.back.hidden = true;
    this.next.hidden = true;
    this.submit.hidden = false;
    this.progress.hidden = true;
  };

  Stepper.prototype.goNext = function () {
    var step = this.steps[this.current];
    if (this.required(step) && !this.answered(step)) {
      this.showMissing(step);
      return;
    }
    this.show(this.current + 1, true);
  };

  Stepper.prototype.firstMissing = function () {
    var self = this;
    return this.steps.findIndex(function (step) {
      return self.required(step) && !self.answered(step);
    });
  };

  Stepper.prototype.wire = function () {
    var self = this;
    // Hidden questions cannot show the browser's own messages, so the checks happen here.
    this.form.setAttribute("novalidate", "");
    this.next.addEventListener("click", function () {
      self.goNext();
    });
    this.back.addEventListener("click", function () {
      self.show(self.current - 1, true);
    });
    this.form.addEventListener("change", function (event) {
      var step = event.target.closest("[data-step]");
      if (step) {
        self.hideMissing(step);
      }
    });
    this.form.addEventListener("submit", function (event) {
      if (self.stepped() && self.current < self.steps.length - 1) {
        event.preventDefault(); // Enter on an early question moves on instead of submitting
        self.goNext();
        return;
      }
      var missing = self.firstMissing();
      if (missing >= 0) {
        event.preventDefault();
        if (self.stepped()) {
          self.show(missing, false);
        }
        self.showMissing(self.steps[missing]);
      }
    });
    var relayout = function () {
      self.layout();
    };
    if (this.media.addEventListener) {
      this.media.addEventListener("change", relayout);
    } else if (this.media.addListener) {
      this.media.addListener(relayout);
    }
    this.layout();
  };

  function enhance(form) {
    new Stepper(form).wire();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.assessment-form").forEach(enhance);
  });
})();
