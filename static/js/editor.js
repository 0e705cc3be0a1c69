// Autosave for the article editor: a progressive enhancement. Without JavaScript the editor
// works the same; with it, the form is sent to the server's autosave address a few seconds
// after each change, so a closed tab or a lost connection costs nothing. The server keeps the
// copy apart from the article and offers it back on the next visit.
(function () {
  "use strict";
  var form = document.querySelector("form.editor[data-autosave]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var url = form.getAttribute("data-autosave");
  var timer = null;
  var dirty = false;
  var status = document.createElement("p");
  status.className = "muted autosave-status";
  status.setAttribute("role", "status");
  form.insertBefore(status, form.firstChild);

  function send() {
    if (!dirty) { return; }
    dirty = false;
    var body = new URLSearchParams(new FormData(form));
    body.set("action", "save");
    // A redirect here means the session ended (the server sends logged-out requests to the
    // login page): followed, it would look like success.
    fetch(url, { method: "POST", body: body, credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
          dirty = true;
          status.textContent = "Your session has ended, so this draft was not kept. " +
            "Log in again in another tab, then save: your text is still here.";
        } else if (response.ok) {
          status.textContent = "Draft kept at " + new Date().toLocaleTimeString() + ".";
        } else {
          status.textContent = "Could not keep a draft copy (" + response.status + "); save to be safe.";
        }
      })
      .catch(function () { status.textContent = "Offline: save when the connection is back."; });
  }

  form.addEventListener("input", function () {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(send, 5000);
  });
  form.addEventListener("submit", function () { clearTimeout(timer); dirty = false; });
})();

// The pinned-article pickers: as a headline is typed, the choices offered are the published
// articles whose headline holds the words (from the server), not only the newest ones.
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input[data-lookup]");
  if (!inputs.length || !window.fetch) { return; }
  var timer = null;
  function offer(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var words = input.value.trim();
    if (!list || words.length < 2) { return; }
    var url = input.getAttribute("data-lookup") + "?q=" + encodeURIComponent(words);
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (found) {
        if (!found.length) { return; }
        list.textContent = "";
        found.forEach(function (article) {
          var option = document.createElement("option");
          option.value = article.slug;
          option.textContent = article.headline;
          list.appendChild(option);
        });
      })
      .catch(function () { /* the newest headlines stay on offer */ });
  }
  Array.prototype.forEach.call(inputs, function (input) {
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { offer(input); }, 250);
    });
  });
})();
