/*
 * Tells the page or the app that shows the assessment that it ended (docs/embedding.md):
 *   {"type": "credence:finished", "status": "completed" | "cancelled" | "expired"}
 * The status only: never a score, a uid or anything the applicant entered.
 *
 * In a frame: posted to the parent window, with the parent's origin as the target when it is one
 * of the environment's frame origins (data-origins), never "*". Not in a frame: handed to the
 * native bridge that an app's WebView added, if any: iOS WKWebView's message handler "credence",
 * Android's JavaScript interface "CredenceAndroid" (a JSON string). Without JavaScript nothing is
 * sent; the end page, the webhook and the results API say the same.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.JSON) {
    return;
  }
  var message = { type: "credence:finished", status: script.getAttribute("data-status") };
  if (window.parent !== window) {
    var origins = (script.getAttribute("data-origins") || "").split(" ");
    var parent = location.ancestorOrigins && location.ancestorOrigins[0];
    for (var i = 0; i < origins.length; i++) {
      // Where the browser names the parent's origin, only that one is tried, so no post fails.
      if (origins[i] && (!parent || parent === origins[i])) {
        window.parent.postMessage(message, origins[i]);
      }
    }
    return;
  }
  var handlers = window.webkit && window.webkit.messageHandlers;
  if (handlers && handlers.credence) {
    handlers.credence.postMessage(message);
  }
  if (window.CredenceAndroid && typeof window.CredenceAndroid.postMessage === "function") {
    window.CredenceAndroid.postMessage(JSON.stringify(message));
  }
})();
