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
});
