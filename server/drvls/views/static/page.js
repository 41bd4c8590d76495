/* drvls preview page: tabs, and the system graph laid out by ELK (zoom, pan, search, grouping).
   Every name is set through textContent or SVG text nodes, never parsed as markup. */
(function () {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";

  function tabs() {
    var buttons = document.querySelectorAll("nav button[data-view]");
    function show(id) {
      buttons.forEach(function (b) { b.setAttribute("aria-selected", String(b.dataset.view === id)); });
      document.querySelectorAll("section.view").forEach(function (s) { s.hidden = s.id !== id; });
      document.body.dataset.view = id;
    }
    buttons.forEach(function (b) { b.addEventListener("click", function () { show(b.dataset.view); }); });
    if (buttons.length) { show(buttons[0].dataset.view); }
  }

  function post(message) {
    if (typeof acquireVsCodeApi === "function") {
      try { acquireVsCodeApi().postMessage(message); return; } catch (e) { /* already acquired */ }
    }
    window.parent.postMessage(message, "*");
  }

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVGNS, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (parent) { parent.appendChild(node); }
    return node;
  }

  function text(parent, x, y, value, cls) {
    var t = el("text", { x: x, y: y }, parent);
    if (cls) { t.setAttribute("class", cls); }
    t.textContent = value;
    return t;
  }

  function graphPage() {
    var dataEl = document.getElementById("graph-data");
    var svg = document.getElementById("graph");
    if (!dataEl || !svg) { return; }
    var data = JSON.parse(dataEl.textContent);
    var canvas = document.getElementById("canvas");
    var status = document.getElementById("status");
    var search = document.getElementById("search");
    var grouping = document.getElementById("grouping");
    var details = document.getElementById("details");
    var viewport = el("g", { id: "viewport" }, svg);
    var view = { x: 0, y: 0, k: 1 };
    var byId = {};
    data.nodes.forEach(function (n) { byId[n.id] = n; });
    var nodeEls = {};

    function apply() { viewport.setAttribute("transform", "translate(" + view.x + "," + view.y + ") scale(" + view.k + ")"); }

    function size(n) {
      var chars = Math.max(n.label.length, (n.title || "").length, n.design ? 10 : 0);
      var lines = 1 + (n.title ? 1 : 0) + (n.design ? 1 : 0);
      return { width: Math.min(Math.max(chars * 6.6 + 16, 60), 320), height: 14 * lines + 12 };
    }

    var LARGE = 150;  // nodes: above this, a flat layout (groups by partition) without edge labels
    var large = data.nodes.length > LARGE;
    // Role groups are layer partitions of one flat layout (fast); only systems with child PDs or
    // VMs (below LARGE) use nested compound nodes, which cost ELK several times more.
    var flat = large || !data.nodes.some(function (n) { return n.parent; });
    var PARTITION = { client: 0, region: 1, virtualiser: 2, device: 3, driver: 4 };

    function elkGraph(grouped) {
      var kids = {};
      data.nodes.forEach(function (n) {
        var parent = flat ? "" : (n.parent || "");
        (kids[parent] = kids[parent] || []).push(n);
      });
      function make(n) {
        var s = size(n);
        var node = { id: n.id, width: s.width, height: s.height, labels: [] };
        if (flat && grouped) {
          var part = PARTITION[n.kind === "region" ? "region" : n.role];
          node.layoutOptions = { "elk.partitioning.partition": String(part === undefined ? 1 : part) };
        }
        var inner = flat ? null : kids[n.id];
        if (inner) {
          node.children = [{ id: n.id + "__self", width: s.width, height: s.height }].concat(inner.map(make));
          node.layoutOptions = { "elk.padding": "[top=22,left=8,bottom=8,right=8]" };
        }
        return node;
      }
      var top = (kids[""] || []).map(make);
      if (grouped && !flat) {
        var groups = {};
        var order = ["driver", "virtualiser", "client", "device"];
        var rest = [];
        top.forEach(function (node) {
          var role = byId[node.id].role;
          if (order.indexOf(role) >= 0) { (groups[role] = groups[role] || []).push(node); } else { rest.push(node); }
        });
        top = rest;
        order.forEach(function (role) {
          if (groups[role]) {
            top.push({ id: "group:" + role, children: groups[role],
                       layoutOptions: { "elk.padding": "[top=26,left=10,bottom=10,right=10]" } });
          }
        });
      }
      var selfOf = {};
      data.nodes.forEach(function (n) { selfOf[n.id] = !flat && kids[n.id] ? n.id + "__self" : n.id; });
      var options = { "elk.algorithm": "layered", "elk.direction": "RIGHT", "elk.spacing.nodeNode": "18",
                      "elk.layered.spacing.nodeNodeBetweenLayers": "46",
                      "elk.hierarchyHandling": flat ? "INHERIT" : "INCLUDE_CHILDREN",
                      "elk.partitioning.activate": String(flat && grouped) };
      if (large) {
        options["elk.layered.thoroughness"] = "1";
        options["elk.edgeRouting"] = "POLYLINE";
        options["elk.layered.nodePlacement.strategy"] = "SIMPLE";
      }
      return {
        id: "root",
        layoutOptions: options,
        children: top,
        edges: data.edges.map(function (e) {
          var labels = e.label && !large ? [{ text: e.label, width: Math.min(e.label.length * 5.4 + 4, 260), height: 11 }] : [];
          return { id: e.id, sources: [selfOf[e.source]], targets: [selfOf[e.target]], labels: labels };
        })
      };
    }

    function draw(laid) {
      while (viewport.firstChild) { viewport.removeChild(viewport.firstChild); }
      nodeEls = {};
      var abs = { root: { x: 0, y: 0 } };
      var edgeLayer = el("g", { "class": "edges" });
      function walk(node, ox, oy, parentG) {
        var x = ox + (node.x || 0), y = oy + (node.y || 0);
        abs[node.id] = { x: x, y: y };
        var isGroup = node.id.indexOf("group:") === 0;
        var isSelf = /__self$/.test(node.id);
        var info = isGroup || isSelf ? null : byId[node.id];
        if (isSelf) {
          info = byId[node.id.slice(0, -6)];
        }
        var g = el("g", {}, parentG);
        if (isGroup) {
          g.setAttribute("class", "group");
          el("rect", { x: x, y: y, width: node.width, height: node.height, rx: 6 }, g);
          text(g, x + 10, y + 17, node.id.slice(6) + "s");
        } else if (info && node.children && !isSelf) {
          g.setAttribute("class", "node compound kind-" + info.kind);
          el("rect", { x: x, y: y, width: node.width, height: node.height, rx: 4 }, g);
          text(g, x + 8, y + 15, info.label);
        } else if (info) {
          var cls = "node kind-" + info.kind + (info.role ? " role-" + info.role : "");
          g.setAttribute("class", cls);
          g.dataset.id = info.id;
          el("rect", { x: x, y: y, width: node.width, height: node.height, rx: info.kind === "region" ? 10 : 3 }, g);
          var line = y + 16;
          text(g, x + 8, line, info.label);
          if (info.title) { line += 14; text(g, x + 8, line, info.title, "sub"); }
          if (info.design) { line += 14; text(g, x + 8, line, "design " + info.design, "sub"); }
          var tip = el("title", {}, g);
          tip.textContent = info.label;
          nodeEls[info.id] = g;
          g.addEventListener("click", function (ev) { ev.stopPropagation(); select(info); });
        }
        (node.children || []).forEach(function (c) { walk(c, x, y, parentG); });
      }
      var groupLayer = el("g", { "class": "groups" }, viewport);
      (laid.children || []).forEach(function (c) { walk(c, 0, 0, viewport); });
      if (flat && grouping.checked) { groupBoxes(laid, groupLayer); }
      viewport.appendChild(edgeLayer);
      var edgeInfo = {};
      data.edges.forEach(function (e) { edgeInfo[e.id] = e; });
      (laid.edges || []).forEach(function (e) {
        var info = edgeInfo[e.id];
        var off = abs[e.container || "root"] || abs.root;
        var g = el("g", { "class": "edge kind-" + info.kind }, edgeLayer);
        g.dataset.source = info.source;
        g.dataset.target = info.target;
        (e.sections || []).forEach(function (s) {
          var pts = [s.startPoint].concat(s.bendPoints || [], [s.endPoint]);
          var d = pts.map(function (p, i) { return (i ? "L" : "M") + (p.x + off.x) + " " + (p.y + off.y); }).join(" ");
          if (info.shared) { el("path", { d: d, "class": "halo " + info.shared }, g); }
          el("path", { d: d, "marker-end": info.directed ? "url(#arrow)" : "" }, g);
        });
        (e.labels || []).forEach(function (l) { text(g, off.x + l.x, off.y + l.y + 9, l.text); });
        el("title", {}, g).textContent = info.detail || info.label;
      });
      return laid;
    }

    function groupBoxes(laid, layer) {
      var boxes = {};
      (laid.children || []).forEach(function (c) {
        var role = byId[c.id] && byId[c.id].role;
        if (!role) { return; }
        var b = boxes[role] = boxes[role] || { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
        b.x0 = Math.min(b.x0, c.x); b.y0 = Math.min(b.y0, c.y);
        b.x1 = Math.max(b.x1, c.x + c.width); b.y1 = Math.max(b.y1, c.y + c.height);
      });
      Object.keys(boxes).forEach(function (role) {
        var b = boxes[role];
        var g = el("g", { "class": "group" }, layer);
        el("rect", { x: b.x0 - 10, y: b.y0 - 28, width: b.x1 - b.x0 + 20, height: b.y1 - b.y0 + 38, rx: 6 }, g);
        text(g, b.x0, b.y0 - 11, role + "s");
      });
    }

    function fit(laid) {
      var w = canvas.clientWidth, h = canvas.clientHeight;
      var k = Math.min(w / (laid.width + 20), h / (laid.height + 20), 1.5);
      view.k = k > 0 ? k : 1;
      view.x = (w - laid.width * view.k) / 2;
      view.y = Math.max(10, (h - laid.height * view.k) / 2);
      apply();
    }

    function select(info) {
      Object.keys(nodeEls).forEach(function (id) { nodeEls[id].classList.toggle("selected", id === info.id); });
      details.hidden = false;
      while (details.firstChild) { details.removeChild(details.firstChild); }
      var h = document.createElement("h3");
      h.textContent = info.label;
      details.appendChild(h);
      var dl = document.createElement("dl");
      var rows = [["kind", info.kind], ["role", info.role || ""], ["design", info.design || ""],
                  ["", info.title || ""]];
      if (info.place) {
        rows.push(["defined", (info.place.path || "this file") + ":" + (info.place.line + 1)]);
      }
      rows.forEach(function (r) {
        if (!r[1]) { return; }
        var dt = document.createElement("dt"); dt.textContent = r[0];
        var dd = document.createElement("dd"); dd.textContent = r[1];
        dl.appendChild(dt); dl.appendChild(dd);
      });
      details.appendChild(dl);
      if (info.place) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = "Go to definition";
        button.addEventListener("click", function () { reveal(info); });
        details.appendChild(button);
      }
      reveal(info);
    }

    function reveal(info) {
      post({ type: "drvls.reveal", key: info.id, name: info.label, place: info.place || null });
    }

    function find() {
      var q = search.value.trim().toLowerCase();
      var hits = [];
      Object.keys(nodeEls).forEach(function (id) {
        var match = q !== "" && byId[id].label.toLowerCase().indexOf(q) >= 0;
        nodeEls[id].classList.toggle("match", match);
        nodeEls[id].classList.toggle("dim", q !== "" && !match);
        if (match) { hits.push(id); }
      });
      status.textContent = q ? hits.length + " match" + (hits.length === 1 ? "" : "es") : shown;
      return hits;
    }

    function centre(id) {
      var r = nodeEls[id].querySelector("rect");
      var x = Number(r.getAttribute("x")) + Number(r.getAttribute("width")) / 2;
      var y = Number(r.getAttribute("y")) + Number(r.getAttribute("height")) / 2;
      view.k = Math.max(view.k, 1);
      view.x = canvas.clientWidth / 2 - x * view.k;
      view.y = canvas.clientHeight / 2 - y * view.k;
      apply();
    }

    var defs = el("defs", {}, svg);
    var marker = el("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7,
                                markerHeight: 7, orient: "auto-start-reverse" }, defs);
    el("path", { d: "M0 0 L10 5 L0 10 z", fill: "#555" }, marker);
    var shown = data.nodes.length + " nodes, " + data.edges.length + " edges" +
        (large ? " (large: edge labels on hover)" : "");
    var last = null;
    function layout() {
      var started = performance.now();
      document.body.dataset.layout = "running";
      status.textContent = "laying out " + shown + "…";
      var elk = new ELK();
      return elk.layout(elkGraph(grouping.checked)).then(function (laid) {
        last = draw(laid);
        fit(laid);
        status.textContent = shown;
        find();
        document.body.dataset.layoutMs = String(Math.round(performance.now() - started));
        document.body.dataset.layout = "done";
      }).catch(function (err) {
        status.textContent = "layout failed: " + err;
        document.body.dataset.layout = "failed";
      });
    }

    search.addEventListener("input", find);
    search.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") { var hits = find(); if (hits.length) { centre(hits[0]); } }
    });
    grouping.addEventListener("change", layout);
    document.getElementById("fit").addEventListener("click", function () { if (last) { fit(last); } });
    canvas.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var rect = canvas.getBoundingClientRect();
      var px = ev.clientX - rect.left, py = ev.clientY - rect.top;
      var factor = Math.exp(-ev.deltaY * 0.0015);
      var k = Math.min(Math.max(view.k * factor, 0.05), 8);
      view.x = px - (px - view.x) * (k / view.k);
      view.y = py - (py - view.y) * (k / view.k);
      view.k = k;
      apply();
    }, { passive: false });
    var drag = null;
    canvas.addEventListener("mousedown", function (ev) {
      if (ev.target.closest && ev.target.closest("#details")) { return; }
      drag = { x: ev.clientX - view.x, y: ev.clientY - view.y };
      canvas.classList.add("dragging");
    });
    window.addEventListener("mousemove", function (ev) {
      if (drag) { view.x = ev.clientX - drag.x; view.y = ev.clientY - drag.y; apply(); }
    });
    window.addEventListener("mouseup", function () { drag = null; canvas.classList.remove("dragging"); });
    layout();
  }

  tabs();
  graphPage();
}());
