// Autosave for the exam page. Every keystroke is kept in localStorage at once (so a
// dropped connection or a closed tab loses nothing) and sent to the server after a
// short pause. Time is counted per question while its box has focus and is sent
// with each save. Without JavaScript the form still submits every answer.
(function () {
  "use strict";
  var form = document.getElementById("exam-form");
  if (!form) return;
  var url = form.dataset.draftUrl, csrf = form.dataset.csrf, attempt = form.dataset.attempt;
  var state = document.getElementById("save-state");
  var boxes = Array.prototype.slice.call(form.querySelectorAll("textarea[data-item]"));
  var pendingMs = {}, timers = {}, failures = {}, active = null, activeSince = 0;
  var key = function (item) { return "huashu:" + attempt + ":" + item; };
  var say = function (text) { if (state) state.textContent = text; };

  function takeSpent(item) {
    var ms = pendingMs[item] || 0;
    if (active === item) { var now = Date.now(); ms += now - activeSince; activeSince = now; }
    pendingMs[item] = 0;
    return ms;
  }

  function save(box) {
    var item = box.dataset.item, body = box.value, spent = takeSpent(item);
    say(form.dataset.msgSaving);
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ item_id: Number(item), body: body, spent_ms: spent }),
      credentials: "same-origin"
    }).then(function (res) {
      if (res.ok) {
        failures[item] = 0;
        var stored = readLocal(item);
        if (stored && stored.body === body) localStorage.removeItem(key(item));
        say(form.dataset.msgSaved + " " + new Date().toLocaleTimeString(document.documentElement.lang || undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" }));
        return;
      }
      // A busy or failing server is asked again; a refusal (4xx) is shown and waits for the next edit.
      if (res.status >= 500) retry(box, spent);
      return res.json().then(function (e) { say(e.error || res.statusText); }, function () { say(res.statusText); });
    }, function () {
      retry(box, spent);
      say(form.dataset.msgOffline);
    });
  }

  // Tries again after 2, 4, 8 … up to 30 seconds, unless an edit schedules a save first.
  function retry(box, spent) {
    var item = box.dataset.item, n = (failures[item] || 0) + 1;
    failures[item] = n;
    pendingMs[item] = (pendingMs[item] || 0) + spent;
    clearTimeout(timers[item]);
    timers[item] = setTimeout(function () { save(box); }, Math.min(30000, 1000 * Math.pow(2, n)));
  }

  function readLocal(item) {
    try { return JSON.parse(localStorage.getItem(key(item)) || "null"); } catch (e) { return null; }
  }

  function schedule(box) {
    clearTimeout(timers[box.dataset.item]);
    timers[box.dataset.item] = setTimeout(function () { save(box); }, 800);
  }

  function count(box) {
    var c = form.querySelector('.counter[data-for="' + box.dataset.item + '"]');
    if (c) c.textContent = Array.from(box.value).length + " / " + box.maxLength;
  }

  boxes.forEach(function (box) {
    var stored = readLocal(box.dataset.item), savedAt = Number(box.dataset.savedAt || 0);
    if (stored && stored.at > savedAt && stored.body !== box.value) { box.value = stored.body; schedule(box); }
    // Text typed before this script loaded (a slow connection) is saved too.
    else if (box.value !== box.defaultValue) { schedule(box); }
    count(box);
    box.addEventListener("input", function () {
      try { localStorage.setItem(key(box.dataset.item), JSON.stringify({ body: box.value, at: Date.now() })); } catch (e) {}
      count(box);
      schedule(box);
    });
    box.addEventListener("focus", function () { active = box.dataset.item; activeSince = Date.now(); });
    box.addEventListener("blur", function () {
      pendingMs[box.dataset.item] = (pendingMs[box.dataset.item] || 0) + (Date.now() - activeSince);
      active = null;
      save(box);
    });
  });

  // While someone works on a question, its time reaches the server every 15 s.
  setInterval(function () {
    var box = boxes.filter(function (b) { return b.dataset.item === active; })[0];
    if (box) save(box);
  }, 15000);
  window.addEventListener("online", function () { boxes.forEach(save); });

  // Scenario dialogues: each reply is sent on its own and answered by the
  // customer's next message. The reply being written is kept in localStorage;
  // the time of a turn runs from the customer's message to the reply sent.
  Array.prototype.slice.call(form.querySelectorAll(".scenario")).forEach(function (box) {
    var area = box.querySelector("textarea[data-turn-item]"), button = box.querySelector(".send-turn");
    if (!area || !button) return;
    var item = area.dataset.turnItem, local = key(item) + ":turn", shownAt = Date.now();
    try { if (!area.value) area.value = localStorage.getItem(local) || ""; } catch (e) {}
    area.addEventListener("input", function () { try { localStorage.setItem(local, area.value); } catch (e) {} });
    function line(cls, who, text) {
      var li = document.createElement("li"), span = document.createElement("span");
      li.className = cls; span.className = "who"; span.textContent = who;
      li.appendChild(span); li.appendChild(document.createTextNode(text));
      return li;
    }
    button.addEventListener("click", function (e) {
      e.preventDefault();
      if (!area.value.trim() || button.disabled) return;
      button.disabled = true;
      say(form.dataset.msgSaving);
      fetch(box.dataset.turnUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ item_id: Number(item), reply: area.value, spent_ms: Date.now() - shownAt }),
        credentials: "same-origin"
      }).then(function (res) {
        return res.json().then(function (data) { return { ok: res.ok, data: data }; });
      }).then(function (r) {
        button.disabled = false;
        if (!r.ok) { say(r.data.error || ""); return; }
        var chat = box.querySelector(".chat");
        chat.textContent = "";
        r.data.said.forEach(function (s) {
          chat.appendChild(line("customer", form.dataset.msgCustomer, s.customer));
          if (s.reply) chat.appendChild(line("agent", form.dataset.msgYou, s.reply));
        });
        area.value = "";
        try { localStorage.removeItem(local); } catch (err) {}
        shownAt = Date.now();
        say(form.dataset.msgSaved + " " + new Date().toLocaleTimeString(document.documentElement.lang || undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" }));
        if (r.data.ended) {
          box.querySelector(".reply").hidden = true;
          box.querySelector(".ended").hidden = false;
        }
      }, function () {
        button.disabled = false;
        say(form.dataset.msgOffline);
      });
    });
  });

  var submitting = false;
  form.addEventListener("submit", function (e) {
    if (!submitting && !window.confirm(form.dataset.msgConfirm)) { e.preventDefault(); return; }
    submitting = true;
  });

  var clock = document.getElementById("clock");
  var deadline = Number(clock && clock.dataset.deadline);
  function tick() {
    var left = Math.max(0, deadline - Date.now()), s = Math.floor(left / 1000);
    clock.textContent = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
    if (left === 0 && !submitting) {
      submitting = true;
      say(form.dataset.msgTimeup);
      var blank = form.querySelector('input[name="allow_blank"]');
      if (blank) blank.checked = true;
      form.submit();
    }
  }
  if (deadline) { tick(); setInterval(tick, 1000); }
  form.dataset.ready = "1";
})();
