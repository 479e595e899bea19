/* The HTML report's script (docs/spec/report.md 7.4): the filters, and
 * the page's check of itself.  It reads only the page. */
"use strict";
(function () {
	var rows = Array.prototype.slice.call(document.querySelectorAll("#test-table tr.test"));
	var boxes = Array.prototype.slice.call(document.querySelectorAll("#filters input[name=verdict]"));
	var ref = document.getElementById("filter-ref");
	var text = document.getElementById("filter-text");
	var shown = document.getElementById("shown");
	var byName = {};

	document.querySelectorAll("article.test-trace").forEach(function (a) {
		byName[a.getAttribute("data-name")] = a;
	});

	function apply() {
		var want = {}, r = ref.value, q = text.value.toLowerCase(), n = 0;

		boxes.forEach(function (b) { want[b.value] = b.checked; });
		rows.forEach(function (row) {
			var refs = (row.getAttribute("data-refs") || "").split("\n");
			var show = want[row.getAttribute("data-verdict")] &&
				(!r || refs.indexOf(r) >= 0) &&
				(!q || row.textContent.toLowerCase().indexOf(q) >= 0);
			var art = byName[row.getAttribute("data-name")];

			row.classList.toggle("hidden", !show);
			if (art)
				art.classList.toggle("hidden", !show);
			n += show ? 1 : 0;
		});
		shown.textContent = n + " of " + rows.length + " shown";
	}

	/* #verdict=fail,skip&ref=...&q=...: a link that opens filtered. */
	function fromHash() {
		var h = location.hash.replace(/^#/, ""), p = {};

		if (h.indexOf("=") < 0)
			return;
		h.split("&").forEach(function (kv) {
			var i = kv.indexOf("=");
			p[kv.slice(0, i)] = decodeURIComponent(kv.slice(i + 1));
		});
		if (p.verdict !== undefined) {
			var vs = p.verdict.split(",");
			boxes.forEach(function (b) { b.checked = vs.indexOf(b.value) >= 0; });
		}
		if (p.ref !== undefined)
			ref.value = p.ref;
		if (p.q !== undefined)
			text.value = p.q;
	}

	/* The counts in the summary against the rows, and every failure
	 * listed, drawn and in the table. */
	function selfCheck() {
		var el = document.getElementById("self-check"), bad = [], count = {};
		var failed = document.querySelectorAll("#failed-list a");

		rows.forEach(function (row) {
			var v = row.getAttribute("data-verdict");
			count[v] = (count[v] || 0) + 1;
		});
		["pass", "pass-partly", "fail", "skip"].forEach(function (v) {
			var want = +document.getElementById("count-" + v).getAttribute("data-count");
			if ((count[v] || 0) !== want)
				bad.push(v + ": " + (count[v] || 0) + " rows, the summary says " + want);
		});
		if (rows.length !== +document.getElementById("count-tests").getAttribute("data-count"))
			bad.push("the table has " + rows.length + " rows");
		if (failed.length !== (count.fail || 0))
			bad.push(failed.length + " failures listed, " + (count.fail || 0) + " in the table");
		rows.forEach(function (row) {
			var v = row.getAttribute("data-verdict"), name = row.getAttribute("data-name");
			if (v !== "skip" && !byName[name])
				bad.push(name + " has no trace");
		});
		el.setAttribute("data-ok", bad.length ? "false" : "true");
		el.textContent = bad.length ?
			"The page does not agree with itself: " + bad.join("; ") :
			"The page checked itself: " + rows.length +
			(rows.length === 1 ? " row agrees" : " rows agree") + " with the counts, every failure is listed, every test that ran is drawn.";
	}

	boxes.forEach(function (b) { b.addEventListener("change", apply); });
	ref.addEventListener("change", apply);
	text.addEventListener("input", apply);
	document.getElementById("only-failed").addEventListener("click", function () {
		boxes.forEach(function (b) { b.checked = b.value === "fail"; });
		apply();
	});
	document.getElementById("show-all").addEventListener("click", function () {
		boxes.forEach(function (b) { b.checked = true; });
		ref.value = "";
		text.value = "";
		apply();
	});
	window.addEventListener("hashchange", function () { fromHash(); apply(); });
	fromHash();
	apply();
	selfCheck();
})();
