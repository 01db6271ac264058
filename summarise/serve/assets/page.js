"use strict";
const form = document.getElementById("form");
const statusLine = document.getElementById("status");
const reportButton = document.getElementById("report");

function body() {
  const data = new FormData();
  const file = document.getElementById("file").files[0];
  if (file) data.append("file", file, file.name);
  else data.append("text", document.getElementById("text").value);
  for (const name of ["source_lang", "length", "api_key"]) {
    const value = document.getElementById(name).value.trim();
    if (value) data.append(name, value);
  }
  return data;
}

function say(message, error) {
  statusLine.textContent = message;
  statusLine.className = error ? "error" : "";
}

async function post(path) {
  const response = await fetch(path, {method: "POST", body: body()});
  if (!response.ok) {
    let message = response.status + " " + response.statusText;
    try { message = (await response.json()).error || message; } catch (e) {}
    throw new Error(message);
  }
  return response;
}

function cell(row, text, flagged) {
  const td = document.createElement("td");
  td.textContent = text;
  if (flagged) td.className = "flag";
  row.appendChild(td);
}

function show(result) {
  document.getElementById("summary").textContent = result.summary;
  const facts = result.source_lang + " \u2192 en \u00b7 " + result.pairs.length + " sentences \u00b7 " + result.signature;
  document.getElementById("facts").textContent = facts;
  document.getElementById("src-head").textContent = "Original (" + result.source_lang + ")";
  const rows = document.querySelector("#sbs tbody");
  rows.replaceChildren();
  for (const pair of result.pairs) {
    const row = document.createElement("tr");
    const flagged = (pair.flags || []).length > 0;
    cell(row, pair.source, flagged);
    cell(row, pair.translation, flagged);
    rows.appendChild(row);
  }
  showAttribution(result);
  document.getElementById("result").hidden = false;
}

// Summary attribution: each summary sentence becomes a focusable span (click, tap, Tab); selecting or
// hovering one marks the rows of the article sentences behind it.  The numbers are CSS content, so the
// summary's text stays the summary's text.
function showAttribution(result) {
  const sentences = result.summary_sentences || [];
  if (!sentences.length || sentences.map(s => s.text).join(" ") !== result.summary) return;
  const summary = document.getElementById("summary");
  const rows = [...document.querySelectorAll("#sbs tbody tr")];
  summary.replaceChildren();
  sentences.forEach((sentence, index) => {
    if (index) summary.appendChild(document.createTextNode(" "));
    const span = document.createElement("span");
    const numbers = sentence.support.map(s => s.pair + 1);
    span.className = "ss" + (sentence.flags.length ? " flag" : "");
    span.tabIndex = 0;
    span.textContent = sentence.text;
    span.dataset.refs = "[" + (numbers.join(", ") || "?") + "]";
    span.title = numbers.length ? "article sentences " + numbers.join(", ") : "no article sentence supports it";
    const mark = (on) => { for (const s of sentence.support) if (rows[s.pair]) rows[s.pair].classList.toggle("source", on); };
    span.addEventListener("focus", () => mark(true));
    span.addEventListener("blur", () => mark(false));
    span.addEventListener("mouseenter", () => mark(true));
    span.addEventListener("mouseleave", () => { if (document.activeElement !== span) mark(false); });
    summary.appendChild(span);
  });
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  say("Working\u2026");
  document.getElementById("go").disabled = true;
  try {
    const result = await (await post("/v1/summarise")).json();
    show(result);
    reportButton.disabled = false;
    say("Done.");
  } catch (error) {
    say(error.message, true);
  } finally {
    document.getElementById("go").disabled = false;
  }
});

reportButton.addEventListener("click", async () => {
  say("Building the report\u2026");
  try {
    const blob = await (await post("/v1/report")).blob();
    window.open(URL.createObjectURL(new Blob([blob], {type: "text/html"})), "_blank", "noopener");
    say("Report opened in a new tab.");
  } catch (error) {
    say(error.message, true);
  }
});
