/* Every page: a table wider than its scrolling wrapper (.table-responsive) makes the wrapper a named, focusable
   region, so keyboard users can scroll it with the arrow keys (WCAG 2.1.1); it is undone when the table fits again. */
(function () {
  "use strict";

  var MARK = "data-scroll-region";

  function update(wrapper) {
    var scrolls = wrapper.scrollWidth > wrapper.clientWidth + 1;
    var marked = wrapper.hasAttribute(MARK);
    if (scrolls && !marked && !wrapper.hasAttribute("tabindex")) {
      var caption = wrapper.querySelector("caption");
      var name = caption ? caption.textContent.replace(/\s+/g, " ").trim() : "";
      wrapper.setAttribute(MARK, "");
      wrapper.setAttribute("tabindex", "0");
      if (name) {
        wrapper.setAttribute("role", "region");
        wrapper.setAttribute("aria-label", name);
      }
    } else if (!scrolls && marked) {
      wrapper.removeAttribute(MARK);
      wrapper.removeAttribute("tabindex");
      wrapper.removeAttribute("role");
      wrapper.removeAttribute("aria-label");
    }
  }

  var wrappers = Array.prototype.slice.call(document.querySelectorAll(".table-responsive"));
  wrappers.forEach(update);
  if (window.ResizeObserver) {
    // The wrapper changes with the window, the table with its content (rows redrawn by a script).
    var observer = new window.ResizeObserver(function () {
      wrappers.forEach(update);
    });
    wrappers.forEach(function (wrapper) {
      observer.observe(wrapper);
      if (wrapper.firstElementChild) {
        observer.observe(wrapper.firstElementChild);
      }
    });
  }
}());
