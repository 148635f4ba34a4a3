/* Survey pages: show conditional questions as their trigger changes, focus the error or conflict
   message, and warn before leaving a page with unsaved answers. The server decides what is kept. */
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

  updateConditionals();

  var message = document.getElementById("error-summary") ||
    document.getElementById("conflict-summary") ||
    document.getElementById("closed-summary");
  if (message) {
    message.focus();
  }
}());
