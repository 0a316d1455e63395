// Keeps what a person types in an exercise on this device until it is saved, so a dropped
// connection, a reload or a closed tab loses nothing; and refuses to send while offline.
// Forms opt in with data-draft-id (an id with no clinical meaning). Drafts expire after a day.
(function () {
  "use strict";

  var PREFIX = "stepwise-draft:";
  var MAX_AGE_MS = 24 * 60 * 60 * 1000;

  function storage() {
    try {
      window.localStorage.getItem(PREFIX);
      return window.localStorage;
    } catch (e) {
      return null;
    }
  }

  function read(store, key) {
    try {
      var draft = JSON.parse(store.getItem(key) || "null");
      if (!draft || typeof draft.values !== "object" || Date.now() - draft.savedAt > MAX_AGE_MS) {
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
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = saved.indexOf(field.value) !== -1;
      } else {
        field.value = saved[0];
      }
      field.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  function announce(form, text) {
    var status = form.querySelector("[data-draft-status]");
    if (status) {
      status.textContent = text;
      status.hidden = !text;
    }
  }

  function wire(store, form) {
    var key = PREFIX + form.getAttribute("data-draft-id");
    var draft = read(store, key);
    // Restore only onto a fresh form: a form sent back by the server already holds the answers.
    if (draft && form.getAttribute("data-draft-restore") === "true") {
      apply(form, draft.values);
      announce(form, "We brought back the answers you typed earlier on this device.");
    }
    var timer = null;
    var remote = null;
    var serverUrl = form.getAttribute("data-draft-url");
    function saveOnServer() {
      remote = null;
      if (!serverUrl || navigator.onLine === false) {
        return;
      }
      var token = form.querySelector("input[name=csrfmiddlewaretoken]");
      fetch(serverUrl, {
        method: "POST",
        body: new FormData(form),
        headers: token ? { "X-CSRFToken": token.value } : {},
        credentials: "same-origin",
      }).catch(function () {
        /* offline or server away: the copy on this device is still there */
      });
    }
    function save() {
      timer = null;
      if (serverUrl && remote === null) {
        remote = window.setTimeout(saveOnServer, 2000);
      }
      try {
        store.setItem(key, JSON.stringify({ savedAt: Date.now(), values: collect(form) }));
      } catch (e) {
        /* storage full: the form still works */
      }
    }
    form.addEventListener("input", function () {
      if (timer === null) {
        timer = window.setTimeout(save, 400);
      }
    });
    form.addEventListener("change", save);
    form.addEventListener("submit", function (event) {
      save();
      if (navigator.onLine === false) {
        event.preventDefault();
        announce(
          form,
          "You are offline. Your answers are kept on this device: send them when you are back online."
        );
      }
    });
    window.addEventListener("online", function () {
      announce(form, "You are back online. You can send your answers now.");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var store = storage();
    if (!store) {
      return;
    }
    document.querySelectorAll("[data-clear-draft]").forEach(function (element) {
      store.removeItem(PREFIX + element.getAttribute("data-clear-draft"));
    });
    for (var i = store.length - 1; i >= 0; i -= 1) {
      var name = store.key(i);
      if (name && name.indexOf(PREFIX) === 0 && !read(store, name)) {
        store.removeItem(name);
      }
    }
    document.querySelectorAll("form[data-draft-id]:not(#assessment-form)").forEach(function (form) {
      wire(store, form);
    });
  });
})();
