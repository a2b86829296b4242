/*
 * What every game's script shares: answers sent to the server in the background, one at a time
 * and in order, kept on the phone until the server has them, so that neither a slow network nor a
 * lost connection makes the applicant wait or loses a turn. Progressive enhancement: without this
 * script (or in a browser that lacks what it needs) every game is a plain form that works alone.
 *
 * window.Credence, defined only where the games can use it:
 *   send(path, fields, onReply)  queues a form post to /{token}/{path}; onReply(reply) gets the
 *                                server's JSON answer (null if the step had already been applied)
 *   pending()                    the posts not yet acknowledged, oldest first: {path, fields}
 *   whenSent(fn)                 calls fn once every queued post is acknowledged
 *   keep(name, value)/kept(name) a small value kept for this link across reloads (null removes)
 *   link                         "/{token}", where the page goes to show the next step
 */
(function () {
  "use strict";
  if (!window.fetch || !window.Promise || !window.URLSearchParams || !window.JSON) {
    return;
  }
  var link = location.pathname.replace(/\/+$/, "");
  var prefix = "credence:" + link + ":";
  var store = storage();
  var queue = read("queue") || [];
  var replies = {};
  var waiting = [];
  var sending = false;
  var delay = 0;
  var timer = null;
  var sync = document.getElementById("sync");

  /* localStorage, or none where it is off or full (private modes): then answers live in memory. */
  function storage() {
    try {
      var s = window.localStorage;
      s.setItem("credence:probe", "1");
      s.removeItem("credence:probe");
      return s;
    } catch (e) {
      return null;
    }
  }

  function read(name) {
    try {
      var value = store && store.getItem(prefix + name);
      return value == null ? null : JSON.parse(value);
    } catch (e) {
      return null;
    }
  }

  function write(name, value) {
    if (!store) {
      return;
    }
    try {
      if (value == null) {
        store.removeItem(prefix + name);
      } else {
        store.setItem(prefix + name, JSON.stringify(value));
      }
    } catch (e) {
      /* Full: the answer still goes out from memory. */
    }
  }

  function status(kind) {
    if (!sync) {
      return;
    }
    sync.textContent = kind ? sync.getAttribute("data-" + kind) : "";
    sync.hidden = !kind;
  }

  function send(path, fields, onReply) {
    var id = Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
    queue.push({ id: id, path: path, fields: fields });
    if (onReply) {
      replies[id] = onReply;
    }
    write("queue", queue);
    flush();
  }

  /* The oldest post is acknowledged: the next one goes. */
  function acknowledged(item, reply) {
    queue.shift();
    write("queue", queue);
    delay = 0;
    sending = false;
    var onReply = replies[item.id];
    delete replies[item.id];
    if (onReply) {
      onReply(reply);
    }
    flush();
  }

  /* The link is no longer open, or the server refused what the page sent: the link shows the step
     as the server has it, and why. */
  function reload() {
    queue = [];
    write("queue", null);
    location.replace(link);
  }

  function retry() {
    sending = false;
    status("offline");
    delay = Math.min(15000, delay ? delay * 2 : 1000);
    clearTimeout(timer);
    timer = setTimeout(flush, delay);
  }

  function flush() {
    if (sending) {
      return;
    }
    if (!queue.length) {
      status(null);
      var callbacks = waiting;
      waiting = [];
      callbacks.forEach(function (fn) {
        fn();
      });
      return;
    }
    sending = true;
    var item = queue[0];
    fetch(link + "/" + item.path, {
      method: "POST",
      headers: {
        Accept: "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams(item.fields).toString(),
      credentials: "same-origin",
      redirect: "manual",
      cache: "no-store",
    })
      .then(function (response) {
        if (response.type === "opaqueredirect") {
          reload();
        } else if (response.ok) {
          return response.json().then(function (reply) {
            acknowledged(item, reply);
          });
        } else if (response.status === 409) {
          /* Applied already (an answer whose acknowledgement was lost) or no longer the step. */
          acknowledged(item, null);
        } else if (response.status >= 500 || response.status === 429) {
          retry();
        } else {
          reload();
        }
      })
      .catch(retry);
  }

  window.addEventListener("online", function () {
    clearTimeout(timer);
    flush();
  });

  window.Credence = {
    link: link,
    send: send,
    pending: function () {
      return queue.map(function (item) {
        return { path: item.path, fields: item.fields };
      });
    },
    whenSent: function (fn) {
      waiting.push(fn);
      if (queue.length) {
        status(sending && delay ? "offline" : "sending");
      }
      flush();
    },
    keep: function (name, value) {
      write("kept:" + name, value);
    },
    kept: function (name) {
      return read("kept:" + name);
    },
  };

  /* Posts left from an earlier visit (a reload, a lost connection) go first. */
  flush();
})();
