// Notifications on this device: subscribe to web push and tell the server. The page works
// without this file (the section then says nothing can be done here).
(function () {
  "use strict";

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) {
      bytes[i] = raw.charCodeAt(i);
    }
    return bytes;
  }

  // The registration once its worker is active (push needs one). Not navigator.serviceWorker.ready:
  // that waits for a worker whose scope covers this page, and push-sw.js lives under /static/,
  // so it would wait for ever.
  function activated(registration) {
    if (registration.active) {
      return registration;
    }
    var worker = registration.installing || registration.waiting;
    if (!worker) {
      throw new Error("The notification helper did not start.");
    }
    return new Promise(function (resolve, reject) {
      worker.addEventListener("statechange", function () {
        if (worker.state === "activated") {
          resolve(registration);
        } else if (worker.state === "redundant") {
          reject(new Error("The notification helper did not start."));
        }
      });
    });
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("The server said no (" + response.status + ").");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("push-controls");
    if (!box) {
      return;
    }
    var status = box.querySelector("[data-push-status]");
    var on = box.querySelector("[data-push-subscribe]");
    var off = box.querySelector("[data-push-unsubscribe]");
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
      box.querySelector("[data-push-unsupported]").hidden = false;
      return;
    }
    var ready = navigator.serviceWorker.register(box.dataset.workerUrl).then(activated);

    // Both buttons start hidden; show the one that applies.
    function show(subscription) {
      box.querySelector("[data-push-on]").hidden = !!subscription;
      box.querySelector("[data-push-off]").hidden = !subscription;
    }

    ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(show).catch(function () {
      box.querySelector("[data-push-unsupported]").hidden = false;
    });

    on.addEventListener("click", function () {
      status.textContent = "Turning notifications on…";
      ready.then(function (registration) {
        return registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(box.dataset.vapidKey),
        });
      }).then(function (subscription) {
        return post(box.dataset.subscribeUrl, subscription.toJSON()).then(function () {
          show(subscription);
          status.textContent = "Notifications are on for this device.";
        });
      }).catch(function (error) {
        status.textContent = "Notifications could not be turned on: " + error.message;
      });
    });

    off.addEventListener("click", function () {
      ready.then(function (registration) {
        return registration.pushManager.getSubscription();
      }).then(function (subscription) {
        if (!subscription) {
          return null;
        }
        var endpoint = subscription.endpoint;
        return subscription.unsubscribe().then(function () {
          return post(box.dataset.unsubscribeUrl, { endpoint: endpoint });
        });
      }).then(function () {
        show(null);
        status.textContent = "Notifications are off for this device.";
      }).catch(function (error) {
        status.textContent = "Something went wrong: " + error.message;
      });
    });
  });
})();
