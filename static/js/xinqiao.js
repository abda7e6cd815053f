// Xinqiao's own script: small progressive enhancements; every page works without it.
document.addEventListener("htmx:responseError", (event) => {
  // A refused or failed partial must not fail silently: show the server's page instead.
  const status = event.detail.xhr.status;
  if (status === 403 || status === 404 || status >= 500) {
    document.open();
    document.write(event.detail.xhr.responseText);
    document.close();
  }
});

document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
  // The navigation's group menus: one open at a time, closed by a click elsewhere.
  const inGroup = event.target.closest(".nav-group");
  document.querySelectorAll(".nav-group[open]").forEach((group) => {
    if (group !== inGroup) group.open = false;
  });
});

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  document.querySelectorAll(".nav-group[open]").forEach((group) => {
    group.open = false;
    group.querySelector("summary").focus();
  });
});

// On a phone the navigation folds behind the menu button; without this script it shows whole.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".nav-toggle");
  const nav = document.getElementById("mainnav");
  if (!toggle || !nav) return;
  document.documentElement.classList.add("js");
  toggle.hidden = false;
  nav.classList.add("collapsed");
  toggle.addEventListener("click", () => {
    const open = nav.classList.toggle("collapsed") === false;
    toggle.setAttribute("aria-expanded", String(open));
  });
});

// Answer forms: typing an option's number answers the item in focus and moves to the next one.
document.addEventListener("keydown", (event) => {
  const item = event.target.closest && event.target.closest("[data-item]");
  if (!item || event.ctrlKey || event.metaKey || event.altKey) return;
  const key = event.key.toLowerCase();
  const inputs = Array.from(item.querySelectorAll("input[type=radio]"));
  const match = inputs.find((input) => input.value === key || (key === "y" && input.value === "yes") || (key === "n" && input.value === "no"));
  if (!match) return;
  event.preventDefault();
  match.checked = true;
  match.dispatchEvent(new Event("change", { bubbles: true }));
  const items = Array.from(document.querySelectorAll("[data-item]"));
  const next = items[items.indexOf(item) + 1];
  const target = next ? next.querySelector("input[type=radio]:checked") || next.querySelector("input[type=radio]") : document.querySelector(".answer-form button[type=submit]");
  if (target) target.focus();
});

// Self-test pages: keep answers in the browser's storage, so a reload or a lost connection
// loses nothing; the result page clears them once the sitting is stored.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-storage-key]");
  if (!form) return;
  const key = form.dataset.storageKey;
  let saved = {};
  try { saved = JSON.parse(localStorage.getItem(key) || "{}"); } catch (error) { saved = {}; }
  Object.entries(saved).forEach(([name, value]) => {
    const input = form.querySelector(`input[name="${name}"][value="${value}"]`);
    if (input && !form.querySelector(`input[name="${name}"]:checked`)) input.checked = true;
  });
  form.addEventListener("change", (event) => {
    if (event.target.type !== "radio") return;
    saved[event.target.name] = event.target.value;
    try { localStorage.setItem(key, JSON.stringify(saved)); } catch (error) { /* storage full or blocked */ }
  });
});
