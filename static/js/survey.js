/* Survey pages: show conditional questions as their trigger changes, add and remove rows of workforce
   needs tables, focus the error or conflict message, warn before leaving a page with unsaved answers, and
   keep a draft of the page in this tab (sessionStorage) so that a save that did not go through (the database
   was out of reach, the network failed) loses nothing: the typed answers come back when the page is shown
   again at the same version. The server decides what is kept. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-survey-page]");
  if (!form) {
    return;
  }

  var conditionals = Array.prototype.slice.call(form.querySelectorAll("[data-shown-if]"));
  // Workforce needs tables by question code: {count(), resize(n)} for the draft.
  var tables = {};

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

    function insertRow() {
      var fragment = template.content.cloneNode(true);
      var row = fragment.querySelector("tr");
      showRemoveButtons(fragment);
      body.insertBefore(fragment, template);
      return row;
    }

    function addRow() {
      var row = insertRow();
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
    tables[code] = {
      count: function () {
        return rows().length;
      },
      // A draft's number of rows, without moving focus or announcing each row.
      resize: function (wanted) {
        var guard = 0;
        while (rows().length < wanted && guard < 500) {
          insertRow();
          guard += 1;
        }
        while (rows().length > wanted && rows().length > 0) {
          var last = rows()[rows().length - 1];
          last.parentNode.removeChild(last);
        }
        renumber();
      }
    };
  }

  Array.prototype.forEach.call(form.querySelectorAll("[data-workforce-table]"), setUpTable);

  updateConditionals();

  // The draft: {version, values: {name: [values]}, rows: {table code: row count}} under a key made of the
  // page's path and its response's owner marker (never the invitation token), so a draft never reaches
  // another page or another company's answers.
  var draftKey = form.getAttribute("data-draft-key");
  var draftVersion = form.getAttribute("data-draft-version");
  var notDrafted = { csrfmiddlewaretoken: true, version: true, owner: true, action: true };

  function draftStore() {
    try {
      return draftKey ? window.sessionStorage : null;
    } catch (error) {
      return null; // storage disabled: the page works as before
    }
  }

  function draftFields() {
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.name && !notDrafted[element.name] &&
        ["submit", "button", "hidden", "file", "reset", "image"].indexOf(element.type) === -1;
    });
  }

  function isCheckable(element) {
    return element.type === "checkbox" || element.type === "radio";
  }

  function snapshot() {
    var values = {};
    draftFields().forEach(function (element) {
      var list = values[element.name] || (values[element.name] = []);
      if (isCheckable(element)) {
        if (element.checked) {
          list.push(element.value);
        }
      } else if (element.tagName === "SELECT" && element.multiple) {
        Array.prototype.forEach.call(element.options, function (option) {
          if (option.selected) {
            list.push(option.value);
          }
        });
      } else {
        list.push(element.value);
      }
    });
    var rows = {};
    Object.keys(tables).forEach(function (code) {
      rows[code] = tables[code].count();
    });
    return { version: draftVersion, values: values, rows: rows };
  }

  function sameMap(first, second) {
    var keys = Object.keys(first || {});
    if (keys.length !== Object.keys(second || {}).length) {
      return false;
    }
    return keys.every(function (key) {
      return Object.prototype.hasOwnProperty.call(second, key) &&
        JSON.stringify(first[key]) === JSON.stringify(second[key]);
    });
  }

  function applyDraft(draft) {
    Object.keys(draft.rows || {}).forEach(function (code) {
      if (tables[code] && typeof draft.rows[code] === "number") {
        tables[code].resize(draft.rows[code]);
      }
    });
    var used = {};
    draftFields().forEach(function (element) {
      var list = draft.values[element.name];
      if (!Array.isArray(list)) {
        return;
      }
      if (isCheckable(element)) {
        element.checked = list.indexOf(element.value) !== -1;
      } else if (element.tagName === "SELECT" && element.multiple) {
        Array.prototype.forEach.call(element.options, function (option) {
          option.selected = list.indexOf(option.value) !== -1;
        });
      } else {
        var index = used[element.name] || 0;
        used[element.name] = index + 1;
        if (index < list.length) {
          element.value = list[index];
        }
      }
    });
    updateConditionals();
  }

  function writeDraft() {
    var store = draftStore();
    if (!store) {
      return;
    }
    try {
      store.setItem(draftKey, JSON.stringify(snapshot()));
    } catch (error) {
      // Storage full or refused: the draft is a help, not a promise.
    }
  }

  function restoreDraft() {
    var store = draftStore();
    if (!store) {
      return;
    }
    var draft = null;
    try {
      draft = JSON.parse(store.getItem(draftKey));
    } catch (error) {
      draft = null;
    }
    if (!draft || typeof draft !== "object" || typeof draft.values !== "object") {
      return;
    }
    if (draft.version !== draftVersion) {
      // The page moved on to a newer version: the save went through, so the draft is history.
      store.removeItem(draftKey);
      return;
    }
    if (document.querySelector("#error-summary, #conflict-summary, #closed-summary, #kept-summary")) {
      return; // the server shows the posted answers already, with what stopped them
    }
    var now = snapshot();
    if (sameMap(draft.values, now.values) && sameMap(draft.rows, now.rows)) {
      return; // the page already shows these answers
    }
    applyDraft(draft);
    dirty = true;
    var notice = document.querySelector("[data-draft-notice]");
    if (notice) {
      notice.hidden = false;
      // Filled after it is shown, so that screen readers announce it.
      window.setTimeout(function () {
        notice.textContent = notice.getAttribute("data-msg-restored");
      }, 50);
    }
  }

  restoreDraft();
  form.addEventListener("input", writeDraft);
  form.addEventListener("change", writeDraft);
  form.addEventListener("submit", writeDraft);
  // Removing a table row changes no field's value, but changes the draft.
  form.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-remove-row], [data-add-row]")) {
      writeDraft();
    }
  });

  var message = document.getElementById("error-summary") ||
    document.getElementById("conflict-summary") ||
    document.getElementById("closed-summary");
  if (message) {
    message.focus();
  }
}());
