// The service worker for reminder notifications: show what the server sent (a greeting and a
// link, never anything clinical) and open the link when the notification is tapped.
self.addEventListener("push", function (event) {
  var data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (e) {
    data = {};
  }
  event.waitUntil(
    self.registration.showNotification(data.title || "Stepwise", {
      body: data.body || "",
      lang: data.lang || "",
      data: { url: data.url || "/me/" },
    })
  );
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = new URL(event.notification.data.url, self.location.origin);
  if (url.origin !== self.location.origin) {
    url = new URL("/me/", self.location.origin);
  }
  event.waitUntil(self.clients.openWindow(url.href));
});
