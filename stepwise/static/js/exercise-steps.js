// Exercise steps: sliders kept in step with their number field, feelings with intensities,
// the error summary, "Read aloud" for guided scripts, and how much of a recording was played.
// Every step works without this file; it only adds convenience.
(function () {
  "use strict";
  // The words come from the JavaScript catalogue (/jsi18n/, loaded first); English without it.
  var gettext = window.gettext || function (text) { return text; };
  var ngettext = window.ngettext || function (one, many, n) { return n === 1 ? one : many; };
  var interpolate = window.interpolate || function (text, values) {
    return text.replace(/%\((\w+)\)s/g, function (match, name) { return String(values[name]); });
  };

  function once(element, key) {
    if (element.dataset[key]) {
      return false;
    }
    element.dataset[key] = "1";
    return true;
  }

  function wireSlider(box) {
    var range = box.querySelector("[data-slider-range]");
    var number = box.querySelector("[data-slider-number]");
    if (!range || !number || !once(box, "sliderReady")) {
      return;
    }
    range.hidden = false;
    range.removeAttribute("tabindex");
    function showUnset() {
      var unset = number.value === "";
      box.classList.toggle("is-unset", unset);
      // An unanswered slider sits at its lowest end: say "not answered", not that number.
      if (unset) {
        range.setAttribute("aria-valuetext", gettext("Not answered yet"));
      } else {
        range.removeAttribute("aria-valuetext");
      }
    }
    range.addEventListener("input", function () {
      number.value = range.value;
      showUnset();
    });
    number.addEventListener("input", function () {
      var value = parseInt(number.value, 10);
      if (!isNaN(value)) {
        range.value = String(value);
      }
      showUnset();
    });
    showUnset();
  }

  function wireEmotion(item) {
    var toggle = item.querySelector("[data-emotion-toggle]");
    var intensity = item.querySelector("[data-emotion-intensity]");
    if (!toggle || !intensity || !once(item, "emotionReady")) {
      return;
    }
    function show() {
      // A feeling with an error stays visible so the message is not hidden.
      intensity.hidden = !toggle.checked && !intensity.querySelector(".field-error");
    }
    toggle.addEventListener("change", show);
    show();
  }

  function wireErrorSummary(summary) {
    if (!once(summary, "summaryReady")) {
      return;
    }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) {
        return;
      }
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (target) {
        event.preventDefault();
        var box = target.closest("[data-emotion-intensity]");
        if (box) {
          box.hidden = false;
        }
        target.focus();
        target.scrollIntoView({ block: "center" });
      }
    });
  }

  function wireReadAloud(box) {
    var source = document.getElementById(box.getAttribute("data-read-aloud"));
    var button = box.querySelector("button");
    if (!("speechSynthesis" in window) || !source || !button || !once(box, "speechReady")) {
      return;
    }
    box.hidden = false;
    function reset() {
      button.textContent = gettext("Read aloud");
      button.setAttribute("aria-pressed", "false");
    }
    button.addEventListener("click", function () {
      if (button.getAttribute("aria-pressed") === "true") {
        window.speechSynthesis.cancel();
        reset();
        return;
      }
      window.speechSynthesis.cancel();
      var utterance = new window.SpeechSynthesisUtterance(source.textContent.trim());
      utterance.lang = document.documentElement.lang || "en";
      utterance.rate = 0.9; // a calm pace for guided scripts
      utterance.onend = reset;
      utterance.onerror = reset;
      button.textContent = gettext("Stop reading");
      button.setAttribute("aria-pressed", "true");
      window.speechSynthesis.speak(utterance);
    });
  }

  function playedFraction(media) {
    if (!media.duration || !isFinite(media.duration)) {
      return null;
    }
    var seconds = 0;
    for (var i = 0; i < media.played.length; i += 1) {
      seconds += media.played.end(i) - media.played.start(i);
    }
    return Math.min(1, Math.round((seconds / media.duration) * 100) / 100);
  }

  function wireMedia(media) {
    var select = document.getElementById(media.getAttribute("data-media-track"));
    if (!select || !once(media, "mediaReady")) {
      return;
    }
    function record() {
      var fraction = playedFraction(media);
      if (fraction === null) {
        return;
      }
      var value = String(fraction);
      var option = select.querySelector("option[data-measured]");
      var existing = select.querySelector('option[value="' + value + '"]:not([data-measured])');
      if (existing) {
        if (option) {
          option.remove();
        }
        select.value = value;
        return;
      }
      if (!option) {
        option = document.createElement("option");
        option.setAttribute("data-measured", "");
        select.appendChild(option);
      }
      option.value = value;
      option.textContent = Math.round(fraction * 100) + "% (measured)";
      select.value = value;
    }
    media.addEventListener("timeupdate", record);
    media.addEventListener("ended", record);
    media.addEventListener("pause", record);
  }

  function init(root) {
    root.querySelectorAll("[data-slider]").forEach(wireSlider);
    root.querySelectorAll("[data-emotion]").forEach(wireEmotion);
    root.querySelectorAll("[data-error-summary]").forEach(wireErrorSummary);
    root.querySelectorAll("[data-read-aloud]").forEach(wireReadAloud);
    root.querySelectorAll("[data-media-track]").forEach(wireMedia);
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    init(event.target);
  });
  window.addEventListener("pagehide", function () {
    if ("speechSynthesis" in window) {
      window.speechSynthesis.cancel();
    }
  });
})();
