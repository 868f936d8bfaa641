// The history browser: plain DOM and fetch against the Annals API, nothing to build or download.
"use strict";

const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem("annals-token") || "";

async function api(path) {
  const response = await fetch(path, { headers: { Authorization: "Bearer " + token } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ? body.error.message : response.statusText);
  return body;
}

function show(error) { $("error").textContent = error ? String(error.message || error) : ""; }

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function plain(value) {
  if (value === null || value === undefined) return "—";
  return typeof value === "string" ? value : JSON.stringify(value);
}

async function search(event) {
  if (event) event.preventDefault();
  show();
  try {
    const found = await api("/search?q=" + encodeURIComponent($("q").value) + "&limit=50");
    const list = $("results");
    list.replaceChildren();
    for (const record of found.records) {
      const item = element("li");
      const link = element("a", record.record.title || record.id);
      link.dataset.id = record.id;
      link.addEventListener("click", () => openRecord(record.id));
      item.append(link, element("small", " " + record.id));
      list.append(item);
    }
    if (found.records.length === 0) list.append(element("li", "no record has every word"));
  } catch (error) { show(error); }
}

async function openRecord(id, position) {
  show();
  try {
    const history = await api("/history/" + id);
    const at = position === undefined ? "" : "?at=" + position;
    const record = await api("/records/" + id + at);
    $("record-panel").hidden = false;
    $("record-title").textContent = record.record.title || record.id;
    $("record-meta").textContent = record.id + " · version " + record.version + (record.retracted ? " · retracted" : "") +
      " · last changed by " + record.changedBy + " at " + record.changedAt;
    $("record-body").textContent = JSON.stringify(record.record, null, 2);
    const bar = $("version-bar");
    bar.replaceChildren(element("span", "As of version: "));
    for (const edit of history.edits) {
      const button = element("button", "v" + edit.version, edit.version === record.version ? "current" : "");
      button.dataset.version = edit.version;
      button.addEventListener("click", () => openRecord(id, edit.position));
      bar.append(button);
    }
    const timeline = $("timeline");
    timeline.replaceChildren();
    for (const edit of history.edits) {
      const item = element("li");
      item.dataset.version = edit.version;
      item.append(element("strong", "v" + edit.version + " " + edit.kind), element("span", " by " + edit.actor + " · recorded " +
        edit.recordedAt + (edit.effectiveAt !== edit.recordedAt ? " · effective " + edit.effectiveAt : "")));
      if (edit.reason) item.append(element("div", "why: " + edit.reason));
      for (const change of edit.changes) {
        const line = element("div", undefined, "diff");
        line.append(element("span", change.field + ": "), element("span", plain(change.old), "old"), element("span", " → "),
          element("span", plain(change.new), "new"));
        item.append(line);
      }
      timeline.append(item);
    }
  } catch (error) { show(error); }
}

async function aggregates(event) {
  if (event) event.preventDefault();
  show();
  try {
    // Sums only where they add up: views, and one metric of the quantities; records otherwise.
    const metric = $("metric").value.trim();
    const query = metric ? "metric=" + encodeURIComponent(metric) : "family=" + $("family").value;
    const summed = metric !== "" || $("family").value === "views";
    const rows = (await api("/aggregates?" + query)).rows;
    const years = new Map();
    for (const row of rows) years.set(row.year, (years.get(row.year) || 0) + (summed ? Number(row.sum) : row.count));
    const max = Math.max(1, ...years.values());
    const chart = $("chart");
    chart.replaceChildren();
    for (const [year, value] of [...years.entries()].sort((a, b) => a[0] - b[0])) {
      const bar = element("div", undefined, "bar");
      bar.style.height = Math.max(2, (value / max) * 100) + "%";
      bar.title = year + ": " + value;
      bar.dataset.year = year;
      bar.append(element("b", String(value)), element("span", String(year)));
      chart.append(bar);
    }
    const body = $("changes").tBodies[0];
    body.replaceChildren();
    if ($("from").value && $("to").value) {
      const changes = (await api("/aggregates?" + query + "&from=" + $("from").value + "&to=" + $("to").value)).changes;
      for (const change of changes) {
        const row = element("tr");
        row.append(element("td", change.year + " " + change.dimensions.join(" / ")),
          element("td", change.before.count + " (" + change.before.sum + ")"), element("td", change.after.count + " (" + change.after.sum + ")"));
        body.append(row);
      }
      if (changes.length === 0) body.append(element("tr", "no cell changed between these dates"));
    }
  } catch (error) { show(error); }
}

document.addEventListener("DOMContentLoaded", () => {
  $("token").value = token;
  $("login").addEventListener("submit", (event) => {
    event.preventDefault();
    token = $("token").value.trim();
    sessionStorage.setItem("annals-token", token);
    $("who").textContent = token ? "as " + token.slice(0, token.lastIndexOf(".")) : "";
    aggregates();
  });
  $("search").addEventListener("submit", search);
  $("aggregates").addEventListener("submit", aggregates);
  if (token) {
    $("who").textContent = "as " + token.slice(0, token.lastIndexOf("."));
    aggregates();
  }
});
