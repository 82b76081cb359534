// Confirmation before irreversible actions, and no double submits.
// Forms ask for confirmation with data-confirm="…"; the server still guards against repeats.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
    return;
  }
  if (form.method.toLowerCase() === "post") {
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
  }
});

// Coming back through the browser's history shows the page as it was left: enable the buttons again.
window.addEventListener("pageshow", function () {
  document.querySelectorAll("button[type=submit][disabled]").forEach(function (button) {
    button.disabled = false;
  });
});
