// The print import's text box is measured before the form is sent. A page over the limit
// would only be refused by the server; one over what the server reads of a form at all
// (DATA_UPLOAD_MAX_MEMORY_SIZE) never reaches the form, and the editor would be left on an
// error page instead of their text. So the sending stops here, with the text still in the box.
"use strict";

(function () {
  const form = document.getElementById("import-form");
  const box = form && form.querySelector("textarea[name=text]");
  if (!box) {
    return;
  }
  const limit = Number(form.dataset.maxBytes);
  const encoder = new TextEncoder();

  // As the server writes sizes (articles/printpage.py, _sizes).
  function sizes(size) {
    if (Math.round(size / 100000) / 10 <= limit / 1000000) {
      return [size.toLocaleString("en-US") + " 字节", limit.toLocaleString("en-US") + " 字节"];
    }
    const most = (limit / 1000000).toFixed(1).replace(/\.0$/, "") + " MB";
    return [(size / 1000000).toFixed(1) + " MB", most];
  }

  function showError(message) {
    let alert = document.getElementById("import-text-too-long");
    if (!alert) {
      alert = document.createElement("ul");
      alert.id = "import-text-too-long";
      alert.className = "errorlist";
      alert.setAttribute("role", "alert");
      box.closest(".form-row").prepend(alert);
    }
    alert.replaceChildren(document.createElement("li"));
    alert.firstChild.textContent = message;
  }

  form.addEventListener("submit", function (event) {
    const size = encoder.encode(box.value).length;
    const alert = document.getElementById("import-text-too-long");
    if (size <= limit) {
      if (alert) {
        alert.remove();
      }
      return;
    }
    event.preventDefault();
    const [shown, most] = sizes(size);
    showError(
      `粘贴的文字太长：${shown}，上限是 ${most}。请只粘贴一个版面的文字；` +
        "文字在文件里的，请清空这个框，在下面上传那个 .txt 文件。"
    );
    box.focus();
  });
})();
