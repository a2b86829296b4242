// The dashboard's only script: copy buttons, confirmations, and the results' filters folded on a
// phone. Every page works without it.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  var field = document.getElementById(button.getAttribute("data-copy"));
  if (!field) return;
  var text = field.value !== undefined ? field.value : field.textContent;
  var done = function () { button.textContent = "Copied"; };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done);
  } else {
    field.select && field.select();
    document.execCommand("copy");
    done();
  }
});
// A number set or lowered whose change erases data (data-confirm-lower) needs its box ticked and
// a confirmation; data-was holds the stored value.
function lowered(field) {
  var to = field.value.trim();
  var was = field.getAttribute("data-was");
  return /^\d+$/.test(to) && (was === "" || Number(to) < Number(was));
}
document.addEventListener("submit", function (event) {
  var form = event.target;
  var fields = form.querySelectorAll("[data-confirm-lower]");
  for (var i = 0; i < fields.length; i++) {
    if (!lowered(fields[i])) continue;
    var box = document.getElementById(fields[i].getAttribute("data-confirm-box"));
    if (box && !box.checked) {
      event.preventDefault();
      box.required = true;
      form.reportValidity();
      return;
    }
    var question = fields[i].getAttribute("data-confirm-lower").replace("{value}", fields[i].value.trim());
    if (!window.confirm(question)) {
      event.preventDefault();
      return;
    }
  }
  // {name} in the question: the chosen option of the form's select of that name.
  var message = (form.getAttribute("data-confirm") || "").replace(/\{([a-z_]+)\}/g, function (whole, name) {
    var field = form.elements[name];
    return field && field.options && field.selectedIndex >= 0 ? field.options[field.selectedIndex].text : whole;
  });
  if (message && !window.confirm(message)) event.preventDefault();
});
// A disclosure sent open with data-fold-narrow (the results' filters) is folded on a narrow screen,
// where the list should come first; the width matches the one in console.css.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.matchMedia("(max-width: 48rem)").matches) return;
  var folds = document.querySelectorAll("details[data-fold-narrow]");
  for (var i = 0; i < folds.length; i++) folds[i].open = false;
});
