// The policy editor: line numbers, lint on each change, examples, diff against another policy.
// Every text from the server is put in the page with textContent, never as HTML.
(function () {
  "use strict";
  var box = document.getElementById("editor");
  if (!box) { return; }
  var area = document.getElementById("policy-text");
  var gutter = document.getElementById("gutter");
  var problems = document.getElementById("problems");
  var examples = document.getElementById("examples");
  var csrf = box.dataset.csrf;
  var lang = box.dataset.lang;
  var timer = null;
  var seq = 0;

  function numbers() {
    var n = area.value.split("\n").length;
    var out = [];
    for (var i = 1; i <= n; i++) { out.push(String(i)); }
    gutter.textContent = out.join("\n");
    gutter.scrollTop = area.scrollTop;
  }

  function item(cls, text) {
    var li = document.createElement("li");
    li.className = cls;
    li.textContent = text;
    return li;
  }

  function goTo(line, column) {
    var lines = area.value.split("\n");
    var pos = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) { pos += lines[i].length + 1; }
    pos += Math.max(column - 1, 0);
    area.focus();
    area.setSelectionRange(pos, pos);
  }

  function post(url, body) {
    return fetch(url + "?lang=" + lang, {
      method: "POST",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      credentials: "same-origin",
      body: JSON.stringify(body)
    }).then(function (r) { return r.json(); });
  }

  function lint() {
    var mine = ++seq;
    post("/api/lint", {text: area.value}).then(function (data) {
      if (mine !== seq) { return; }
      problems.textContent = "";
      examples.textContent = "";
      if (!data.problems || data.problems.length === 0) {
        problems.appendChild(item("finding ok", box.dataset.tNone));
      }
      (data.problems || []).forEach(function (p) {
        var li = item("finding sev-error problem", p.text);  // in the page's language
        li.dataset.line = p.line;
        li.dataset.column = p.column;
        li.addEventListener("click", function () { goTo(p.line, p.column); });
        problems.appendChild(li);
      });
      (data.examples || []).forEach(function (e) {
        var word = e.passed ? box.dataset.tPassed : box.dataset.tFailed;
        examples.appendChild(item("finding " + (e.passed ? "ok" : "sev-error"), word + " · " + e.text));
      });
    });
  }

  area.addEventListener("input", function () {
    numbers();
    clearTimeout(timer);
    timer = setTimeout(lint, 400);
  });
  area.addEventListener("scroll", function () { gutter.scrollTop = area.scrollTop; });

  var run = document.getElementById("diff-run");
  run.addEventListener("click", function () {
    var other = document.getElementById("diff-other").value;
    document.getElementById("diff-other-name").textContent = other;
    post("/api/diff", {text: area.value, other: other}).then(function (data) {
      var body = document.querySelector("#diff-table tbody");
      body.textContent = "";
      (data.rows || []).forEach(function (r) {
        var tr = document.createElement("tr");
        if (r.changed) { tr.className = "changed"; }
        [r.name, r.edited, r.edited_grade || "", r.other, r.other_grade || ""].forEach(function (v) {
          var td = document.createElement("td");
          td.textContent = v;
          tr.appendChild(td);
        });
        body.appendChild(tr);
      });
    });
  });

  numbers();
  lint();
})();
