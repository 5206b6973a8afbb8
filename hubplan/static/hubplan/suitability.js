// Recomputes the suitability ranking in the browser as soon as a weight changes.
// Same arithmetic as hubplan/suitability.py: score = 100 × Σ(w × norm) ÷ Σw, parts add up
// to the score. The normalised indicators come from the page (json_script); the server
// computes the same ranking from GET weights, so the page also works without JavaScript.
(function () {
  "use strict";
  var source = document.getElementById("suitability-data");
  var table = document.getElementById("suitability-table");
  if (!source || !table) { return; }
  var data = JSON.parse(source.textContent);
  var inputs = document.querySelectorAll("#weights-form [data-weight]");
  var locale = document.documentElement.lang || "sv";
  var fmt = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });

  var refusal = document.getElementById("weights-live-refused");

  // Weights as typed ("12,5" or "12.5"); null when one is not a number from 0 to 100,
  // which the server refuses too (hubplan/suitability.py weights_problem).
  function weights() {
    var w = {};
    var ok = true;
    data.keys.forEach(function (k) { w[k] = 0; });
    inputs.forEach(function (input) {
      var text = String(input.value).replace(/[\s\u00a0]/g, "").replace(",", ".");
      var v = text === "" ? 0 : Number(text);
      if (!isFinite(v) || v < 0 || v > 100) { ok = false; }
      w[input.dataset.weight] = v;
    });
    return ok ? w : null;
  }

  function refuse(message) {
    if (!refusal) { return; }
    refusal.hidden = !message;
    refusal.textContent = message || "";
  }

  function recompute() {
    var w = weights();
    if (w === null) { refuse(refusal && refusal.dataset.range); return; }
    var total = data.keys.reduce(function (sum, k) { return sum + w[k]; }, 0);
    // No weight above zero ranks nothing: say so and keep the last ranking, never a default.
    if (total <= 0) { refuse(refusal && refusal.dataset.none); return; }
    refuse("");
    var scored = data.kommuner.map(function (m) {
      var parts = {};
      var score = 0;
      data.keys.forEach(function (k) {
        parts[k] = 100 * w[k] * m.normalised[k] / total;
        score += parts[k];
      });
      return { code: m.code, score: score, parts: parts };
    });
    scored.sort(function (a, b) {
      var d = Math.round((b.score - a.score) * 1e9);
      return d !== 0 ? d : (a.code < b.code ? -1 : 1);
    });
    var body = table.tBodies[0];
    scored.forEach(function (s, i) {
      var row = body.querySelector('tr[data-code="' + s.code + '"]');
      if (!row) { return; }
      row.querySelector("[data-rank]").textContent = String(i + 1);
      row.querySelector("[data-score]").textContent = fmt.format(s.score);
      data.keys.forEach(function (k) {
        var cell = row.querySelector('[data-part="' + k + '"]');
        if (cell) { cell.textContent = "+" + fmt.format(s.parts[k]); }
      });
      body.appendChild(row);  // re-appending in score order reorders the table
    });
    // The save form stores what the planner sees.
    data.keys.forEach(function (k) {
      var hidden = document.querySelector('#scenario-form input[name="w_' + k + '"]');
      if (hidden) { hidden.value = String(w[k]); }
    });
  }

  inputs.forEach(function (input) { input.addEventListener("input", recompute); });
})();
