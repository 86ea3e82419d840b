// kaohe serve: drag-and-drop, progress and sorting. The page works without
// this file: the form posts on its own and a waiting job's page refreshes.
"use strict";

// The token link has done its work once the cookie is set: drop it from
// the address bar (and from history).
(function dropToken() {
  const params = new URLSearchParams(location.search);
  if (params.has("token")) {
    params.delete("token");
    const rest = params.toString();
    history.replaceState(null, "", location.pathname + (rest ? "?" + rest : "") + location.hash);
  }
})();

// Files dropped on the zone become the file input's files.
function listChosen(zone, input) {
  const list = zone.querySelector(".chosen");
  if (!list) return;
  list.replaceChildren(...Array.from(input.files, (file) => {
    const item = document.createElement("li");
    item.textContent = file.name;
    return item;
  }));
}

document.querySelectorAll("[data-drop]").forEach((zone) => {
  const input = zone.querySelector("input[type=file]");
  input.addEventListener("change", () => listChosen(zone, input));
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    input.files = event.dataTransfer.files;
    listChosen(zone, input);
  });
});

// A waiting job's page polls its status and reloads once it settles.
document.querySelectorAll("[data-poll]").forEach((section) => {
  const progress = section.querySelector("progress");
  const count = section.querySelector(".count");
  const stage = section.dataset.stage;
  // What the bar counts: "letters" or "pdfs", as the status names them.
  const counted = section.dataset.count;
  async function poll() {
    try {
      const response = await fetch(section.dataset.poll, { credentials: "same-origin" });
      const status = await response.json();
      if (status.stage !== stage) {
        location.reload();
        return;
      }
      const [done, of] = [status[counted + "_done"], status[counted]];
      if (of > 0) {
        progress.max = of;
        progress.value = done;
        count.textContent = done + " / " + of;
      }
    } catch (error) {
      // The server may be busy; try again.
    }
    setTimeout(poll, 700);
  }
  poll();
});

// Sortable tables: a heading's button sorts by its column, again reverses.
document.querySelectorAll("table[data-sortable]").forEach((table) => {
  const headings = Array.from(table.tHead.rows[0].cells);
  headings.forEach((heading, column) => {
    heading.querySelector("button").addEventListener("click", () => {
      const ascending = heading.getAttribute("aria-sort") !== "ascending";
      headings.forEach((other) => other.removeAttribute("aria-sort"));
      heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const numeric = heading.dataset.type === "number";
      const key = (row) => {
        const cell = row.cells[column];
        return numeric ? parseFloat(cell.dataset.value) : cell.textContent.trim();
      };
      const body = table.tBodies[0];
      const rows = Array.from(body.rows);
      rows.sort((a, b) => {
        const [x, y] = [key(a), key(b)];
        const order = numeric ? x - y : x.localeCompare(y, "zh-CN", { numeric: true });
        return ascending ? order : -order;
      });
      body.append(...rows);
    });
  });
});
