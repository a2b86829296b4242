/*
 * The memory game on the device, without a page load between rounds. Ready, Begin and each
 * answer are the game's own form posts, sent in the background by journey.js; the server's reply
 * (MemorySpanModule.scriptReply) brings what the next screen needs: the outcome of the answer
 * just given, then either Begin (the practice round is over) or the next round, drawn by the
 * server at that moment (its number, its digits, how long they show), or nothing more once the
 * game is over, when the link shows the next step. The digits of a round reach the page only in
 * the reply that shows them, and this script takes them away after the time the server said.
 *
 * The screens are the <template id="memory-screens"> the server renders in the page's language
 * (on the instructions too, so that Ready needs no page load); a screen's names, ids and classes
 * wait in data-*-is attributes until it is shown. Without this script, or in a browser that lacks
 * what it needs, the same forms work alone: the server's page replaces the digits by itself (a
 * Refresh header). A reload shows the server's page, and this script goes on from it.
 */
(function () {
  "use strict";
  var Credence = window.Credence;
  var screens = document.getElementById("memory-screens");
  if (!Credence || !screens || !screens.content || !window.performance || !document.querySelector) {
    return;
  }
  var PATH = "memory";
  var heading = document.querySelector("main h1");
  var stage = document.getElementById("memory-stage");
  var timer = null;
  /* When the answer field on screen appeared: the time to the answer is measured from it. */
  var answerShown = performance.now();

  /* Answers left from an earlier visit are sent first; then the link shows where the game is. */
  var left = Credence.pending().some(function (post) {
    return post.path === PATH;
  });
  if (left) {
    Credence.whenSent(function () {
      location.replace(Credence.link);
    });
    return;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var action = form.getAttribute("action") || "";
    if (action.slice(-PATH.length - 1) !== "/" + PATH || !heading) {
      return;
    }
    event.preventDefault();
    if (form.getAttribute("data-sent")) {
      return; /* a double tap sends once */
    }
    form.setAttribute("data-sent", "1");
    var fields;
    if (form.querySelector("[name=ready]")) {
      fields = { ready: "1" };
    } else if (form.querySelector("[name=begin]")) {
      fields = { begin: "1" };
    } else {
      fields = {
        round: form.querySelector("[name=round]").value,
        answer: form.querySelector("[name=answer]").value,
        ms: String(Math.max(0, Math.round(performance.now() - answerShown))),
      };
    }
    Array.prototype.forEach.call(form.querySelectorAll("button"), function (button) {
      button.disabled = true;
    });
    Array.prototype.forEach.call(form.querySelectorAll("input"), function (input) {
      input.readOnly = true;
    });
    send(fields);
  });

  /* Sent in the background; a slow reply is said on the status line until it comes. */
  function send(fields) {
    var slow = setTimeout(function () {
      Credence.whenSent(function () {});
    }, 1000);
    Credence.send(PATH, fields, function (reply) {
      clearTimeout(slow);
      show(reply);
    });
  }

  function show(reply) {
    if (!reply || (!reply.begin && !reply.digits)) {
      /* Applied already (a post sent again), or the game is over: the link says what is next. */
      Credence.whenSent(function () {
        location.replace(Credence.link);
      });
      return;
    }
    var outcome =
      typeof reply.correct === "boolean"
        ? screens.getAttribute(reply.correct ? "data-correct" : "data-wrong")
        : null;
    var screen;
    if (reply.begin) {
      screen = open("begin");
      var said = screen.querySelector(".outcome");
      said.textContent = outcome || "";
      said.focus();
      return;
    }
    screen = open("digits");
    label(screen, reply);
    if (outcome) {
      var last = screen.querySelector(".outcome");
      last.textContent = outcome;
      last.hidden = false;
    }
    var digits = screen.querySelector(".digits");
    digits.textContent = reply.digits;
    digits.focus();
    timer = setTimeout(function () {
      ask(reply);
    }, reply.showMs);
  }

  /* The digits go; the answer field comes. */
  function ask(round) {
    var screen = open("answer");
    label(screen, round);
    screen.querySelector("[name=round]").value = String(round.round);
    screen.querySelector("#answer").focus();
    answerShown = performance.now();
  }

  function label(screen, round) {
    screen.querySelector("[data-round]").textContent = round.practice
      ? screens.getAttribute("data-practice")
      : screens.getAttribute("data-round").replace("{n}", String(round.round));
  }

  /* Shows one screen of the template in the stage under the title, instead of what was there. */
  function open(name) {
    clearTimeout(timer);
    var screen = screens.content.querySelector('[data-screen="' + name + '"]').cloneNode(true);
    ["name", "id", "class"].forEach(function (attribute) {
      Array.prototype.forEach.call(
        screen.querySelectorAll("[data-" + attribute + "-is]"),
        function (element) {
          element.setAttribute(attribute, element.getAttribute("data-" + attribute + "-is"));
          element.removeAttribute("data-" + attribute + "-is");
        }
      );
    });
    if (!stage) {
      /* The instructions: everything under the title up to the templates gives way. */
      var node = heading.nextElementSibling;
      while (node && node !== screens && node.id !== "sync") {
        var next = node.nextElementSibling;
        node.parentNode.removeChild(node);
        node = next;
      }
      stage = document.createElement("div");
      stage.id = "memory-stage";
      heading.parentNode.insertBefore(stage, heading.nextSibling);
    }
    while (stage.firstChild) {
      stage.removeChild(stage.firstChild);
    }
    stage.appendChild(screen);
    return screen;
  }
})();
