// The supply-chain map: draws GET /api/chains/{id}/graph with the vendored Cytoscape.js, raw
// material on the left and the buyer on the right. Names reach the page as text only
// (textContent, canvas labels), never as HTML. The findings table works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("chain-map");
  if (!box || typeof window.cytoscape !== "function") return;
  const status = document.querySelector("[data-map-status]");
  const panel = document.getElementById("chain-panel");
  const css = window.getComputedStyle(document.documentElement);
  const colour = (name) => css.getPropertyValue(name).trim();
  const rank = { low: 0, medium: 1, high: 2 };

  fetch(box.getAttribute("data-graph"), {
    headers: { Accept: "application/json" },
    credentials: "same-origin",
  })
    .then((response) => {
      if (response.status === 401) window.location.reload(); // logged out: to the login page
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.json();
    })
    .then(draw)
    .catch((error) => {
      status.textContent = `The map could not be drawn (${error.message}); the findings are listed below.`;
    });

  function draw(chain) {
    const findings = new Map(chain.findings.map((f) => [f.id, f]));
    const sent = new Map(); // party id -> the findings whose path starts at it
    chain.findings.forEach((f) => {
      if (f.hops === 0) return;
      if (!sent.has(f.source)) sent.set(f.source, []);
      sent.get(f.source).push(f);
    });
    const cy = window.cytoscape({
      container: box,
      elements: chain.elements,
      style: stylesheet(chain.risk_kinds),
      minZoom: 0.1,
      maxZoom: 3,
      boxSelectionEnabled: false,
    });
    window.cy = cy; // for the browser tests, and for a curious analyst's console
    layout(cy);
    box.setAttribute("data-nodes", String(cy.nodes().length));
    box.setAttribute("data-edges", String(cy.edges().length));
    const holdings = cy.edges(".owns").length;
    status.textContent =
      `${cy.nodes().length} parties, ${cy.edges().length - holdings} supply links, ${holdings} holdings` +
      `${chain.product ? ` (${chain.product})` : ""}. ` +
      "Goods flow left to right. Click a party for its risks and findings, a link for its " +
      "evidence; scroll to zoom, drag to pan.";

    cy.on("tap", "node", (event) => showParty(event.target, null));
    cy.on("tap", "edge", (event) => showLink(event.target));
    cy.on("tap", (event) => {
      if (event.target === cy) clearFocus();
    });
    document.querySelectorAll("tr[data-finding]").forEach((row) => {
      const choose = () => {
        const f = findings.get(Number(row.getAttribute("data-finding")));
        if (f) showParty(cy.getElementById(f.party), f);
        box.scrollIntoView({ block: "nearest" });
      };
      row.addEventListener("click", choose);
      row.addEventListener("keydown", (event) => {
        if (event.key === "Enter") choose();
      });
    });

    function clearFocus() {
      cy.elements().removeClass("faded focus");
      document.querySelectorAll("tr.chosen").forEach((row) => row.classList.remove("chosen"));
    }

    // Bring forward the party and the paths of its findings and of the risk it sends downstream
    // (or the path of the one finding chosen).
    function focus(node, chosen) {
      clearFocus();
      const shown = chosen ? [chosen] : [...about(node), ...(sent.get(node.id()) || [])];
      const ids = new Set([node.id()]);
      shown.forEach((f) => {
        f.nodes.forEach((id) => ids.add(id));
        f.steps.forEach((s) => s.edges.forEach((id) => ids.add(id)));
      });
      const on = cy.collection();
      ids.forEach((id) => on.merge(cy.getElementById(id)));
      cy.elements().difference(on).addClass("faded");
      on.addClass("focus");
      if (chosen) {
        const row = document.querySelector(`tr[data-finding="${chosen.id}"]`);
        if (row) row.classList.add("chosen");
      }
    }

    function about(node) {
      return node.data("findings").map((id) => findings.get(id)).filter(Boolean);
    }

    function showParty(node, chosen) {
      if (!node || node.empty()) return;
      cy.$(":selected").unselect();
      node.select();
      focus(node, chosen);
      const d = node.data();
      panel.replaceChildren();
      panel.append(el("h2", {}, d.label));
      const facts = el("dl");
      const fact = (label, values) => {
        if (values && values.length) facts.append(el("dt", {}, label), el("dd", {}, values.join("; ")));
      };
      fact("Also named", d.names.filter((n) => n !== d.label));
      fact("Address", d.addresses);
      fact("Country", d.countries);
      fact("Identifier", d.identifiers);
      panel.append(facts);
      panel.append(el("h3", {}, d.risks.length ? "Its own risks" : "No risk found at this party itself"));
      d.risks.forEach((r) => {
        panel.append(el("p", { class: "risk" }, tag(r.severity), ` ${r.label}: ${r.detail}`,
          r.provenance ? el("span", { class: "sub" }, ` (${r.provenance})`) : ""));
      });
      const reached = new Map(); // where its risk goes: party id -> worst severity
      (sent.get(d.id) || []).forEach((f) => {
        const now = reached.get(f.party);
        if (!now || rank[f.severity] > rank[now]) reached.set(f.party, f.severity);
      });
      if (reached.size) {
        panel.append(el("h3", {}, `Its risk reaches ${reached.size} ${reached.size === 1 ? "party" : "parties"} downstream`));
        const list = el("ul", { class: "reached" });
        reached.forEach((severity, id) => {
          const target = cy.getElementById(id);
          const button = el("button", { type: "button", class: "link" }, target.data("label"));
          button.addEventListener("click", () => showParty(target, null));
          list.append(el("li", {}, tag(severity), " ", button));
        });
        panel.append(list);
      }
      const mine = about(node);
      const reaching = mine.filter((f) => f.hops > 0);
      panel.append(el("h3", {}, `Risk reaching it: ${reaching.length} path${reaching.length === 1 ? "" : "s"}`));
      const order = chosen ? [chosen, ...mine.filter((f) => f !== chosen)] : [...reaching, ...mine.filter((f) => f.hops === 0)];
      const limit = 40;
      order.slice(0, limit).forEach((f) => panel.append(finding(f, f === chosen)));
      if (order.length > limit) {
        panel.append(el("p", { class: "meta" }, `${order.length - limit} more in the findings table below.`));
      }
    }

    // A supply link or a holding as the file gave it: goods, quantity, date, basis, evidence,
    // where it was read, and the file's other columns (a PO number, a bill of lading number).
    function showLink(edge) {
      clearFocus();
      cy.$(":selected").unselect();
      edge.select();
      cy.elements().difference(edge.union(edge.connectedNodes())).addClass("faded");
      edge.union(edge.connectedNodes()).addClass("focus");
      const d = edge.data();
      const from = edge.source().data("label");
      const to = edge.target().data("label");
      panel.replaceChildren();
      if (d.kind === "owns") {
        panel.append(el("h2", {}, "Holding"), el("p", {}, `${from} owns ${d.share}% of ${to}`));
      } else {
        const goods = `${d.product || "goods"}${d.hs_code ? ` (HS ${d.hs_code})` : ""}`;
        panel.append(el("h2", {}, "Supply link"), el("p", {}, `${from} supplies ${goods} to ${to}`));
      }
      const facts = el("dl", { class: "link-facts" });
      const fact = (label, value) => {
        if (value !== undefined && value !== null && value !== "") {
          facts.append(el("dt", {}, label), el("dd", {}, String(value)));
        }
      };
      if (d.quantity !== undefined && d.quantity !== null) fact("Quantity", `${d.quantity} ${d.unit || ""}`.trim());
      fact("Date", d.date);
      fact("Basis", d.basis);
      fact("Evidence", d.evidence);
      fact("Read from", d.read_from); // "source" is the supplying party's id to Cytoscape
      Object.entries(d.extra || {}).forEach(([name, value]) => fact(name, value));
      panel.append(facts);
    }

    function finding(f, chosen) {
      const item = el("div", { class: chosen ? "finding chosen" : "finding", "data-finding": String(f.id) });
      item.append(el("div", {}, tag(f.severity), ` ${f.risk}`));
      const what = [f.product ? `goods: ${f.product}` : "", f.hops ? `${f.hops} hop${f.hops === 1 ? "" : "s"}` : "the party itself", f.basis ? `basis: ${f.basis}` : ""];
      item.append(el("div", { class: "sub" }, what.filter(Boolean).join(" · ")));
      if (f.steps.length) {
        const steps = el("ol");
        f.steps.forEach((s) => steps.append(el("li", {}, s.text)));
        item.append(steps);
      } else {
        item.append(el("div", { class: "sub" }, `Evidence: ${f.evidence}`));
      }
      if (f.checklist) item.append(el("details", {}, el("summary", {}, "What would clear it"), f.checklist));
      return item;
    }
  }

  // Layered left to right: the raw material (parties nothing is supplied to) in the first column,
  // every other party one column right of its furthest supplier or owner, so that every link
  // points right; links that close a cycle (goods returned to a supplier) are left out of the
  // layering. Within a column, parties are ordered by the mean row of their neighbours in the
  // column before (then after), which keeps links short and uncrossed. Cytoscape's breadthfirst
  // layout places parties by their nearest root instead, and its "maximal" option fails here.
  function layout(cy) {
    const back = backEdges(cy);
    const forward = (node, way) => node[way]("edge").filter((e) => !back.has(e.id()));
    const column = new Map();
    const waiting = new Map();
    const ready = [];
    cy.nodes().forEach((n) => {
      waiting.set(n.id(), forward(n, "incomers").length);
      if (waiting.get(n.id()) === 0) ready.push(n);
    });
    while (ready.length) { // Kahn's order: a party after all its suppliers
      const node = ready.pop();
      const col = forward(node, "incomers").reduce((c, e) => Math.max(c, column.get(e.source().id()) + 1), 0);
      column.set(node.id(), col);
      forward(node, "outgoers").forEach((e) => {
        const id = e.target().id();
        waiting.set(id, waiting.get(id) - 1);
        if (waiting.get(id) === 0) ready.push(e.target());
      });
    }
    const columns = [];
    cy.nodes().forEach((n) => {
      const col = column.get(n.id());
      (columns[col] = columns[col] || []).push(n);
    });
    const row = new Map();
    const place = (nodes) => nodes.forEach((n, i) => row.set(n.id(), i));
    const mean = (node, way, end) => {
      const rows = forward(node, way).map((e) => row.get(e[end]().id())).filter((r) => r !== undefined);
      return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : row.get(node.id());
    };
    columns.forEach(place);
    for (let sweep = 0; sweep < 2; sweep++) {
      columns.forEach((nodes, c) => {
        if (c > 0) place(nodes.sort((a, b) => mean(a, "incomers", "source") - mean(b, "incomers", "source")));
      });
      for (let c = columns.length - 2; c >= 0; c--) {
        place(columns[c].sort((a, b) => mean(a, "outgoers", "target") - mean(b, "outgoers", "target")));
      }
    }
    const positions = {};
    columns.forEach((nodes, c) => nodes.forEach((n, i) => {
      positions[n.id()] = { x: c * 220, y: (i - (nodes.length - 1) / 2) * 120 };
    }));
    cy.layout({ name: "preset", positions, fit: true, padding: 30 }).run();
  }

  function backEdges(cy) {
    const state = new Map(); // node id -> "open" while on the search's path, then "done"
    const back = new Set();
    // Depth-first from the parties with fewest suppliers first, so that a cycle is cut at the
    // link that closes it rather than inside the flow.
    const starts = cy.nodes().sort((a, b) => a.indegree(false) - b.indegree(false));
    starts.forEach((start) => {
      if (state.has(start.id())) return;
      state.set(start.id(), "open");
      const stack = [{ node: start, edges: start.outgoers("edge").toArray(), next: 0 }];
      while (stack.length) {
        const top = stack[stack.length - 1];
        if (top.next >= top.edges.length) {
          state.set(top.node.id(), "done");
          stack.pop();
          continue;
        }
        const edge = top.edges[top.next++];
        const target = edge.target();
        const seen = state.get(target.id());
        if (seen === "open") back.add(edge.id());
        if (seen === undefined) {
          state.set(target.id(), "open");
          stack.push({ node: target, edges: target.outgoers("edge").toArray(), next: 0 });
        }
      }
    });
    return back;
  }

  function stylesheet(kinds) {
    const style = [
      {
        selector: "node",
        style: {
          label: "data(label)", "background-color": colour("--risk-none"), "border-width": 1,
          "border-color": colour("--node-line"), width: 30, height: 30, "font-size": 13,
          "font-family": "system-ui, sans-serif", color: "#1c2430", "text-valign": "bottom",
          "text-margin-y": 4, "text-wrap": "wrap", "text-max-width": 140,
          "text-background-color": "#ffffff", "text-background-opacity": 0.85,
          "text-background-padding": 1, "min-zoomed-font-size": 6,
        },
      },
      ...kinds.map((k) => ({ selector: `node.risk-${k.kind}`, style: { "background-color": colour(`--risk-${k.kind}`) } })),
      {
        selector: "edge",
        style: {
          width: 1.5, "line-color": colour("--edge"), "target-arrow-color": colour("--edge"),
          "target-arrow-shape": "triangle", "curve-style": "bezier", "arrow-scale": 0.9,
          label: "data(product)", "font-size": 10, color: "#5b6573", "text-rotation": "autorotate",
          "text-background-color": "#fbfcfd", "text-background-opacity": 0.9, "min-zoomed-font-size": 7,
        },
      },
      { selector: "edge.owns", style: { "line-style": "dashed", "target-arrow-shape": "diamond", label: "" } },
    ];
    ["low", "medium", "high"].forEach((level, i) => {
      const c = colour(`--exposed-${level}`);
      style.push({ selector: `node.exposed-${level}`, style: { "border-width": 3 + i, "border-color": c } });
      style.push({ selector: `edge.path-${level}`, style: { width: 2 + i, "line-color": c, "target-arrow-color": c } });
    });
    style.push(
      { selector: ".faded", style: { opacity: 0.3 } },
      { selector: "node.focus", style: { "font-weight": "bold" } },
      { selector: "node:selected", style: { "overlay-color": colour("--focus"), "overlay-opacity": 0.25, "overlay-padding": 6 } },
    );
    return style;
  }

  function tag(severity) {
    return el("span", { class: `tag tag-sev-${severity}` }, severity);
  }

  // An element with attributes and children; strings become text, never markup.
  function el(name, attrs = {}, ...children) {
    const node = document.createElement(name);
    Object.entries(attrs).forEach(([key, value]) => node.setAttribute(key, value));
    children.forEach((child) => node.append(typeof child === "string" ? document.createTextNode(child) : child));
    return node;
  }
});
