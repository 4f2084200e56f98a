// The public site's own script (no CDN, no inline script: the CSP allows 'self' only).
(function () {
  var root = document.documentElement;

  // 长者模式: larger type and stronger contrast, remembered in this browser.
  var key = "gongkai-elder";
  try { if (localStorage.getItem(key) === "1") root.classList.add("elder"); } catch (e) {}
  function showElderToggle() {
    var button = document.getElementById("elder-toggle");
    if (!button) return;
    button.hidden = false;
    var on = document.documentElement.classList.contains("elder");
    button.setAttribute("aria-pressed", on ? "true" : "false");
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#elder-toggle");
    if (!button) return;
    var on = document.documentElement.classList.toggle("elder");
    button.setAttribute("aria-pressed", on ? "true" : "false");
    try { localStorage.setItem(key, on ? "1" : "0"); } catch (e) {}
  });

  // File fields with data-max-bytes: a file over the limit is refused here, before anything is
  // uploaded, with the server's own message (data-too-large) beside the field.
  function checkFile(input) {
    var noteId = input.id + "-size";
    var old = document.getElementById(noteId);
    if (old) old.parentNode.removeChild(old);
    var field = input.closest(".field");
    var max = parseInt(input.getAttribute("data-max-bytes"), 10);
    var file = input.files && input.files[0];
    if (!file || !(file.size > max)) {
      input.removeAttribute("aria-invalid");
      if (field && !field.querySelector(".field-error")) field.classList.remove("has-error");
      return true;
    }
    var note = document.createElement("p");
    note.className = "field-error";
    note.id = noteId;
    note.setAttribute("role", "alert");
    note.textContent = input.getAttribute("data-too-large");
    input.parentNode.insertBefore(note, input.nextSibling);
    input.value = "";
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", noteId);
    if (field) field.classList.add("has-error");
    return false;
  }
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches && input.matches("input[type=file][data-max-bytes]")) checkFile(input);
  });

  // Forms with data-upload-progress send large files with a progress bar; the answer (the
  // form again, or the page it redirects to) replaces the page as a normal post would.
  var LARGE = 1024 * 1024;
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-upload-progress]")) return;
    var inputs = form.querySelectorAll("input[type=file][data-max-bytes]");
    var total = 0;
    for (var i = 0; i < inputs.length; i++) {
      if (!checkFile(inputs[i])) { event.preventDefault(); inputs[i].focus(); return; }
      if (inputs[i].files && inputs[i].files[0]) total += inputs[i].files[0].size;
    }
    if (total < LARGE || !window.FormData || !window.XMLHttpRequest || !window.DOMParser) return;
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) data.append(event.submitter.name, event.submitter.value);
    var box = document.getElementById("upload-progress");
    var bar = document.getElementById("upload-progress-bar");
    var text = document.getElementById("upload-progress-text");
    var buttons = form.querySelectorAll("button");
    for (var b = 0; b < buttons.length; b++) buttons[b].disabled = true;
    if (box) box.hidden = false;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable || !bar) return;
      bar.value = Math.round((e.loaded * 100) / e.total);
      if (text) text.textContent = bar.value + "%";
    });
    xhr.addEventListener("load", function () {
      if (xhr.responseURL && xhr.responseURL !== form.action) {
        window.location.assign(xhr.responseURL);  // accepted: the page it redirected to
        return;
      }
      var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
      document.replaceChild(document.adoptNode(page.documentElement), document.documentElement);
      try {
        if (localStorage.getItem(key) === "1") document.documentElement.classList.add("elder");
      } catch (e) {}
      showElderToggle();
      var main = document.getElementById("main");
      if (main) main.focus();
    });
    xhr.addEventListener("error", function () {
      if (box) box.hidden = true;
      HTMLFormElement.prototype.submit.call(form);  // an ordinary post, without the bar
    });
    xhr.send(data);
  });

  document.addEventListener("DOMContentLoaded", showElderToggle);
})();
