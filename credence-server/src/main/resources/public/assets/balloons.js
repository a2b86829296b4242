/*
 * The balloon game played on the device: a pump, a collect and a burst show at once, with no page
 * load between taps; each finished balloon is one post, sent in the background by journey.js.
 * Without this script (or without what it needs) the page's form plays the game, a post a tap.
 *
 * The burst point never reaches the page. The form carries, for the balloon on screen and every
 * later one, a salt and SHA-256(salt + ":" + burst point) (data-commitments, "salt:hash" a
 * balloon); at pump k the script hashes salt + ":" + k and the balloon bursts when it matches.
 * The server checks every result against its own burst point (see
 * docs/decisions/0022-balloon-game-on-the-device.md).
 *
 * The result post: balloon, pumps (what the server had counted), action (collect or burst), to
 * (the pumps at the end) and ms (the time on the balloon). The balloon in progress is kept across
 * a reload; balloons still waiting to be sent count as played.
 */
(function () {
  "use strict";
  var C = window.Credence;
  var form = document.querySelector("form[data-commitments]");
  var subtle = window.crypto && window.crypto.subtle;
  if (!C || !form || !subtle || !window.TextEncoder || !window.performance) {
    return;
  }
  var pumpButton = form.querySelector("button[value=pump]");
  var collectButton = form.querySelector("button[value=collect]");
  var balloonField = form.querySelector("input[name=balloon]");
  var countedField = form.querySelector("input[name=pumps]");
  var body = document.querySelector(".balloon-body");
  var outcome = document.getElementById("balloon-outcome");
  var count = document.getElementById("balloon-count");
  var points = document.getElementById("balloon-points");
  if (!pumpButton || !collectButton || !balloonField || !countedField || !body || !outcome) {
    return;
  }
  var lines = points ? points.querySelectorAll("span") : [];
  if (!count || lines.length < 2) {
    return;
  }
  var current = lines[0];
  var total = lines[1];
  var balloons = Number(form.getAttribute("data-balloons"));
  var maxPumps = Number(form.getAttribute("data-max-pumps"));
  // As the server sent them: a browser may restore a field's value of an earlier visit on reload.
  var first = Number(balloonField.getAttribute("value"));
  var commitments = form
    .getAttribute("data-commitments")
    .split(" ")
    .map(function (pair) {
      var parts = pair.split(":");
      return { salt: parts[0], hash: parts[1] };
    });
  var numbers = window.Intl ? new Intl.NumberFormat(document.documentElement.lang) : null;

  /* The game as the device has it. */
  var game = {
    index: first,
    counted: Number(countedField.getAttribute("value")),
    pumps: Number(countedField.getAttribute("value")),
    points: Number(form.getAttribute("data-total")),
    shownAt: performance.now(),
    before: 0,
    done: false,
  };
  var chain = Promise.resolve();

  /* For this long after a balloon is finished, a tap is taken as the end of a double tap meant for
     it (as a form's second post would be), not as a first tap on the next balloon. */
  var SETTLE_MS = 300;
  var settling = null;

  function text(name, a, b) {
    return form
      .getAttribute("data-text-" + name)
      .replace("{0}", format(a))
      .replace("{1}", format(b));
  }

  function format(n) {
    if (n == null) {
      return "";
    }
    // As the server writes numbers (French groups with a no-break space older fonts have).
    return numbers ? numbers.format(n).replace(/\u202F/g, "\u00A0") : String(n);
  }

  function hex(buffer) {
    return Array.prototype.map
      .call(new Uint8Array(buffer), function (b) {
        return (b < 16 ? "0" : "") + b.toString(16);
      })
      .join("");
  }

  /* Whether the balloon bursts at pump k: its commitment says so, and nothing else does. */
  function burstsAt(index, k) {
    var commitment = commitments[index - first];
    if (!commitment) {
      return Promise.resolve(k >= maxPumps);
    }
    var data = new TextEncoder().encode(commitment.salt + ":" + k);
    return subtle.digest("SHA-256", data).then(function (digest) {
      return hex(digest) === commitment.hash || k >= maxPumps;
    });
  }

  function elapsed() {
    return Math.round(game.before + performance.now() - game.shownAt);
  }

  function show(said) {
    var size = Math.min(20, Math.ceil((game.pumps * 20) / maxPumps));
    body.className = body.className.replace(/balloon-size-\d+/, "balloon-size-" + size);
    count.textContent = text("balloon", game.index, balloons);
    current.textContent = text("current", game.pumps);
    total.textContent = text("total", game.points);
    if (said !== undefined) {
      outcome.textContent = said;
    }
  }

  function keep() {
    C.keep("balloon", { balloon: game.index, pumps: game.pumps, ms: elapsed() });
  }

  /* The balloon is finished: sent in the background, and the next one is on screen at once. */
  function finish(action) {
    C.send("balloons", {
      balloon: String(game.index),
      pumps: String(game.counted),
      action: action,
      to: String(game.pumps),
      ms: String(elapsed()),
    });
    if (action === "collect") {
      game.points += game.pumps;
    }
    var said = action === "burst" ? text("burst") : text("collected", game.pumps);
    next(game.index + 1, said);
  }

  function next(index, said) {
    C.keep("balloon", null);
    settle();
    game.index = index;
    game.counted = 0;
    game.pumps = 0;
    game.before = 0;
    game.shownAt = performance.now();
    if (index > balloons) {
      game.done = true;
      outcome.textContent = said;
      // The link shows what comes after the game once the server has every balloon.
      C.whenSent(function () {
        location.replace(C.link);
      });
      return;
    }
    show(said);
  }

  function pump(index) {
    if (game.done || game.index !== index) {
      return Promise.resolve(); // a tap meant for a balloon that is gone
    }
    var k = game.pumps + 1;
    return burstsAt(index, k).then(function (bursts) {
      if (game.done || game.index !== index) {
        return;
      }
      game.pumps = k;
      if (bursts) {
        finish("burst");
      } else {
        show("");
        keep();
      }
    });
  }

  function collect(index) {
    if (!game.done && game.index === index) {
      finish("collect");
    }
  }

  /* The form says it is settling (data-settling) while taps are taken for the last balloon. */
  function settle() {
    clearTimeout(settling);
    form.setAttribute("data-settling", "");
    settling = setTimeout(function () {
      settling = null;
      form.removeAttribute("data-settling");
    }, SETTLE_MS);
  }

  /* Taps are played in the order they came, each on the balloon that was on screen for it. */
  function tapped(play) {
    return function (event) {
      event.preventDefault();
      if (settling !== null) {
        return;
      }
      var index = game.index;
      chain = chain
        .then(function () {
          return play(index);
        })
        .catch(function () {
          /* A hash that failed is a tap that did nothing; the next tap tries again. */
        });
    };
  }

  /* Balloons sent from an earlier visit that the server may not have yet, and the balloon that was
     in progress: the game goes on where the applicant left it. */
  function resume() {
    var said;
    C.pending().forEach(function (item) {
      var f = item.fields;
      var index = Number(f.balloon);
      if (item.path !== "balloons" || f.to == null || index < game.index) {
        return;
      }
      game.index = index + 1;
      if (f.action === "collect") {
        game.points += Number(f.to);
      }
      said = f.action === "burst" ? text("burst") : text("collected", Number(f.to));
    });
    if (game.index !== first) {
      game.counted = 0;
      game.pumps = 0;
    }
    var kept = C.kept("balloon");
    if (kept && kept.balloon === game.index && kept.pumps > game.pumps && kept.pumps < maxPumps) {
      game.pumps = kept.pumps;
      game.before = Number(kept.ms) || 0;
    }
    if (game.index > balloons) {
      next(game.index, said);
    } else if (game.index !== first || game.pumps !== game.counted) {
      show(game.pumps > 0 ? "" : said);
    }
  }

  pumpButton.addEventListener("click", tapped(pump));
  collectButton.addEventListener("click", tapped(collect));
  form.addEventListener("submit", function (event) {
    event.preventDefault();
  });
  resume();
})();
