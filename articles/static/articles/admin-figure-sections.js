// A figure can be placed in a section that is not saved yet. Each figure's 所在小节 menu lists
// the saved sections (from the server) and, after them, the section rows being added on this
// page as "第 N 节" (value "new-<row index>"), which the server turns into the saved section
// (articles/admin/inlines.py, FigureFormSet). This keeps those entries in step with the rows:
// added, removed (Django renumbers the rows after a removed one), moved, given a heading.
"use strict";

(function () {
  const sections = document.getElementById("sections-group");
  const figures = document.getElementById("figures-group");
  if (!sections || !figures) {
    return;
  }
  const NEW = "new-";
  // The row each figure's menu points at, kept across renumbering.
  const chosenRow = new WeakMap();

  function rows() {
    return Array.from(sections.querySelectorAll(".inline-related")).filter(function (row) {
      return !row.classList.contains("empty-form");
    });
  }

  function rowIndex(row) {
    return row.id.slice(row.id.lastIndexOf("-") + 1);
  }

  function isNew(row) {
    const id = row.querySelector("input[name$='-id']");
    return !id || !id.value;
  }

  function menus() {
    return Array.from(figures.querySelectorAll("select[name$='-section']"));
  }

  function rowFor(value) {
    return rows().find(function (row) {
      return isNew(row) && NEW + rowIndex(row) === value;
    });
  }

  function remember(menu) {
    if (menu.value.startsWith(NEW)) {
      chosenRow.set(menu, rowFor(menu.value));
    } else {
      chosenRow.delete(menu);
    }
  }

  function refresh() {
    const all = rows();
    const added = [];
    all.forEach(function (row, place) {
      if (isNew(row)) {
        const heading = row.querySelector("input[name$='-heading']");
        const text = heading ? heading.value.trim().slice(0, 40) : "";
        const label = "第 " + (place + 1) + " 节" + (text ? "：" + text : "");
        added.push({ row: row, value: NEW + rowIndex(row), label: label });
      }
    });
    for (const menu of menus()) {
      const row = chosenRow.get(menu);
      for (const option of Array.from(menu.options)) {
        if (option.value.startsWith(NEW)) {
          option.remove();
        }
      }
      for (const entry of added) {
        menu.add(new Option(entry.label, entry.value));
      }
      if (row) {
        const entry = added.find(function (e) {
          return e.row === row;
        });
        menu.value = entry ? entry.value : "";
        if (!entry) {
          chosenRow.delete(menu); // its section row was removed
        }
      }
    }
  }

  for (const menu of menus()) {
    remember(menu);
  }
  figures.addEventListener("change", function (event) {
    if (event.target.matches("select[name$='-section']")) {
      remember(event.target);
    }
  });
  sections.addEventListener("input", function (event) {
    if (event.target.matches("input[name$='-heading']")) {
      refresh();
    }
  });
  // Rows added, removed, moved by dragging or by the arrows. Observed rather than told by
  // Django's formset events: a removal renumbers the rows after it, and only then is done.
  new MutationObserver(refresh).observe(sections, { childList: true, subtree: true });
  refresh();
})();
