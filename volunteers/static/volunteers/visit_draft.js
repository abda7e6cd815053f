// The visit log keeps a draft on the phone (localStorage) while it is filled in, so a dropped
// connection or a reload does not lose it. The draft carries the form's one-time key: sending it
// again after a failure writes the visit once. The saved visit's page clears the draft.
(function () {
  "use strict";
  var store;
  try { store = window.localStorage; } catch (e) { return; }
  if (!store) { return; }

  var saved = document.querySelector("[data-saved-visit]");
  if (saved) {
    var savedKey = saved.getAttribute("data-saved-visit");
    for (var i = store.length - 1; i >= 0; i--) {
      var name = store.key(i);
      if (name && name.indexOf("visit-draft:") === 0) {
        try {
          if ((JSON.parse(store.getItem(name)) || {}).submission_key === savedKey) { store.removeItem(name); }
        } catch (e) { store.removeItem(name); }
      }
    }
    return;
  }

  var form = document.getElementById("visit-form");
  if (!form) { return; }
  var key = form.getAttribute("data-draft-key");

  function collect() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit") { return; }
      if (el.type === "checkbox") {
        if (el.name === "concern") { data[el.name] = el.checked; return; }
        data[el.name] = data[el.name] || [];
        if (el.checked) { data[el.name].push(el.value); }
      } else if (el.type === "radio") {
        if (el.checked) { data[el.name] = el.value; }
      } else {
        data[el.name] = el.value;
      }
    });
    return data;
  }

  function restore(data) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in data) || el.name === "csrfmiddlewaretoken") { return; }
      var value = data[el.name];
      if (el.type === "checkbox") {
        el.checked = el.name === "concern" ? !!value : (value || []).indexOf(el.value) !== -1;
      } else if (el.type === "radio") {
        el.checked = el.value === value;
      } else {
        el.value = value;
      }
    });
  }

  var hasErrors = form.querySelector(".has-error, .form-errors");
  var draft = null;
  try { draft = JSON.parse(store.getItem(key) || "null"); } catch (e) { draft = null; }
  if (draft && !hasErrors) {
    restore(draft);
    var status = document.getElementById("draft-status");
    if (status) { status.hidden = false; }
  }

  function save() {
    try { store.setItem(key, JSON.stringify(collect())); } catch (e) { /* storage full: no draft */ }
  }
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", save);
  save();
})();
