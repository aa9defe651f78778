// Draw story regions on a page picture in the admin (epaper/admin.py, PageAdmin).
// A drag on the picture fills the first empty 稿件区域 row (adding one when none is left) with
// left, top, width and height as fractions of the page; the row's number inputs stay the
// keyboard's way to do the same, and every box follows its row as the numbers are typed.
"use strict";
(function () {
  const FIELDS = ["x", "y", "width", "height"];
  const MIN_SIZE = 0.01;

  function setUp(editor) {
    const prefix = editor.dataset.rows;
    const layer = editor.querySelector(".region-editor__layer");
    const picture = editor.querySelector("img");

    const rows = () =>
      Array.from(document.querySelectorAll(`tr[id^="${prefix}-"]`)).filter(
        (row) => /-\d+$/.test(row.id) && !row.classList.contains("empty-form")
      );
    const input = (row, name) => row.querySelector(`[name$="-${name}"]`);
    const values = (row) => FIELDS.map((name) => input(row, name) && input(row, name).value);
    const deleted = (row) => {
      const box = row.querySelector('[name$="-DELETE"]');
      return box && box.checked;
    };

    function draw() {
      layer.replaceChildren();
      rows().forEach((row, index) => {
        const [x, y, w, h] = values(row).map(Number.parseFloat);
        if ([x, y, w, h].some(Number.isNaN) || deleted(row)) return;
        const box = document.createElement("div");
        box.className = "region-editor__box";
        const status = input(row, "status");
        if (status && status.value === "proposed") box.classList.add("region-editor__box--proposed");
        box.style.left = `${x * 100}%`;
        box.style.top = `${y * 100}%`;
        box.style.width = `${w * 100}%`;
        box.style.height = `${h * 100}%`;
        box.textContent = String(index + 1);
        box.dataset.row = row.id;
        layer.append(box);
      });
    }

    function emptyRow() {
      const free = rows().find((row) => values(row).every((value) => !value) && !deleted(row));
      if (free) return free;
      const add = document.querySelector(`#${prefix}-group .add-row a`);
      if (!add) return null;
      add.click();
      const all = rows();
      return all[all.length - 1];
    }

    function fraction(event) {
      const area = picture.getBoundingClientRect();
      const clamp = (v) => Math.min(1, Math.max(0, v));
      return [
        clamp((event.clientX - area.left) / area.width),
        clamp((event.clientY - area.top) / area.height),
      ];
    }

    let start = null;
    let ghost = null;
    layer.addEventListener("pointerdown", (event) => {
      const hit = event.target.closest(".region-editor__box");
      if (hit) {
        const row = document.getElementById(hit.dataset.row);
        const field = row && (row.querySelector('[name$="-article"]') || input(row, "x"));
        if (field) {
          row.scrollIntoView({ block: "center" });
          field.focus();
        }
        return;
      }
      event.preventDefault();
      layer.setPointerCapture(event.pointerId);
      start = fraction(event);
      ghost = document.createElement("div");
      ghost.className = "region-editor__box region-editor__box--drawing";
      layer.append(ghost);
    });
    layer.addEventListener("pointermove", (event) => {
      if (!start) return;
      const [x, y] = fraction(event);
      ghost.style.left = `${Math.min(x, start[0]) * 100}%`;
      ghost.style.top = `${Math.min(y, start[1]) * 100}%`;
      ghost.style.width = `${Math.abs(x - start[0]) * 100}%`;
      ghost.style.height = `${Math.abs(y - start[1]) * 100}%`;
    });
    layer.addEventListener("pointerup", (event) => {
      if (!start) return;
      const [x, y] = fraction(event);
      const box = [
        Math.min(x, start[0]),
        Math.min(y, start[1]),
        Math.abs(x - start[0]),
        Math.abs(y - start[1]),
      ];
      start = null;
      ghost.remove();
      if (box[2] < MIN_SIZE || box[3] < MIN_SIZE) return;
      const row = emptyRow();
      if (!row) return;
      FIELDS.forEach((name, index) => {
        const field = input(row, name);
        field.value = box[index].toFixed(4);
        field.dispatchEvent(new Event("change", { bubbles: true }));
      });
      const status = input(row, "status");
      if (status) status.value = "confirmed";
      draw();
      const article = row.querySelector('[name$="-article"]');
      if (article) article.focus();
    });
    document.addEventListener("input", draw);
    document.addEventListener("change", draw);
    document.addEventListener("formset:added", draw);
    draw();
  }

  document.querySelectorAll(".region-editor").forEach(setUp);
})();
