/* The article page's two conveniences, as a progressive enhancement: without this script the
   大/中/小 buttons still change the size (site.css), for this page only, and 复制链接 is a plain
   link to the article. Read in <head>, so a size remembered on this device is there before the
   page is drawn. */
(function () {
  "use strict";
  var KEY = "qiantang:text-size";
  var SIZES = ["small", "medium", "large"];
  var root = document.documentElement;
  var stored = null;
  try {
    stored = window.localStorage.getItem(KEY);
  } catch (e) { /* storage refused (private mode): sizes work for this page only */ }
  if (SIZES.indexOf(stored) < 0) stored = null;
  if (stored) root.setAttribute("data-text-size", stored);

  function remember(size) {
    root.setAttribute("data-text-size", size);
    try {
      window.localStorage.setItem(KEY, size);
    } catch (e) { /* as above */ }
  }

  function copyLink(event) {
    var link = event.currentTarget;
    var status = link.parentNode.querySelector(".share__copied");
    if (!navigator.clipboard || !window.isSecureContext) return; // the plain link it is
    event.preventDefault();
    navigator.clipboard.writeText(link.href).then(
      function () { if (status) status.textContent = "已复制"; },
      function () { if (status) status.textContent = "没能复制，请长按或右键链接复制"; }
    );
  }

  document.addEventListener("DOMContentLoaded", function () {
    var inputs = document.querySelectorAll('input[name="text-size"]');
    for (var i = 0; i < inputs.length; i++) {
      if (stored) inputs[i].checked = inputs[i].value === stored;
      inputs[i].addEventListener("change", function (event) { remember(event.target.value); });
    }
    var links = document.querySelectorAll("[data-copy-link]");
    for (var j = 0; j < links.length; j++) links[j].addEventListener("click", copyLink);
  });
})();
