// The ▲ ▼ arrows of the ordered rows (django-admin-sortable2) send a row to the top or the
// bottom and say so (移到最前, 移到最后: their title and aria-label). They are <i role="button">
// elements, out of reach of the keyboard: this lets Tab reach them and Enter or Space press them.
"use strict";

(function () {
  const ARROWS = ".sort i.move-begin, .sort i.move-end";

  for (const arrow of document.querySelectorAll(ARROWS)) {
    arrow.tabIndex = 0;
  }
  document.addEventListener("keydown", function (event) {
    if ((event.key === "Enter" || event.key === " ") && event.target.matches(ARROWS)) {
      event.preventDefault();
      event.target.click();
      event.target.focus(); // the row moved; the arrow keeps the focus
    }
  });
})();
