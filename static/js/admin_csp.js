/* Behaviour that third-party admin pages wrote inline, which the Content-Security-Policy blocks. */
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    // django-import-export's export page: "Select all" had an inline onchange handler.
    document.querySelectorAll("input.select-toggle").forEach(function (toggle) {
      toggle.addEventListener("change", function (event) {
        if (typeof window.onSelectToggleChange === "function") {
          window.onSelectToggleChange(event);
        }
      });
    });

    // django-celery-beat's periodic task form: the chosen crontab's schedule in words, under the field.
    var readable = document.getElementById("readable-crontabs");
    var crontab = document.getElementById("id_crontab");
    var help = document.querySelector(".field-crontab .help");
    if (!readable || !crontab) {
      return;
    }
    var schedules = JSON.parse(readable.textContent);
    var translation = document.querySelector(".field-crontab_translation");
    if (translation) {
      translation.style.display = "none";  // CSSOM, which the policy allows
    }
    var note = document.createElement("div");
    if (help) {
      help.appendChild(note);
    }
    function describe() {
      note.textContent = schedules[crontab.value] || "";
    }
    crontab.addEventListener("change", describe);
    describe();
  });
})();
