/* Plan editing: each Markdown field's preview follows the typing (the server renders and sanitises it),
   goal rows can be added, and a field with an error is brought into view even inside a hidden tab. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-plan-form]");
  if (!form) {
    return;
  }

  var previewUrl = form.getAttribute("data-preview-url");
  var failedMessage = form.getAttribute("data-preview-failed");
  var DELAY_MS = 400;

  function csrfToken() {
    var input = form.querySelector('input[name="csrfmiddlewaretoken"]');
    if (input) {
      return input.value;
    }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function showFailure(pane) {
    var note = document.createElement("p");
    note.className = "text-danger small mb-0";
    note.textContent = failedMessage;
    pane.replaceChildren(note);
  }

  function attachPreview(textarea) {
    var pane = document.getElementById(textarea.id + "_preview");
    if (!pane || textarea.hasAttribute("data-preview-bound")) {
      return;
    }
    textarea.setAttribute("data-preview-bound", "");
    var timer = null;
    var controller = null;

    function refresh() {
      // Only the newest text matters: an older request still on its way is dropped.
      if (controller) {
        controller.abort();
      }
      controller = new AbortController();
      var body = new URLSearchParams();
      body.set("text", textarea.value);
      pane.setAttribute("aria-busy", "true");
      fetch(previewUrl, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "XMLHttpRequest" },
        signal: controller.signal
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("preview " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          // The HTML was sanitised by the server (nh3): no script, no handler, no javascript: link.
          pane.innerHTML = data.html;
          pane.removeAttribute("aria-busy");
        })
        .catch(function (error) {
          if (error.name !== "AbortError") {
            showFailure(pane);
            pane.removeAttribute("aria-busy");
          }
        });
    }

    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, DELAY_MS);
    });
  }

  function attachPreviews(root) {
    Array.prototype.forEach.call(root.querySelectorAll("textarea[data-markdown-preview]"), attachPreview);
  }

  // Goals: a new row is the formset's empty form with its prefix numbered.
  var rows = document.getElementById("goal-rows");
  var template = document.getElementById("goal-template");
  var addButton = document.getElementById("add-goal");
  var total = form.querySelector('input[name="goals-TOTAL_FORMS"]');
  var maximum = form.querySelector('input[name="goals-MAX_NUM_FORMS"]');

  function addGoal() {
    var index = parseInt(total.value, 10);
    if (maximum && index >= parseInt(maximum.value, 10)) {
      return;
    }
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var row = holder.firstElementChild;
    var number = row.querySelector("[data-goal-number]");
    if (number) {
      number.textContent = String(rows.querySelectorAll("[data-goal-row]").length + 1);
    }
    var order = row.querySelector('input[name="goals-' + index + '-order"]');
    var orders = Array.prototype.map.call(rows.querySelectorAll('input[name$="-order"]'), function (input) {
      return parseInt(input.value, 10) || 0;
    });
    if (order) {
      order.value = String(Math.max.apply(null, [0].concat(orders)) + 1);
    }
    rows.appendChild(row);
    total.value = String(index + 1);
    attachPreviews(row);
    var first = row.querySelector('input[name$="-title_fi"]');
    if (first) {
      first.focus();
    }
  }

  if (rows && template && addButton && total) {
    addButton.hidden = false;
    addButton.addEventListener("click", addGoal);
  }

  attachPreviews(form);

  // A field inside a hidden tab cannot be seen or focused: show its tab first.
  function reveal(field) {
    var pane = field.closest(".tab-pane");
    if (pane && window.bootstrap) {
      var tab = document.querySelector('[data-bs-target="#' + pane.id + '"]');
      if (tab) {
        window.bootstrap.Tab.getOrCreateInstance(tab).show();
      }
    }
    var details = field.closest("details");
    if (details) {
      details.open = true;
    }
  }

  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) {
        return;
      }
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (field) {
        event.preventDefault();
        reveal(field);
        field.focus();
      }
    });
    var firstInvalid = form.querySelector('[aria-invalid="true"]');
    if (firstInvalid) {
      reveal(firstInvalid);
    }
    summary.focus();
  }
})();
