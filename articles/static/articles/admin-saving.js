// While the article form is being saved, its buttons are disabled and a note says so.
//
// A save with photos takes seconds (every rendition is made before the answer comes back), and
// a second press would send the form again. The button that was pressed still counts: a
// disabled button is not sent with the form, so its name and value (_continue, _addanother,
// _transition=submit…) go into a hidden input before the buttons are disabled.
"use strict";

(function () {
  const form = document.getElementById("article_form");
  if (!form) {
    return;
  }
  const NOTE = "正在保存，照片处理需要几秒钟…";
  const rows = Array.from(form.querySelectorAll(".submit-row:not(.desk-moves)"));
  // One note in each row of save buttons (top and bottom); the first is the live region that a
  // screen reader announces.
  const notes = rows.map(function (row, index) {
    const note = document.createElement("span");
    note.className = "saving-note";
    if (index === 0) {
      note.setAttribute("role", "status");
    }
    row.append(note);
    return note;
  });
  let disabled = [];

  function buttons() {
    // form.elements: the form's own buttons and those outside it that name it (form="…").
    return Array.from(form.elements).filter(function (element) {
      return element.matches("button, input[type=submit], input[type=button], input[type=image]");
    });
  }

  // On the document, so that it runs after any handler of the form itself, which may have
  // stopped the sending (the photo checks, a confirm): then nothing is disabled.
  document.addEventListener("submit", function (event) {
    if (event.target !== form || event.defaultPrevented) {
      return;
    }
    if (form.dataset.saving) {
      event.preventDefault(); // Enter in a field while the first save is on its way
      return;
    }
    form.dataset.saving = "1";
    const pressed = event.submitter;
    if (pressed && pressed.name) {
      const carried = document.createElement("input");
      carried.type = "hidden";
      carried.name = pressed.name;
      carried.value = pressed.value;
      carried.className = "saving-pressed";
      form.append(carried);
    }
    disabled = buttons().filter(function (button) {
      return !button.disabled;
    });
    for (const button of disabled) {
      button.disabled = true;
    }
    for (const note of notes) {
      note.textContent = NOTE;
    }
  });

  // Back to this page from the next one (the browser's page cache): usable again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted || !form.dataset.saving) {
      return;
    }
    delete form.dataset.saving;
    for (const carried of form.querySelectorAll("input.saving-pressed")) {
      carried.remove();
    }
    for (const button of disabled) {
      button.disabled = false;
    }
    disabled = [];
    for (const note of notes) {
      note.textContent = "";
    }
  });
})();
