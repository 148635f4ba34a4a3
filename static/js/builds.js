/* The builds page: while a build is queued or running, ask the server for its status every two seconds and
   redraw its row; status changes are announced to screen readers. The server's page stays right without it. */
(function () {
  "use strict";

  var table = document.querySelector("table[data-build-status-url]");
  if (!table || !window.fetch) {
    return;
  }
  var statusUrl = table.getAttribute("data-build-status-url");
  var announcer = document.getElementById("build-announcer");
  var INTERVAL = 2000;
  var MAX_INTERVAL = 30000;
  var ACTIVE = { queued: true, running: true };
  var BADGES = {
    queued: "text-bg-secondary",
    running: "text-bg-info",
    done: "text-bg-success",
    failed: "text-bg-danger"
  };
  var delay = INTERVAL;

  function activeRows() {
    return Array.prototype.filter.call(table.querySelectorAll("tr[data-build-id]"), function (row) {
      return ACTIVE[row.getAttribute("data-build-status")] === true;
    });
  }

  function part(row, name) {
    return row.querySelector('[data-field="' + name + '"]');
  }

  function setText(row, name, text) {
    var element = part(row, name);
    if (element) {
      element.textContent = text === null || text === undefined ? "" : String(text);
    }
    return element;
  }

  function setShown(row, name, shown) {
    var element = part(row, name);
    if (element) {
      element.hidden = !shown;
    }
    return element;
  }

  function redraw(row, build) {
    var changed = row.getAttribute("data-build-status") !== build.status;
    row.setAttribute("data-build-status", build.status);
    var badge = setText(row, "status", build.status_label);
    if (badge) {
      Object.keys(BADGES).forEach(function (status) {
        badge.classList.remove(BADGES[status]);
      });
      badge.classList.add(BADGES[build.status] || BADGES.queued);
    }
    setText(row, "duration", build.duration_label);
    setText(row, "pages", build.pages);
    setText(row, "size", build.size_label);
    var link = setShown(row, "download", Boolean(build.download_url));
    if (link && build.download_url) {
      link.setAttribute("href", build.download_url);
    }
    var docx = setShown(row, "download-docx", Boolean(build.docx_url));
    if (docx && build.docx_url) {
      docx.setAttribute("href", build.docx_url);
    }
    setText(row, "error-text", build.error);
    setShown(row, "error", build.status === "failed");
    setShown(row, "retry", build.status === "failed");
    return changed ? row.getAttribute("data-build-label") + ": " + build.status_label : null;
  }

  function poll() {
    var rows = activeRows();
    if (!rows.length) {
      return;
    }
    var query = rows.map(function (row) {
      return "id=" + encodeURIComponent(row.getAttribute("data-build-id"));
    }).join("&");
    window.fetch(statusUrl + "?" + query, {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("status " + response.status);
      }
      return response.json();
    }).then(function (data) {
      var news = [];
      data.builds.forEach(function (build) {
        var row = table.querySelector('tr[data-build-id="' + build.id + '"]');
        var said = row ? redraw(row, build) : null;
        if (said) {
          news.push(said);
        }
      });
      if (news.length && announcer) {
        announcer.textContent = news.join(". ");
      }
      delay = INTERVAL;
    }).catch(function () {
      // The server or the network is away for a moment (or the session ended): ask less often.
      delay = Math.min(delay * 2, MAX_INTERVAL);
    }).then(function () {
      window.setTimeout(poll, delay);
    });
  }

  window.setTimeout(poll, delay);
}());
