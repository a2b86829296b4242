/*
 * The choices game on the phone: a tap answers a choice and shows the next one at once, with no
 * page load between them; the answers go to the server in the background (journey.js), each with
 * how long its own choice was on screen. The page carries the choices after the one it shows as
 * inert <template> elements, rendered by the server in the page's language. Without this script,
 * or in a browser that lacks what it needs, every choice is a plain form and a page of its own.
 *
 * A reload resumes where the applicant was: the server shows the first choice it has no answer
 * to, and the choices whose answers are still queued on this phone count as answered, so the page
 * shows the first one answered nowhere. When every choice is answered and the server has them
 * all, the link shows what comes next.
 */
(function () {
  "use strict";
  var Credence = window.Credence;
  var form = document.querySelector("form.choices");
  var count = document.getElementById("choice-count");
  if (
    !Credence ||
    !form ||
    !count ||
    !window.performance ||
    !performance.now ||
    !Element.prototype.closest ||
    !("content" in document.createElement("template"))
  ) {
    return;
  }

  /* The next choice appears where the tapped one was, under the same finger: a tap this soon after
     a choice appeared is the second half of a double tap, not an answer to the new choice. */
  var SETTLE_MS = 300;

  /* From the choice the server shows on: its number, the count that announces it, and (for the
     ones after it) the template of its form. */
  var choices = [{ index: indexOf(form), count: count.textContent, template: null }];
  Array.prototype.forEach.call(document.querySelectorAll("template.next-choice"), function (t) {
    choices.push({
      index: t.getAttribute("data-index"),
      count: t.getAttribute("data-count"),
      template: t,
    });
  });
  var game = form.parentNode;
  var at = 0;
  var shownAt = performance.now();
  var done = false;

  function indexOf(choiceForm) {
    return choiceForm.querySelector("input[name=index]").value;
  }

  /* Replaces the form on screen by choice i's; with focus, moves the keyboard and the screen
     reader to its question (the tapped button is gone). The count is a live region: it says
     which choice this is. */
  function show(i, focus) {
    var next = document.importNode(choices[i].template.content, true).querySelector("form");
    game.replaceChild(next, form);
    form = next;
    count.textContent = choices[i].count;
    at = i;
    shownAt = performance.now();
    if (focus) {
      form.querySelector("legend").focus();
    }
  }

  /* Every choice is answered: the link shows the next step once the server has every answer
     (journey.js says meanwhile that they are being sent, or kept until the connection is back). */
  function finish() {
    done = true;
    game.removeChild(form);
    Credence.whenSent(function () {
      location.replace(Credence.link);
    });
  }

  function tapped(event) {
    var button = event.target.closest("button[name=choice]");
    if (done || !button || !form.contains(button)) {
      return;
    }
    event.preventDefault();
    var now = performance.now();
    if (now - shownAt < SETTLE_MS) {
      return;
    }
    Credence.send("choices", {
      index: choices[at].index,
      choice: button.value,
      ms: String(Math.round(now - shownAt)),
    });
    if (at + 1 < choices.length) {
      show(at + 1, true);
    } else {
      finish();
    }
  }

  var queued = {};
  Credence.pending().forEach(function (post) {
    if (post.path === "choices" && post.fields) {
      queued[String(post.fields.index)] = true;
    }
  });
  var first = 0;
  while (first < choices.length && queued[choices[first].index]) {
    first++;
  }
  if (first === choices.length) {
    finish();
  } else if (first > 0) {
    show(first, false);
  }
  game.addEventListener("click", tapped);
})();
