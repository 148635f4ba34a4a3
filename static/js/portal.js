/* Every page: a table region (.table-scroll, named and focusable as the server renders it) stays a Tab stop only
   while its table is wider than it, so the keyboard can scroll it (WCAG 2.1.1) and a table that fits costs no stop. */
(function () {
  "use strict";

  function update(region) {
    var scrolls = region.scrollWidth > region.clientWidth + 1;
    if (scrolls) {
      region.setAttribute("tabindex", "0");
    } else {
      region.removeAttribute("tabindex");
    }
  }

  var regions = Array.prototype.slice.call(document.querySelectorAll(".table-scroll"));
  regions.forEach(update);
  if (window.ResizeObserver) {
    // The region changes with the window, the table with its content (rows redrawn by a script).
    var observer = new window.ResizeObserver(function () {
      regions.forEach(update);
    });
    regions.forEach(function (region) {
      observer.observe(region);
      if (region.firstElementChild) {
        observer.observe(region.firstElementChild);
      }
    });
  }
}());
