/* Survey pages: show conditional questions as their trigger changes, add and remove rows of workforce
   needs tables, focus the error or conflict message, and warn before leaving a page with unsaved answers.
   The server decides what is kept. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-survey-page]");
  if (!form) {
    return;
  }

  var conditionals = Array.prototype.slice.call(form.querySelectorAll("[data-shown-if]"));

  function chosenValue(code) {
    var wrapper = form.querySelector('[data-question="' + code + '"]');
    if (!wrapper || wrapper.hidden) {
      return null;
    }
    var inputs = wrapper.querySelectorAll('input[type="radio"]');
    for (var i = 0; i < inputs.length; i += 1) {
      if (inputs[i].name === code && inputs[i].checked) {
        return inputs[i].value;
      }
    }
    return null;
  }

  // Document order puts a trigger before its dependants, so hiding cascades in one pass.
  function updateConditionals() {
    conditionals.forEach(function (element) {
      var shown = chosenValue(element.getAttribute("data-shown-if")) === element.getAttribute("data-shown-if-value");
      element.hidden = !shown;
    });
  }

  var dirty = false;
  form.addEventListener("change", function () {
    dirty = true;
    updateConditionals();
  });
  form.addEventListener("input", function () {
    dirty = true;
  });
  form.addEventListener("submit", function () {
    dirty = false;
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // A workforce needs table posts <code>-<i>-<column> for rows 0..n-1 and n as <code>-rows: rows are
  // renumbered after every change. Without this script, "Add a row" saves the page and emptied rows are dropped.
  function setUpTable(wrapper) {
    var code = wrapper.getAttribute("data-workforce-table");
    var body = wrapper.querySelector("tbody[data-rows]");
    var template = wrapper.querySelector("template[data-row-template]");
    var count = wrapper.querySelector("input[data-row-count]");
    var addButton = wrapper.querySelector("[data-add-row]");
    var status = wrapper.querySelector("[data-row-status]");
    if (!body || !template || !count || !addButton) {
      return;
    }
    var escaped = code.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    var cellName = new RegExp("^(id_)?" + escaped + "-(\\d+|__index__)-");
    var attributes = ["name", "id", "for", "aria-describedby"];

    function rows() {
      return Array.prototype.slice.call(body.querySelectorAll("tr[data-row]"));
    }

    function renumber() {
      rows().forEach(function (row, index) {
        var elements = row.querySelectorAll("[name], [id], [for], [aria-describedby]");
        Array.prototype.forEach.call(elements, function (element) {
          attributes.forEach(function (attribute) {
            var value = element.getAttribute(attribute);
            if (!value) {
              return;
            }
            var parts = value.split(" ").map(function (part) {
              return part.replace(cellName, function (match, prefix) {
                return (prefix || "") + code + "-" + index + "-";
              });
            });
            element.setAttribute(attribute, parts.join(" "));
          });
        });
        Array.prototype.forEach.call(row.querySelectorAll("[data-row-number]"), function (span) {
          span.textContent = String(index + 1);
        });
      });
      count.value = String(rows().length);
    }

    function announce(text) {
      if (status) {
        status.textContent = text || "";
      }
    }

    function showRemoveButtons(root) {
      Array.prototype.forEach.call(root.querySelectorAll("[data-remove-row]"), function (button) {
        button.hidden = false;
      });
    }

    function addRow() {
      var fragment = template.content.cloneNode(true);
      var row = fragment.querySelector("tr");
      showRemoveButtons(fragment);
      body.insertBefore(fragment, template);
      renumber();
      dirty = true;
      announce(wrapper.getAttribute("data-msg-added"));
      var first = row.querySelector("select, input");
      if (first) {
        first.focus();
      }
    }

    function removeRow(row) {
      var all = rows();
      var position = all.indexOf(row);
      row.parentNode.removeChild(row);
      renumber();
      dirty = true;
      announce(wrapper.getAttribute("data-msg-removed"));
      // Focus stays in the table: the remove button of the row that took its place, else the one before.
      var left = rows();
      var next = left[Math.min(position, left.length - 1)];
      var target = next ? next.querySelector("[data-remove-row]") : addButton;
      (target || addButton).focus();
    }

    // The button now adds a row here instead of submitting, and is no longer the form's default button.
    addButton.type = "button";
    addButton.addEventListener("click", addRow);
    body.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("[data-remove-row]") : null;
      if (button && body.contains(button)) {
        removeRow(button.closest("tr"));
      }
    });
    showRemoveButtons(body);
    renumber();
  }

  Array.prototype.forEach.call(form.querySelectorAll("[data-workforce-table]"), setUpTable);

  updateConditionals();

  var message = document.getElementById("error-summary") ||
    document.getElementById("conflict-summary") ||
    document.getElementById("closed-summary");
  if (message) {
    message.focus();
  }
}());
