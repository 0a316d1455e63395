// List steps: add, remove and move rows with buttons (keyboard and touch alike). Row numbers in
// the field names are rewritten after every change, so the server reads the rows in the order
// shown. Without script, the "Add a row" button posts the form and the server adds the row.
(function () {
  "use strict";
  // The words come from the JavaScript catalogue (/jsi18n/, loaded first); English without it.
  var gettext = window.gettext || function (text) { return text; };
  var ngettext = window.ngettext || function (one, many, n) { return n === 1 ? one : many; };
  var interpolate = window.interpolate || function (text, values) {
    return text.replace(/%\((\w+)\)s/g, function (match, name) { return String(values[name]); });
  };

  var ATTRIBUTES = ["name", "id", "for", "aria-describedby"];

  function rowsOf(list) {
    return Array.prototype.slice.call(
      list.querySelectorAll("[data-list-rows] > [data-list-row]")
    );
  }

  function renumber(list) {
    var stepId = list.getAttribute("data-list");
    var pattern = new RegExp("(step-" + stepId + "-)(\\d+|__row__)(?=-)", "g");
    rowsOf(list).forEach(function (row, index) {
      row.querySelectorAll("*").forEach(function (element) {
        ATTRIBUTES.forEach(function (attribute) {
          var value = element.getAttribute(attribute);
          if (value) {
            element.setAttribute(attribute, value.replace(pattern, "$1" + index));
          }
        });
      });
      var legend = row.querySelector("[data-row-legend]");
      if (legend) {
        legend.textContent = interpolate(gettext("Row %(number)s"), { number: index + 1 }, true);
      }
      row.querySelectorAll("[data-row-name]").forEach(function (span) {
        span.textContent = " " + interpolate(gettext("row %(number)s"), { number: index + 1 }, true);
      });
    });
  }

  function announce(list, text) {
    var status = list.querySelector("[data-list-status]");
    if (status) {
      status.textContent = "";
      window.setTimeout(function () {
        status.textContent = text;
      }, 50);
    }
  }

  function firstField(row) {
    return row.querySelector("input, select, textarea");
  }

  function showControls(row) {
    var controls = row.querySelector("[data-row-controls]");
    if (controls) {
      controls.hidden = false;
    }
  }

  function wireList(list) {
    if (list.closest("template") || list.dataset.listReady) {
      return;
    }
    list.dataset.listReady = "1";
    var container = list.querySelector("[data-list-rows]");
    var template = list.querySelector("template[data-row-template]");
    var addButton = list.querySelector("[data-row-add]");
    var maxRows = parseInt(list.getAttribute("data-max-rows"), 10) || 50;
    rowsOf(list).forEach(showControls);

    if (addButton && template) {
      addButton.addEventListener("click", function (event) {
        event.preventDefault();
        if (rowsOf(list).length >= maxRows) {
          announce(
            list,
            interpolate(
              ngettext("You can add at most %(count)s row.", "You can add at most %(count)s rows.", maxRows),
              { count: maxRows },
              true
            )
          );
          return;
        }
        var row = template.content.firstElementChild.cloneNode(true);
        container.appendChild(row);
        showControls(row);
        renumber(list);
        var field = firstField(row);
        if (field) {
          field.focus();
        }
        announce(list, interpolate(gettext("Row %(number)s added."), { number: rowsOf(list).length }, true));
      });
    }

    list.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      var row = button && button.closest("[data-list-row]");
      if (!row || !list.contains(row)) {
        return;
      }
      if (button.hasAttribute("data-row-remove")) {
        var rows = rowsOf(list);
        var position = rows.indexOf(row);
        row.remove();
        renumber(list);
        var remaining = rowsOf(list);
        var next = remaining[Math.min(position, remaining.length - 1)];
        var target = next ? firstField(next) : addButton;
        if (target) {
          target.focus();
        }
        announce(list, interpolate(gettext("Row %(number)s removed."), { number: position + 1 }, true));
      } else if (button.hasAttribute("data-row-up") || button.hasAttribute("data-row-down")) {
        var up = button.hasAttribute("data-row-up");
        var sibling = up ? row.previousElementSibling : row.nextElementSibling;
        if (!sibling) {
          announce(list, up ? gettext("This row is already first.") : gettext("This row is already last."));
          return;
        }
        if (up) {
          container.insertBefore(row, sibling);
        } else {
          container.insertBefore(sibling, row);
        }
        renumber(list);
        button.focus();
        announce(
          list,
          interpolate(gettext("Row moved to position %(number)s."), { number: rowsOf(list).indexOf(row) + 1 }, true)
        );
      }
    });
  }

  function init(root) {
    root.querySelectorAll("[data-list]").forEach(wireList);
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    init(event.target);
  });
})();
