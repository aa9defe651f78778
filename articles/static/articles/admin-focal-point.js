// A figure's focal point (焦点: what the crops for sharing and search engines centre on) is
// picked by clicking its preview picture. The click fills 焦点横坐标 and 焦点纵坐标 (0 to 1 from
// the left and the top), which stay editable by hand, and a dot marks the point; typing in the
// numbers moves the dot. Saving remakes the crops.
"use strict";

(function () {
  function fieldsOf(row) {
    return {
      x: row.querySelector("input[name$='-focal_x']"),
      y: row.querySelector("input[name$='-focal_y']"),
    };
  }

  function mark(picker) {
    const row = picker.closest(".inline-related");
    const marker = picker.querySelector(".focal-marker");
    if (!row || !marker) {
      return;
    }
    const fields = fieldsOf(row);
    const x = Number.parseFloat(fields.x && fields.x.value);
    const y = Number.parseFloat(fields.y && fields.y.value);
    const inside = x >= 0 && x <= 1 && y >= 0 && y <= 1;
    marker.hidden = !inside;
    if (inside) {
      marker.style.left = x * 100 + "%";
      marker.style.top = y * 100 + "%";
    }
  }

  function clamp(value) {
    return Math.min(1, Math.max(0, value));
  }

  document.addEventListener("click", function (event) {
    const image = event.target.closest(".focal-picker img");
    const row = image && image.closest(".inline-related");
    if (!row) {
      return;
    }
    const box = image.getBoundingClientRect();
    const fields = fieldsOf(row);
    if (!fields.x || !fields.y || fields.x.disabled || fields.y.disabled) {
      return;
    }
    fields.x.value = clamp((event.clientX - box.left) / box.width).toFixed(3);
    fields.y.value = clamp((event.clientY - box.top) / box.height).toFixed(3);
    for (const field of [fields.x, fields.y]) {
      field.dispatchEvent(new Event("change", { bubbles: true }));
    }
    mark(image.closest(".focal-picker"));
  });

  document.addEventListener("input", function (event) {
    if (event.target.matches("input[name$='-focal_x'], input[name$='-focal_y']")) {
      const row = event.target.closest(".inline-related");
      const picker = row && row.querySelector(".focal-picker");
      if (picker) {
        mark(picker);
      }
    }
  });

  for (const picker of document.querySelectorAll(".focal-picker")) {
    mark(picker);
  }
})();
