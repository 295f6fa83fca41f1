// teslafleet's page script: live values from /api/stream, and controls
// that call /api/services with the session's CSRF token, showing progress
// and failures next to the control. Without it, every form still works.
"use strict";
(function () {
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  if (!csrfMeta) return; // not signed in
  const csrf = csrfMeta.content;
  const rules = JSON.parse(document.getElementById("format-rules").textContent);
  const live = document.getElementById("live");

  // fmt shows a state as the server does (format.go's table).
  function fmt(platform, st) {
    const s = st.state, a = st.attributes || {};
    if (rules.names && rules.names[s]) return rules.names[s];
    if (s === "unavailable") return "Unavailable";
    if (s === "unknown" || s === "") return "—";
    if (platform === "binary_sensor") {
      const w = rules.binary[a.device_class || ""] || rules.binary[""];
      return s === "on" ? w[1] : w[0];
    }
    if (a.device_class === "timestamp") {
      const t = new Date(s);
      if (!isNaN(t)) return t.toLocaleDateString("en-GB", { weekday: "short" }) + " " +
        t.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
    }
    const d = rules.decimals[a.unit_of_measurement];
    if (d !== undefined && s.trim() !== "" && !isNaN(Number(s))) {
      const v = Number(Number(s).toFixed(d));
      return (v === 0 ? 0 : v).toFixed(d);
    }
    if (s === s.toLowerCase() && isNaN(Number(s))) {
      const h = s.replace(/_/g, " ");
      return h.charAt(0).toUpperCase() + h.slice(1);
    }
    return s;
  }

  // apply puts a new state into every element that shows that entity.
  const known = {}; // the latest state of each entity the page has seen
  function apply(st) {
    const id = st.entity_id, platform = id.split(".")[0];
    known[id] = st;
    document.querySelectorAll('[data-entity="' + CSS.escape(id) + '"]').forEach(function (el) {
      const show = el.dataset.show || "";
      if (show === "state") el.textContent = fmt(platform, st);
      else if (show === "unit") el.textContent = st.attributes.unit_of_measurement ? " " + st.attributes.unit_of_measurement : "";
      else if (show === "meter") el.value = Number(st.state) || 0;
      else if (show === "switch") {
        const on = platform === "climate" ? st.state !== "off" : st.state === "on";
        el.setAttribute("aria-checked", on ? "true" : "false");
        el.value = on ? "turn_off" : "turn_on";
        el.disabled = st.state === "unavailable";
      } else if (show === "input") {
        if (document.activeElement !== el && !el.closest("form").classList.contains("busy")) el.value = st.state;
        el.disabled = st.state === "unavailable";
      } else if (show.startsWith("attr:")) {
        const v = st.attributes[show.slice(5)];
        if (v !== undefined && v !== null && document.activeElement !== el)
          el.value = el.dataset.scale ? Math.round(v * Number(el.dataset.scale)) : v;
      } else if (show === "enable-on") el.disabled = st.state !== "on";
      else if (show === "awake") {
        el.dataset.state = st.state;
        el.textContent = st.state === "on" ? "Awake" : st.state === "off" ? "Asleep" : fmt(platform, st);
      } else if (show === "opening") {
        el.hidden = st.state !== "on";
        const dd = el.closest("dd");
        const closed = dd && dd.querySelector(".all-closed");
        if (closed) closed.hidden = !!dd.querySelector(".opening:not([hidden])");
      } else if (show === "flow") {
        el.dataset.state = st.state;
      }
    });
  }

  // The event stream: reconnects with a growing pause; on reconnect the
  // page's values may be stale, so it reloads them from /api/states.
  let retry = 1000, wasOpen = false;
  function connect() {
    const es = new EventSource("/api/stream");
    es.onopen = function () {
      live.hidden = true;
      if (wasOpen) refresh();
      wasOpen = true; retry = 1000;
    };
    es.onmessage = function (m) {
      if (m.data === "ping") return;
      let ev;
      try { ev = JSON.parse(m.data); } catch (e) { return; }
      if (ev.event_type === "state_changed" && ev.data.new_state) apply(ev.data.new_state);
    };
    es.onerror = function () {
      es.close();
      live.hidden = false; live.textContent = "Reconnecting…";
      setTimeout(connect, retry); retry = Math.min(retry * 2, 30000);
    };
  }
  function refresh() {
    fetch("/api/states", { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (all) { all.forEach(apply); });
  }
  if (document.querySelector("[data-entity]")) connect();

  // The vehicle a control belongs to, when it is asleep: its card says.
  function asleep(form) {
    const card = form.closest("[data-device]");
    const badge = card && card.querySelector('[data-show="awake"]');
    return badge && badge.dataset.state === "off" ? card.querySelector("h2").textContent : "";
  }
  const numeric = { value: 1, temperature: 1, volume_level: 1 };

  // Controls: a form's service call through the API.
  document.addEventListener("submit", function (e) {
    const form = e.target;
    if (!form.classList.contains("call")) return;
    e.preventDefault();
    const fd = new FormData(form, e.submitter);
    const body = { entity_id: fd.get("entity_id") };
    fd.forEach(function (v, k) {
      if (["csrf", "domain", "service", "entity_id"].indexOf(k) >= 0 || v === "") return;
      body[k] = numeric[k] ? Number(v) / (k === "volume_level" ? 100 : 1) : v;
    });
    const msg = form.querySelector(".msg");
    // Home Assistant skips unavailable targets without an error; say so
    // rather than show "Done" for a call that sends nothing.
    const shownState = document.querySelector('[data-entity="' + CSS.escape(body.entity_id) + '"][data-show="state"]');
    if (shownState && shownState.textContent === "Unavailable") {
      form.classList.add("failed");
      msg.textContent = "Not sent: this entity is unavailable until its data comes back.";
      return;
    }
    const sleeping = asleep(form);
    form.classList.add("busy"); form.classList.remove("failed");
    msg.textContent = sleeping ? "Waking " + sleeping + "…" : "Sending…";
    fetch("/api/services/" + fd.get("domain") + "/" + fd.get("service"), {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body),
    }).then(function (r) {
      return r.text().then(function (t) {
        let j = null; try { j = JSON.parse(t); } catch (x) { /* plain text */ }
        if (!r.ok) throw new Error((j && j.message) || t || r.statusText);
        (Array.isArray(j) ? j : []).forEach(apply);
      });
    }).then(function () {
      msg.textContent = "Done"; setTimeout(function () { if (msg.textContent === "Done") msg.textContent = ""; }, 4000);
    }, function (err) {
      form.classList.add("failed"); msg.textContent = err.message;
      // The refused value is not the entity's: show its own again.
      form.querySelectorAll('[data-show="input"]').forEach(function (el) {
        el.value = known[body.entity_id] ? known[body.entity_id].state : el.defaultValue;
      });
    }).finally(function () { form.classList.remove("busy"); });
  });

  // A select sends itself; a slider shows its value in its number box.
  document.addEventListener("change", function (e) {
    const el = e.target;
    if (el.matches("select[data-autosubmit]")) el.form.requestSubmit();
    if (el.matches('input[type="range"]') && el.form.classList.contains("number")) {
      const box = el.form.querySelector('input[type="number"]');
      if (box) box.value = el.value;
      el.form.requestSubmit();
    }
  });
  document.addEventListener("input", function (e) {
    const el = e.target;
    if (el.matches('input[type="range"]')) {
      const box = el.form && el.form.querySelector('input[type="number"]');
      if (box) box.value = el.value;
    }
  });
  // Setup steps: a step can take a while (doctor asks Tesla several
  // things); say so, and keep the button from sending it twice.
  document.addEventListener("submit", function (e) {
    const form = e.target;
    if (!form.classList.contains("step-run")) return;
    if (form.getAttribute("aria-busy") === "true") { e.preventDefault(); return; }
    form.setAttribute("aria-busy", "true");
    const b = form.querySelector("button");
    if (b) b.textContent = b.textContent + "…";
  });
})();
