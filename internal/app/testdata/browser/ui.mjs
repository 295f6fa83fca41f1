// Drives Debian's chromium through teslafleet's web UI, against a demo that
// internal/app's TestBrowserUI started. Expected values come from the REST
// API (/api/states, /api/teslafleet/…) and the simulator's /_sim/ controls,
// never from the page itself.
//
// Environment: TF_BASE (the demo's URL), TF_TOKEN (its API token), TF_SIM
// (the simulated Tesla cloud's URL), TF_SHOTS (where screenshots go),
// TF_CHROMIUM (the browser; /usr/bin/chromium). Playwright gives the
// browser a fresh --user-data-dir of its own under TMPDIR (it refuses one
// in args), which the Go test points at its temporary directory.
//
// Prints one JSON line per step: {"step", "ms", "failures": [...],
// "notes": [...]}; the Go test reports them. The process exits 0 unless
// the script itself broke.
import { chromium } from "playwright-core";
import fs from "node:fs";
import path from "node:path";

const BASE = process.env.TF_BASE;
const TOKEN = process.env.TF_TOKEN;
const SIM = process.env.TF_SIM;
const SHOTS = process.env.TF_SHOTS;
const PASSWORD = "correct horse battery";
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

// ---- the API and the simulator -------------------------------------------

async function api(method, p, body) {
  const r = await fetch(BASE + p, {
    method,
    headers: { Authorization: "Bearer " + TOKEN, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, json, text };
}
async function states() {
  const r = await api("GET", "/api/states");
  if (r.status !== 200) throw new Error("GET /api/states: " + r.status + " " + r.text);
  return new Map(r.json.map((s) => [s.entity_id, s]));
}
async function sim(method, p, body) {
  const r = await fetch(SIM + p, {
    method, headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(method + " " + p + ": " + r.status + " " + text);
  return JSON.parse(text);
}
async function simVehicle(vin) {
  const w = await sim("GET", "/_sim/world");
  const v = w.vehicles.find((x) => x.vin === vin);
  if (!v) throw new Error("the simulator has no vehicle " + vin);
  return v;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// until polls fn (async, returning a truthy value when done) for up to ms;
// it returns the last value, so the caller can say what it saw.
async function until(ms, fn) {
  const end = Date.now() + ms;
  let v;
  for (;;) {
    v = await fn();
    if (v && v.ok !== false) return v;
    if (Date.now() > end) return v;
    await sleep(200);
  }
}

// ---- steps -----------------------------------------------------------------

class Step {
  constructor(name) { this.name = name; this.failures = []; this.notes = []; }
  fail(msg) { this.failures.push(msg); }
  note(msg) { this.notes.push(msg); }
  check(cond, msg) { if (!cond) this.fail(msg); return !!cond; }
}

async function step(name, fn) {
  const s = new Step(name);
  const t0 = Date.now();
  try {
    await fn(s);
  } catch (e) {
    s.fail("threw: " + (e && e.stack ? e.stack.split("\n").slice(0, 4).join("\n") : String(e)));
  }
  emit({ step: name, ms: Date.now() - t0, failures: s.failures, notes: s.notes });
  return s.failures.length === 0;
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, name + ".png"), fullPage: true });
}

// signIn signs the page in with the password (or, when given, a secret).
async function signIn(page, secret = PASSWORD) {
  await page.goto(BASE + "/login");
  if (!page.url().includes("/login")) return; // already signed in
  await page.fill("#secret", secret);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.click("form button[type=submit]")]);
}

// valueOf reads the text a card shows for an entity.
async function shown(scope, entityId) {
  const el = scope.locator(`[data-entity="${entityId}"][data-show="state"]`).first();
  return (await el.textContent()).trim();
}

// sameNumber compares a shown number with the API's, to the precision the
// page shows (the digits after its decimal point).
function sameNumber(shownText, apiState) {
  const m = /^-?\d+(?:\.(\d+))?$/.exec(shownText.replace(/,/g, ""));
  if (!m) return false;
  const digits = m[1] ? m[1].length : 0;
  return Math.abs(Number(shownText) - Number(apiState)) <= 0.5 * 10 ** -digits + 1e-9;
}
// sameWord compares a shown enum ("Charging", "Self consumption") with the
// API's state ("charging", "self_consumption").
function sameWord(shownText, apiState) {
  return shownText.toLowerCase().replace(/ /g, "_") === String(apiState).toLowerCase();
}

// watchMsg records every text a form's output.msg shows, from now on.
async function watchMsg(form) {
  await form.evaluate((f) => {
    const out = f.querySelector("output.msg");
    f.__msgs = [];
    new MutationObserver(() => f.__msgs.push(out.textContent)).observe(out, { childList: true, characterData: true, subtree: true });
  });
}
async function waitMsgDone(form, ms = 30000) {
  await form.evaluate((f, ms) => new Promise((resolve) => {
    const end = Date.now() + ms;
    (function poll() {
      if (!f.classList.contains("busy") && f.__msgs.length && (f.__msgs.includes("Done") || f.classList.contains("failed"))) return resolve();
      if (Date.now() > end) return resolve();
      setTimeout(poll, 50);
    })();
  }, ms));
  return form.evaluate((f) => ({ msgs: f.__msgs, failed: f.classList.contains("failed"), text: f.querySelector("output.msg").textContent }));
}

// overflow says whether a page scrolls sideways, and what sticks out.
async function overflow(page) {
  return page.evaluate(() => {
    const de = document.documentElement;
    const wide = [];
    if (de.scrollWidth > window.innerWidth) {
      for (const el of document.querySelectorAll("body *")) {
        const r = el.getBoundingClientRect();
        if (r.right > window.innerWidth + 0.5 && r.width > 0) {
          wide.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.trim().replace(/\s+/g, ".") : "") + " right=" + Math.round(r.right));
          if (wide.length >= 6) break;
        }
      }
    }
    return { scrollWidth: de.scrollWidth, innerWidth: window.innerWidth, wide };
  });
}

// unnamed lists the page's controls without an accessible name, as
// Chromium's accessibility tree computes it.
const controlRoles = new Set(["button", "textbox", "spinbutton", "slider", "combobox", "switch", "checkbox", "radio",
  "link", "searchbox", "listbox", "menuitem", "tab", "meter", "progressbar"]);
async function unnamed(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send("Accessibility.enable");
    const { nodes } = await cdp.send("Accessibility.getFullAXTree");
    const bad = [];
    for (const n of nodes) {
      if (n.ignored || !n.role || !controlRoles.has(n.role.value)) continue;
      const name = n.name && n.name.value ? String(n.name.value).trim() : "";
      if (name) continue;
      let desc = n.role.value;
      if (n.backendDOMNodeId) {
        try {
          const { node } = await cdp.send("DOM.describeNode", { backendNodeId: n.backendDOMNodeId });
          const a = node.attributes || [];
          const attrs = [];
          for (let i = 0; i < a.length; i += 2) if (["id", "name", "type", "class", "data-entity", "value"].includes(a[i])) attrs.push(`${a[i]}="${a[i + 1]}"`);
          desc = `<${node.localName} ${attrs.join(" ")}> (role ${n.role.value})`;
        } catch { /* keep the role */ }
      }
      bad.push(desc);
    }
    return bad;
  } finally {
    await cdp.detach();
  }
}

// ---- the run ---------------------------------------------------------------

const browser = await chromium.launch({
  executablePath: process.env.TF_CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const ctx = await browser.newContext({ viewport: DESKTOP });
const page = await ctx.newPage();
const consoleErrors = [];
// Script errors, and the page's own files (styles, script, images) that
// failed to load; a form's or a fetch's error status is the steps' to judge.
page.on("console", (m) => { if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) consoleErrors.push(m.text()); });
page.on("response", (r) => {
  if (r.status() >= 400 && ["stylesheet", "script", "image", "font"].includes(r.request().resourceType())) consoleErrors.push(r.status() + " " + r.url());
});
page.on("pageerror", (e) => consoleErrors.push(String(e)));

const devices = (await api("GET", "/api/teslafleet/devices")).json || [];
const vehicles = devices.filter((d) => d.kind === "vehicle");
const sites = devices.filter((d) => d.kind === "energy_site");
// The demo fleet: Midnight (signed commands, charging) and Voyager (REST).
const midnight = vehicles.find((v) => v.name === "Midnight") || vehicles[0];
const voyager = vehicles.find((v) => v.name === "Voyager") || vehicles[1];
const entityOf = (dev, suffix) => dev.entities.find((e) => e.endsWith(suffix));
// Pages that exist (the ones still being built answer 404 and are skipped).
const pages = [["dashboard", "/"], ["entities", "/entities"], ["history", "/history"], ["cost", "/cost"], ["setup", "/setup"]];

await step("signin", async (s) => {
  await page.goto(BASE + "/");
  s.check(new URL(page.url()).pathname === "/login", "an anonymous visit to / should land on /login, got " + page.url());
  await shot(page, "login-first-run-desktop");
  s.check(await page.locator("#password").count() === 1 && await page.locator("#password2").count() === 1,
    "the first run's sign-in form should offer #password and #password2");

  // A wrong token on the first run.
  await page.fill("#secret", "not-the-token");
  await page.click("form button[type=submit]");
  const err = page.locator("p.error[role=alert]");
  s.check(await err.count() === 1 && /API token/.test(await err.textContent()),
    "a wrong token should show an error about the API token, page says: " + (await err.count() ? await err.textContent() : "(no error)"));

  // Mismatched passwords are refused, and the password is not set.
  await page.fill("#secret", TOKEN);
  await page.fill("#password", PASSWORD);
  await page.fill("#password2", PASSWORD + "x");
  await page.click("form button[type=submit]");
  s.check(await err.count() === 1 && (await page.locator("#password").count()) === 1,
    "different passwords should be refused with an error on the first-run form");

  // The token with a new password.
  await page.fill("#secret", TOKEN);
  await page.fill("#password", PASSWORD);
  await page.fill("#password2", PASSWORD);
  await Promise.all([page.waitForURL(BASE + "/"), page.click("form button[type=submit]")]);
  s.check(await page.locator("section.card[data-device]").count() > 0, "the dashboard after sign-in shows no device card");
  const cookies = await ctx.cookies(BASE);
  const sess = cookies.find((c) => c.name === "teslafleet_session");
  s.check(sess && sess.httpOnly && sess.sameSite === "Lax", "the session cookie should be HTTP-only and SameSite=Lax: " + JSON.stringify(sess));

  // Sign out: the session is gone.
  await Promise.all([page.waitForURL(/\/login/), page.click("form.logout button")]);
  await page.goto(BASE + "/entities");
  s.check(new URL(page.url()).pathname === "/login", "after signing out, /entities should send to /login, got " + page.url());
  s.check(await page.locator("#password").count() === 0, "after the password was set, the sign-in form should not offer to set one");
  await shot(page, "login-desktop");

  // A wrong password.
  await page.fill("#secret", "wrong password");
  await page.click("form button[type=submit]");
  s.check(await err.count() === 1 && /wrong password/i.test(await err.textContent()),
    "a wrong password should show an error, page says: " + (await err.count() ? await err.textContent() : "(no error)"));
  await shot(page, "login-wrong-password-desktop");

  // The password, and back to the page asked for.
  await page.fill("#secret", PASSWORD);
  await Promise.all([page.waitForURL(BASE + "/entities"), page.click("form button[type=submit]")]);
  s.check(new URL(page.url()).pathname === "/entities", "signing in should return to /entities, got " + page.url());
});

await signIn(page); // the steps below need a session, whatever happened above

await step("dashboard_values", async (s) => {
  await page.goto(BASE + "/");
  for (const d of devices) {
    s.check(await page.locator(`section.card[data-device="${d.id}"]`).count() === 1, `no card for ${d.kind} ${d.name} (${d.id})`);
  }
  // What each vehicle card shows, found by its labels; the entities must
  // be the device's, of the right kind, and equal to /api/states.
  const read = async () => {
    const out = [];
    for (const v of vehicles) {
      const card = page.locator(`section.card[data-device="${v.id}"]`);
      const battery = await card.locator(".big [data-show=state]").getAttribute("data-entity");
      const range = await card.locator("dt:text-is('Range') + dd [data-show=state]").getAttribute("data-entity");
      const charging = await card.locator("dt:text-is('Charging') + dd [data-show=state]").getAttribute("data-entity");
      out.push({ v, battery, range, charging,
        shown: { battery: await shown(card, battery), range: await shown(card, range), charging: await shown(card, charging) } });
    }
    for (const site of sites) {
      const card = page.locator(`section.card[data-device="${site.id}"]`);
      const level = await card.locator("dt:text-is('Battery') + dd [data-show=state]").getAttribute("data-entity");
      out.push({ v: site, level, shown: { level: await shown(card, level) } });
    }
    return out;
  };
  const compare = async () => {
    const seen = await read();
    const st = await states();
    const bad = [];
    for (const r of seen) {
      const own = (id, what) => {
        if (!id || !r.v.entities.includes(id)) bad.push(`${r.v.name}: the ${what} shown (${id}) is not one of its entities`);
        return st.get(id);
      };
      if (r.v.kind === "vehicle") {
        const b = own(r.battery, "battery"), g = own(r.range, "range"), c = own(r.charging, "charging state");
        if (b && (b.attributes.device_class !== "battery" || b.attributes.unit_of_measurement !== "%")) bad.push(`${r.v.name}: ${r.battery} is not a battery level: ${JSON.stringify(b.attributes)}`);
        if (g && g.attributes.device_class !== "distance") bad.push(`${r.v.name}: ${r.range} is not a distance`);
        if (b && !sameNumber(r.shown.battery, b.state)) bad.push(`${r.v.name}: battery shown ${r.shown.battery}, API ${b.state}`);
        if (g && !sameNumber(r.shown.range, g.state)) bad.push(`${r.v.name}: range shown ${r.shown.range}, API ${g.state}`);
        if (c && !sameWord(r.shown.charging, c.state)) bad.push(`${r.v.name}: charging shown ${r.shown.charging}, API ${c.state}`);
      } else {
        const l = own(r.level, "battery level");
        if (l && !sameNumber(r.shown.level, l.state)) bad.push(`${r.v.name}: battery shown ${r.shown.level}, API ${l.state}`);
      }
    }
    return { ok: bad.length === 0, bad, seen };
  };
  // The world moves (Midnight charges): equal within a few seconds.
  const res = await until(10000, compare);
  for (const b of res.bad) s.fail(b);
  s.note("shown: " + res.seen.map((r) => `${r.v.name} ${JSON.stringify(r.shown)}`).join("; "));
  // The units shown are the API's.
  const st = await states();
  const r0 = res.seen[0];
  const unit = await page.locator(`[data-entity="${r0.range}"][data-show="unit"]`).first().textContent();
  s.check(unit.trim() === st.get(r0.range).attributes.unit_of_measurement, `range unit shown "${unit.trim()}", API ${st.get(r0.range).attributes.unit_of_measurement}`);
  await shot(page, "dashboard-desktop");

  // A value that changes in the car reaches the page without a reload:
  // Voyager's battery level, set in the simulator.
  await page.evaluate(() => { window.__noReload = true; });
  const rv = res.seen.find((r) => r.v.id === voyager.id);
  const level = Number((await states()).get(rv.battery).state) > 50 ? 42 : 64;
  await sim("PATCH", "/_sim/vehicles/" + voyager.id, { battery_level: level });
  const card = page.locator(`section.card[data-device="${voyager.id}"]`);
  const live = await until(20000, async () => {
    const api = (await states()).get(rv.battery).state;
    const text = await shown(card, rv.battery);
    // The car reports its level as it likes (usable, rounded down): near
    // the level set, and the page shows what the API has.
    return { ok: Math.abs(Number(api) - level) <= 2 && sameNumber(text, api), api, text };
  });
  s.check(live.ok, `${voyager.name}'s battery set to ${level} in the simulator: /api/states has ${live.api}, the page shows ${live.text}`);
  const meter = await card.locator("meter[data-show=meter]").first().evaluate((m) => m.value);
  s.check(Math.abs(meter - Number(live.api)) < 1, `the battery meter shows ${meter}, the API ${live.api}`);
  s.check(await page.evaluate(() => window.__noReload === true), "the page reloaded");
});

await step("sentry_toggle", async (s) => {
  await page.goto(BASE + "/");
  await page.evaluate(() => { window.__noReload = true; });
  const id = entityOf(midnight, "_sentry_mode");
  const sw = page.locator(`section.card[data-device="${midnight.id}"] form.call button[role=switch][data-entity="${id}"]`);
  const before = (await simVehicle(midnight.id)).sentry_mode;
  s.check((await sw.getAttribute("aria-checked")) === String(before), `the switch shows ${await sw.getAttribute("aria-checked")}, the simulated car's sentry_mode is ${before}`);
  const form = sw.locator("xpath=ancestor::form[1]");
  await watchMsg(form);
  await sw.click();
  const r = await waitMsgDone(form);
  s.check(r.msgs.includes("Done") && !r.failed, "toggling sentry mode: the form said " + JSON.stringify(r.msgs));
  const car = await until(5000, async () => { const v = await simVehicle(midnight.id); return { ok: v.sentry_mode === !before, v }; });
  s.check(car.ok, `the simulated car's sentry_mode is ${car.v.sentry_mode} after the toggle, want ${!before}`);
  s.check((await sw.getAttribute("aria-checked")) === String(!before), "the switch did not follow the toggle");
  const api1 = (await states()).get(id);
  s.check(api1.state === (!before ? "on" : "off"), `/api/states has ${id} ${api1.state}`);

  // With the keyboard: focus the switch and press Space.
  await watchMsg(form);
  await sw.focus();
  await page.keyboard.press("Space");
  const r2 = await waitMsgDone(form);
  s.check(r2.msgs.includes("Done"), "toggling with the keyboard: the form said " + JSON.stringify(r2.msgs));
  const car2 = await until(5000, async () => { const v = await simVehicle(midnight.id); return { ok: v.sentry_mode === before, v }; });
  s.check(car2.ok, `after the keyboard toggle the simulated car's sentry_mode is ${car2.v.sentry_mode}, want ${before}`);

  // A change in the car (not through the page) shows up live.
  await sim("PATCH", "/_sim/vehicles/" + midnight.id, { sentry_mode: !before });
  const live = await until(20000, async () => ({ ok: (await sw.getAttribute("aria-checked")) === String(!before) }));
  s.check(live.ok, "sentry mode switched on in the simulated car did not reach the page within 20 s");
  await sim("PATCH", "/_sim/vehicles/" + midnight.id, { sentry_mode: before });
  const back = await until(20000, async () => ({ ok: (await sw.getAttribute("aria-checked")) === String(before) }));
  s.check(back.ok, "sentry mode switched back in the simulated car did not reach the page within 20 s");
  s.check(await page.evaluate(() => window.__noReload === true), "the page reloaded");
});

// setLimit sets a car's charge limit through its card's form and returns
// what the form said.
async function setLimit(dev, value) {
  const id = entityOf(dev, "_charge_limit");
  const form = page.locator(`section.card[data-device="${dev.id}"] form.call.number[data-entity="${id}"]`);
  await watchMsg(form);
  await form.locator("input[type=number][name=value]").fill(String(value));
  await form.locator("button[type=submit]").click();
  return { id, form, result: await waitMsgDone(form, 60000) };
}

await step("charge_limit", async (s) => {
  await page.goto(BASE + "/");
  await page.evaluate(() => { window.__noReload = true; });
  const was = (await simVehicle(midnight.id)).charge_limit;
  const want = was === 72 ? 73 : 72;
  const { id, form, result } = await setLimit(midnight, want);
  s.check(result.msgs.includes("Done") && !result.failed, "setting the charge limit: the form said " + JSON.stringify(result.msgs));
  const car = await until(5000, async () => { const v = await simVehicle(midnight.id); return { ok: v.charge_limit === want, v }; });
  s.check(car.ok, `the simulated car's charge_limit is ${car.v.charge_limit}, want ${want}`);
  const apiLimit = (await states()).get(id).state;
  s.check(Number(apiLimit) === want, `/api/states has ${id} ${apiLimit}, want ${want}`);

  // A change through the API (another client) moves the page's inputs.
  const other = want + 5;
  const r = await api("POST", "/api/services/number/set_value", { entity_id: id, value: other });
  s.check(r.status === 200, "set_value through the API: " + r.status + " " + r.text);
  const live = await until(10000, async () => {
    const vals = await form.evaluate((f) => [...f.querySelectorAll("input[data-show=input]")].map((i) => i.value));
    return { ok: vals.length === 2 && vals.every((v) => Number(v) === other), vals };
  });
  s.check(live.ok, `the charge limit set to ${other} elsewhere shows ${JSON.stringify(live.vals)} on the page`);
  s.check(await page.evaluate(() => window.__noReload === true), "the page reloaded");
});

await step("sleeping_car", async (s) => {
  await page.goto(BASE + "/");
  await page.evaluate(() => { window.__noReload = true; });
  const card = page.locator(`section.card[data-device="${voyager.id}"]`);
  const badge = card.locator("header .badge[data-show=awake]");
  await sim("PATCH", "/_sim/vehicles/" + voyager.id, { state: "asleep" });
  const asleep = await until(30000, async () => ({ ok: (await badge.getAttribute("data-state")) === "off", text: await badge.textContent() }));
  s.check(asleep.ok, `${voyager.name} was put to sleep in the simulator; the badge still says "${asleep.text}" after 30 s`);
  s.check((await simVehicle(voyager.id)).state === "asleep", "the simulated car woke before the command");
  await shot(page, "dashboard-asleep-desktop");
  const was = (await simVehicle(voyager.id)).charge_limit;
  const want = was === 80 ? 81 : 80;
  const { id, form, result } = await setLimit(voyager, want);
  const waking = result.msgs.findIndex((m) => m === `Waking ${voyager.name}…`);
  const done = result.msgs.indexOf("Done");
  s.check(waking >= 0, `the form should say "Waking ${voyager.name}…" first; it said ${JSON.stringify(result.msgs)}`);
  s.check(done > waking && !result.failed, `the form should then say "Done"; it said ${JSON.stringify(result.msgs)}`);
  const car = await simVehicle(voyager.id);
  s.check(car.state === "online" && car.charge_limit === want, `the simulated car is ${car.state} with charge_limit ${car.charge_limit}, want online with ${want}`);
  s.check(Number(await form.locator("input[type=number]").inputValue()) === want, "the input does not show the new limit");
  const awake = await until(20000, async () => ({ ok: (await badge.getAttribute("data-state")) === "on", text: await badge.textContent() }));
  s.check(awake.ok, `the badge says "${awake.text}" 20 s after the car woke`);
  const apiLimit = (await states()).get(id).state;
  s.check(Number(apiLimit) === want, `/api/states has ${id} ${apiLimit}, want ${want}`);
  s.check(await page.evaluate(() => window.__noReload === true), "the page reloaded");
});

await step("refused_value", async (s) => {
  await page.goto(BASE + "/");
  const id = entityOf(voyager, "_charge_limit");
  const limit = (await states()).get(id);
  const before = (await simVehicle(voyager.id)).charge_limit;
  // A value below the entity's minimum: the input's min stops a person, so
  // take it away, as an old browser would not have it, and let the API say.
  const low = limit.attributes.min - 20;
  const form = page.locator(`section.card[data-device="${voyager.id}"] form.call.number[data-entity="${id}"]`);
  await form.evaluate((f) => f.querySelectorAll("input").forEach((i) => { i.removeAttribute("min"); i.removeAttribute("max"); }));
  const expected = await api("POST", "/api/services/number/set_value", { entity_id: id, value: low });
  s.check(expected.status === 400 && expected.json && expected.json.message, "the API should refuse " + low + ": " + expected.status + " " + expected.text);
  const r1 = (await setLimit(voyager, low)).result;
  s.check(r1.failed && r1.text === expected.json.message, `the form should show the API's "${expected.json.message}"; it shows "${r1.text}" (${JSON.stringify(r1.msgs)})`);
  s.check((await simVehicle(voyager.id)).charge_limit === before, "the refused value reached the car");
  await shot(page, "dashboard-refused-desktop");

  // The car refuses a command: the simulator answers result:false twice,
  // once to the API (the expected message) and once to the page.
  await sim("POST", "/_sim/faults", {
    method: "POST", path: `/api/1/vehicles/${voyager.id}/command/set_charge_limit`, status: 200, count: 2,
    body: JSON.stringify({ response: { result: false, reason: "not_in_park" } }),
  });
  const value = before === 90 ? 91 : 90;
  const exp2 = await api("POST", "/api/services/number/set_value", { entity_id: id, value });
  s.check(exp2.status >= 400 && exp2.json && exp2.json.message, "the API should fail when the car refuses: " + exp2.status + " " + exp2.text);
  const r2 = (await setLimit(voyager, value)).result;
  s.check(r2.failed && r2.text === (exp2.json && exp2.json.message), `the form should show "${exp2.json && exp2.json.message}"; it shows "${r2.text}"`);
  const left = await sim("GET", "/_sim/faults");
  s.check(left.faults.length === 0, "the page's command did not reach the simulator: " + JSON.stringify(left.faults));
  await sim("DELETE", "/_sim/faults");
  s.check((await simVehicle(voyager.id)).charge_limit === before, "the refused command changed the car");
});

await step("entities_page", async (s) => {
  await page.goto(BASE + "/entities");
  const st = await states();
  const rows = new Set(await page.locator(".row[id]").evaluateAll((els) => els.map((e) => e.id)));
  const missing = [...st.keys()].filter((id) => !rows.has(id));
  s.check(missing.length === 0, `${missing.length} entities of /api/states have no row: ${missing.slice(0, 8).join(", ")}`);
  // Each control-platform entity has its control.
  const noCtl = [];
  for (const id of st.keys()) {
    const platform = id.split(".")[0];
    if (!["switch", "number", "select", "climate", "cover", "lock", "button", "media_player"].includes(platform)) continue;
    if (await page.locator(`[id="${id}"] form.call`).count() === 0) noCtl.push(id);
  }
  s.check(noCtl.length === 0, "entities without a control: " + noCtl.slice(0, 8).join(", "));
  // A disabled entity: listed, and its Enable button makes it live.
  const enable = page.locator("form.enable").first();
  if (await enable.count() === 0) { s.fail("no disabled entity is listed"); return; }
  const id = await enable.getAttribute("id");
  s.check(!st.has(id), `${id} is listed as disabled but /api/states has it`);
  await page.evaluate(() => document.querySelectorAll("details").forEach((d) => { d.open = true; }));
  await shot(page, "entities-desktop");
  await enable.locator("button").click();
  await page.waitForLoadState();
  const on = await until(10000, async () => ({ ok: (await api("GET", "/api/states/" + id)).status === 200 }));
  s.check(on.ok, `${id} enabled on the page is not in /api/states within 10 s`);
  s.check(await page.locator(`.row[id="${id}"]:not(.enable)`).count() === 1, `${id} is not listed among the enabled entities after Enable`);
});

// The cost page against /api/teslafleet/cost. Polling goes on while the
// page is read, so each number must lie between the API's answers just
// before and just after (to the cent the page shows).
await step("cost_page", async (s) => {
  const before = await api("GET", "/api/teslafleet/cost");
  const resp = await page.goto(BASE + "/cost");
  const after = await api("GET", "/api/teslafleet/cost");
  if (resp.status() === 404) { s.note("/cost is not there yet (404)"); return; }
  s.check(before.status === 200 && after.status === 200, "GET /api/teslafleet/cost: " + before.status + " " + after.status);
  // expected is what the API says a data-cost key is.
  const expected = (rep, key) => {
    const sum = (f) => rep.accounts.reduce((t, a) => t + (f(a) || 0), 0);
    const k = key.split(".");
    if (k.length === 1) return rep[key];
    if (k[0] === "category" && k[2] === "units") return sum((a) => a.usage[k[1]]);
    if (k[0] === "category" && k[2] === "usd") return sum((a) => a.cost_by_category_usd[k[1]]);
    if (k[0] === "device" && k[2] === "usd") return sum((a) => (a.cost_by_device_usd || {})[k[1]]);
    if (k[0] === "driver" && k[2] === "max_usd") { const d = rep.drivers.find((x) => x.device === k[1]); return d && d.max_month_usd; }
    return undefined;
  };
  const cells = await page.locator("[data-cost]").evaluateAll((els) => els.map((e) => ({ key: e.dataset.cost, text: e.textContent.trim() })));
  const keys = new Set(cells.map((c) => c.key));
  for (const k of ["cost_usd", "credit_usd", "due_usd", "projected_usd", "projected_due_usd", "category.data.units", "category.data.usd",
    "category.commands.units", "category.commands.usd", "category.wakes.units", "category.wakes.usd"]) {
    s.check(keys.has(k), "the cost page shows no " + k);
  }
  for (const v of vehicles) {
    s.check(keys.has(`device.${v.id}.usd`), `the cost page shows no cost for ${v.name}`);
    s.check(keys.has(`driver.${v.id}.max_usd`), `the cost page shows no cost driver for ${v.name}`);
  }
  let checked = 0;
  for (const c of cells) {
    const lo0 = expected(before.json, c.key), hi0 = expected(after.json, c.key);
    if (lo0 === undefined || hi0 === undefined) { s.fail(`${c.key}: the API has no such number (page shows ${c.text})`); continue; }
    const m = /^\$?(-?[\d,]+(?:\.(\d+))?)$/.exec(c.text);
    if (!m) { s.fail(`${c.key}: "${c.text}" is not a number`); continue; }
    const shownV = Number(m[1].replace(/,/g, "")), tol = 0.5 * 10 ** -(m[2] ? m[2].length : 0) + 1e-9;
    const lo = Math.min(lo0, hi0) - tol, hi = Math.max(lo0, hi0) + tol;
    s.check(shownV >= lo && shownV <= hi, `${c.key}: page shows ${c.text}, the API ${lo0} before and ${hi0} after`);
    checked++;
  }
  // The device table's units.
  for (const row of await page.locator("tr[data-device]").evaluateAll((els) => els.map((e) => ({ dev: e.dataset.device, cells: [...e.querySelectorAll("td")].map((td) => td.textContent.trim()) })))) {
    const cols = ["data", "commands", "wakes", "free"];
    cols.forEach((col, i) => {
      const sum = (rep) => rep.accounts.reduce((t, a) => t + (((a.by_device || {})[row.dev] || {})[col] || 0), 0);
      const n = Number(row.cells[i]);
      s.check(n >= sum(before.json) && n <= sum(after.json), `${row.dev} ${col}: page shows ${row.cells[i]}, the API ${sum(before.json)}…${sum(after.json)}`);
    });
    checked++;
  }
  s.note(`${checked} numbers compared`);
  await shot(page, "cost-desktop");
});

await step("history_page", async (s) => {
  const resp = await page.goto(BASE + "/history");
  if (resp.status() === 404) { s.note("/history is not there yet (404)"); return; }
  s.check(resp.status() === 200, "GET /history: " + resp.status());
  for (const d of devices.filter((x) => x.kind !== "wall_connector")) {
    const charts = page.locator(`section[aria-labelledby="hist-${d.id}"] figure.chart svg`);
    s.check(await charts.count() > 0, `no chart for ${d.name}`);
  }
  await shot(page, "history-desktop");
  const tabs = page.locator("nav.tabs a");
  for (let i = 0; i < await tabs.count(); i++) {
    const a = tabs.nth(i);
    if (await a.getAttribute("aria-current")) continue;
    const name = (await a.textContent()).trim();
    await Promise.all([page.waitForLoadState(), a.click()]);
    s.check(await page.locator("nav.tabs a[aria-current]").textContent() === name, `the ${name} tab is not current after clicking it`);
    await shot(page, "history-" + name.replace(/\W+/g, "-").toLowerCase() + "-desktop");
  }
});

// The setup wizard's happy path against the simulator: every step's
// action, the sign-in through the simulated Tesla consent page and back.
await step("setup_wizard", async (s) => {
  const resp = await page.goto(BASE + "/setup");
  if (resp.status() === 404) { s.note("/setup is not there yet (404)"); return; }
  const ids = await page.locator("ol.steps > li.step").evaluateAll((els) => els.map((e) => e.id.replace(/^step-/, "")));
  s.check(ids.join(",") === "key,hosting,registration,login,pairing,doctor", "the wizard's steps: " + ids.join(","));
  await shot(page, "setup-before-desktop");
  const world = await sim("GET", "/_sim/world");
  const account = world.accounts[0].email;
  const status = async (id) => page.locator(`#step-${id}`).getAttribute("data-status");
  const explain = async (id) => (await page.locator(`#step-${id}`).innerText()).replace(/\s+/g, " ").slice(0, 400);
  for (const id of ids) {
    const action = page.locator(`#step-${id}-action`);
    if (await action.count() === 0) { s.check(await status(id) === "done", `${id} has no action and is ${await status(id)}: ${await explain(id)}`); continue; }
    await Promise.all([page.waitForURL(/\/setup/), action.click()]);
    if (id === "login") {
      const link = page.locator("#step-login a.step-link");
      if (!s.check(await link.count() === 1, "after Sign in with Tesla, no link to Tesla's page: " + await explain(id))) continue;
      await Promise.all([page.waitForURL((u) => u.origin === new URL(SIM).origin || u.pathname.startsWith("/oauth2")), link.click()]);
      s.check(new URL(page.url()).pathname === "/oauth2/v3/authorize", "the link led to " + page.url());
      await page.fill("#account", account);
      await Promise.all([page.waitForURL((u) => u.origin === new URL(BASE).origin), page.click("button[name=action][value=allow]")]);
      if (new URL(page.url()).pathname !== "/setup") await page.waitForURL(/\/setup/);
      s.check(/Signed in (just now|again) as /.test(await explain("login")), "the login step does not say the sign-in worked: " + await explain("login"));
    }
    s.check(await status(id) === "done", `after running it, ${id} is ${await status(id)}: ${await explain(id)}`);
  }
  await page.goto(BASE + "/setup");
  const end = await page.locator("ol.steps > li.step").evaluateAll((els) => els.map((e) => e.id + "=" + e.dataset.status));
  s.check(end.every((x) => x.endsWith("=done")), "at the end: " + end.join(", "));
  const qr = page.locator("#step-pairing figure.qr svg");
  s.check(await qr.count() === 1, "the pairing step shows no QR code");
  await shot(page, "setup-desktop");
});

// Every page at a phone's width: no sideways scrolling; screenshots of
// each at both widths; every control named.
await step("phone_width", async (s) => {
  const phone = await browser.newContext({ viewport: PHONE, storageState: await ctx.storageState() });
  const p = await phone.newPage();
  for (const [name, url] of pages) {
    const resp = await p.goto(BASE + url);
    if (resp.status() === 404) { s.note(`${url} is not there yet (404)`); continue; }
    await p.evaluate(() => document.querySelectorAll("details").forEach((d) => { d.open = true; }));
    const o = await overflow(p);
    s.check(o.scrollWidth <= o.innerWidth, `${url} scrolls sideways at ${PHONE.width} px: scrollWidth ${o.scrollWidth} > ${o.innerWidth}; wide: ${o.wide.join(", ")}`);
    await shot(p, name + "-phone");
  }
  const anon = await browser.newContext({ viewport: PHONE });
  const a = await anon.newPage();
  await a.goto(BASE + "/login");
  const o = await overflow(a);
  s.check(o.scrollWidth <= o.innerWidth, `/login scrolls sideways at ${PHONE.width} px: ${JSON.stringify(o)}`);
  await shot(a, "login-phone");
  await anon.close();
  await phone.close();
});

await step("accessible_names", async (s) => {
  for (const [, url] of pages) {
    const resp = await page.goto(BASE + url);
    if (resp.status() === 404) continue;
    await page.evaluate(() => document.querySelectorAll("details").forEach((d) => { d.open = true; }));
    const bad = await unnamed(page);
    s.check(bad.length === 0, `${url}: ${bad.length} controls without an accessible name: ${bad.slice(0, 6).join("; ")}`);
  }
  // The first Tab reaches the skip link, and it leads to the content.
  await page.goto(BASE + "/");
  await page.keyboard.press("Tab");
  const first = await page.evaluate(() => document.activeElement && document.activeElement.textContent.trim());
  s.check(first === "Skip to content", "the first Tab should reach the skip link; it reached " + JSON.stringify(first));
});

await step("console", async (s) => {
  s.check(consoleErrors.length === 0, "the pages logged errors: " + consoleErrors.slice(0, 5).join(" | "));
});

await browser.close();
