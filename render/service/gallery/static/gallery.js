// The gallery's only script: more tiles as you scroll, favourites without a reload, copy
// buttons. Every page works without it (plain links and forms); served by the service itself.
"use strict";

function loadMore(link) {
  if (link.dataset.loading) return;
  link.dataset.loading = "1";
  const url = new URL(link.href, location.href);
  url.searchParams.set("partial", "1");
  fetch(url, { credentials: "same-origin" })
    .then((r) => (r.ok ? r.text() : Promise.reject(r.status)))
    .then((html) => {
      const list = document.getElementById("tiles");
      const holder = link.closest("li");
      const tmp = document.createElement("template");
      tmp.innerHTML = html;
      list.append(...tmp.content.children);
      holder.remove();
      watchMore();
    })
    .catch(() => { delete link.dataset.loading; });
}

function watchMore() {
  const link = document.getElementById("more");
  if (!link || !("IntersectionObserver" in window)) return;
  const seen = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) { seen.disconnect(); loadMore(link); }
  }, { rootMargin: "400px" });
  seen.observe(link);
}

function favourites() {
  document.querySelectorAll("form.favourite").forEach((form) => {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const button = form.querySelector("[data-favourite]");
      fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
                           headers: { "X-Requested-With": "fetch" } })
        .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
        .then((data) => {
          form.querySelector("input[name=on]").value = data.favourite ? "0" : "1";
          button.setAttribute("aria-pressed", String(data.favourite));
          button.textContent = data.favourite ? "★ Favourite" : "☆ Mark as favourite";
        })
        .catch(() => form.submit());
    });
  });
}

function copyButtons() {
  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.addEventListener("click", () => {
      const field = document.getElementById(button.dataset.copy);
      const label = button.textContent;
      const done = () => { button.textContent = "Copied"; setTimeout(() => { button.textContent = label; }, 1500); };
      field.select();
      if (navigator.clipboard) navigator.clipboard.writeText(field.value).then(done, () => document.execCommand("copy") && done());
      else if (document.execCommand("copy")) done();
    });
  });
}

document.addEventListener("DOMContentLoaded", () => { watchMore(); favourites(); copyButtons(); });
