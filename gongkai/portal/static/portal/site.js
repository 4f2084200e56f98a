// 长者模式: larger type and stronger contrast, remembered in this browser.
(function () {
  var root = document.documentElement;
  var key = "gongkai-elder";
  try { if (localStorage.getItem(key) === "1") root.classList.add("elder"); } catch (e) {}
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("elder-toggle");
    if (!button) return;
    button.hidden = false;
    button.setAttribute("aria-pressed", root.classList.contains("elder") ? "true" : "false");
    button.addEventListener("click", function () {
      var on = root.classList.toggle("elder");
      button.setAttribute("aria-pressed", on ? "true" : "false");
      try { localStorage.setItem(key, on ? "1" : "0"); } catch (e) {}
    });
  });
})();
