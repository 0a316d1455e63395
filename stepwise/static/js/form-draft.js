// Drafts and offline sending for exercises and questionnaires (the one copy of both).
//
// What a person types or chooses is kept on this device until it is saved, so a dropped
// connection, a reload or a closed tab loses nothing (an exercise also keeps a copy on the server
// as the person goes, data-draft-url). A form is never sent into the void: while the device is
// offline, or Stepwise cannot be reached, pressing the button keeps the page and every answer and
// says so right below that button; pressing it again once back online sends the answers.
//
// Forms opt in with data-draft-id (an id with no clinical meaning); data-draft-restore="true"
// marks a fresh form (not one the server sent back with the answers in it). Drafts expire after a
// day, whoever uses the device next. This runs as soon as the page is parsed, before the
// questionnaire's stepper (assessment-form.js) looks at which questions are answered.
(function () {
  "use strict";
  // The words come from the JavaScript catalogue (/jsi18n/, loaded first); English without it.
  var gettext = window.gettext || function (text) { return text; };
  var ngettext = window.ngettext || function (one, many, n) { return n === 1 ? one : many; };
  var interpolate = window.interpolate || function (text, values) {
    return text.replace(/%\((\w+)\)s/g, function (match, name) { return String(values[name]); });
  };

  var PREFIX = "stepwise-draft:";
  var MAX_AGE_MS = 24 * 60 * 60 * 1000;
  var REACH_TIMEOUT_MS = 15 * 1000;
  var TEXT = {
    restored: gettext("We brought back the answers you gave earlier on this device."),
    offline: gettext(
      "You are offline. Your answers are kept on this device: press the button again when you are back online."
    ),
    unreachable: gettext(
      "Stepwise cannot be reached right now. Your answers are kept on this device: press the button again in a moment."
    ),
    back: gettext("You are back online. You can send your answers now."),
  };

  function storage() {
    try {
      window.localStorage.getItem(PREFIX);
      return window.localStorage;
    } catch (e) {
      return null; // private mode or storage switched off: the forms still work
    }
  }

  function read(store, key) {
    try {
      var draft = JSON.parse(store.getItem(key) || "null");
      if (!draft || typeof draft.values !== "object" || !(Date.now() - draft.savedAt <= MAX_AGE_MS)) {
        return null;
      }
      return draft;
    } catch (e) {
      return null;
    }
  }

  function collect(form) {
    var values = {};
    form.querySelectorAll("input, textarea, select").forEach(function (field) {
      if (!field.name || field.type === "hidden" || field.type === "submit" || field.type === "file") {
        return;
      }
      if (field.type === "checkbox" || field.type === "radio") {
        if (field.checked) {
          (values[field.name] = values[field.name] || []).push(field.value);
        }
      } else {
        values[field.name] = [field.value];
      }
    });
    return values;
  }

  function apply(form, values) {
    form.querySelectorAll("input, textarea, select").forEach(function (field) {
      if (!field.name || !(field.name in values) || field.type === "hidden") {
        return;
      }
      var saved = values[field.name];
      saved = Array.isArray(saved) ? saved.map(String) : [String(saved)]; // older drafts: one value
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = saved.indexOf(field.value) !== -1;
      } else {
        field.value = saved[0];
      }
      field.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  // The message below the pressed button: the status line that follows the button's row.
  function statusNear(form, button) {
    var row = button && button.closest(".actions");
    var next = row && row.nextElementSibling;
    if (next && next.hasAttribute("data-draft-status")) {
      return next;
    }
    return form.querySelector("[data-draft-status]");
  }

  function say(status, text) {
    if (!status) {
      return;
    }
    status.textContent = text;
    if (text && status.scrollIntoView) {
      status.scrollIntoView({ block: "nearest" });
    }
  }

  // Whether Stepwise answers at all (any status will do): the browser may think it is online on a
  // connection that carries nothing. Marked as background: it is not activity.
  function reachable(url) {
    if (!url || !window.fetch) {
      return Promise.resolve(true);
    }
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller
      ? window.setTimeout(function () {
          controller.abort();
        }, REACH_TIMEOUT_MS)
      : null;
    return window
      .fetch(url, {
        cache: "no-store",
        credentials: "same-origin",
        headers: { "X-Stepwise-Background": "1" },
        signal: controller ? controller.signal : undefined,
      })
      .then(
        function () {
          return true;
        },
        function () {
          return false;
        }
      )
      .then(function (answer) {
        window.clearTimeout(timer);
        return answer;
      });
  }

  function Draft(store, form) {
    this.store = store;
    this.form = form;
    this.key = store ? PREFIX + form.getAttribute("data-draft-id") : null;
    this.serverUrl = form.getAttribute("data-draft-url");
    this.reachUrl = form.getAttribute("data-draft-reach");
    this.status = null; // the status line last used, while it holds a warning
    this.checking = false;
    this.releasing = false;
    this.timer = null;
    this.remote = null;
  }

  Draft.prototype.save = function () {
    var self = this;
    this.timer = null;
    if (!this.store) {
      return;
    }
    if (this.serverUrl && this.remote === null) {
      this.remote = window.setTimeout(function () {
        self.saveOnServer();
      }, 2000);
    }
    try {
      this.store.setItem(this.key, JSON.stringify({ savedAt: Date.now(), values: collect(this.form) }));
    } catch (e) {
      /* storage full: the form still works */
    }
  };

  Draft.prototype.saveOnServer = function () {
    this.remote = null;
    if (navigator.onLine === false) {
      return;
    }
    var token = this.form.querySelector("input[name=csrfmiddlewaretoken]");
    window
      .fetch(this.serverUrl, {
        method: "POST",
        body: new FormData(this.form),
        headers: token ? { "X-CSRFToken": token.value } : {},
        credentials: "same-origin",
      })
      .catch(function () {
        /* offline or server away: the copy on this device is still there */
      });
  };

  Draft.prototype.warn = function (button, text) {
    this.status = statusNear(this.form, button);
    say(this.status, text);
  };

  // A submit that no other script held back: send it only if Stepwise can be reached.
  Draft.prototype.submit = function (event) {
    var self = this;
    var button = event.submitter || null;
    if (this.releasing) {
      return; // the check below said yes: this is the real sending
    }
    event.preventDefault();
    if (this.checking) {
      return; // a second press while the first is being checked
    }
    if (navigator.onLine === false) {
      this.warn(button, TEXT.offline);
      return;
    }
    this.checking = true;
    reachable(this.reachUrl).then(function (yes) {
      self.checking = false;
      if (!yes) {
        self.warn(button, TEXT.unreachable);
        return;
      }
      say(self.status, "");
      self.status = null;
      self.releasing = true;
      try {
        if (self.form.requestSubmit) {
          self.form.requestSubmit(button && button.form === self.form ? button : undefined);
        } else {
          self.form.submit();
        }
      } finally {
        self.releasing = false;
      }
    });
  };

  Draft.prototype.wire = function () {
    var self = this;
    var draft = this.store ? read(this.store, this.key) : null;
    if (draft && this.form.getAttribute("data-draft-restore") === "true") {
      apply(this.form, draft.values);
      var notice = this.form.querySelector("[data-draft-restored]");
      if (notice) {
        notice.textContent = TEXT.restored;
        notice.hidden = false;
      }
    }
    this.form.addEventListener("input", function () {
      if (self.timer === null) {
        self.timer = window.setTimeout(function () {
          self.save();
        }, 400);
      }
    });
    this.form.addEventListener("change", function () {
      self.save();
    });
    window.addEventListener("online", function () {
      if (self.status) {
        say(self.status, TEXT.back);
      }
    });
  };

  var drafts = [];

  function draftOf(form) {
    for (var i = 0; i < drafts.length; i += 1) {
      if (drafts[i].form === form) {
        return drafts[i];
      }
    }
    return null;
  }

  // On the document, so it runs after the form's own listeners (a questionnaire moving to its
  // next question, a check that failed): a submit they held back is none of this module's business.
  document.addEventListener("submit", function (event) {
    var draft = draftOf(event.target);
    if (!draft) {
      return;
    }
    draft.save();
    if (!event.defaultPrevented) {
      draft.submit(event);
    }
  });

  function start() {
    var store = storage();
    if (store) {
      document.querySelectorAll("[data-clear-draft]").forEach(function (element) {
        store.removeItem(PREFIX + element.getAttribute("data-clear-draft"));
      });
      for (var i = store.length - 1; i >= 0; i -= 1) {
        var name = store.key(i);
        if (name && name.indexOf(PREFIX) === 0 && !read(store, name)) {
          store.removeItem(name);
        }
      }
    }
    document.querySelectorAll("form[data-draft-id]").forEach(function (form) {
      var draft = new Draft(store, form);
      drafts.push(draft);
      draft.wire();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start(); // a deferred script: the page is parsed, and the stepper has not looked yet
  }
})();
