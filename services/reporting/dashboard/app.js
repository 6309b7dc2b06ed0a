// Wijkpuls dashboard: reads the reporting API with the caller's key; no build step.
// Every API path is written out in full below (tests check each against the OpenAPI paths).
const API = {
  wijken: "/api/v1/wijken",
  kpi: "/api/v1/kpi/{kpi}",
  overTermijn: "/api/v1/open-over-termijn",
  wachtend: "/api/v1/wachtend",
  alerts: "/api/v1/alerts",
};
const SLEUTEL = "wijkpuls.apiKey";
const ALERTS_ELKE_MS = 30000;
const MAX_RIJEN = 200;
const STH_DOEL = 80;

// KPI name -> Dutch title (tests check every name against the published KPIs).
const KPIS = {
  "doorlooptijd": "Doorlooptijd (aanmelding → besluit)",
  "wachttijd": "Wachttijd (toekenning → start zorg)",
  "sth-opgepakt": "STH opgepakt binnen norm",
  "sth-zonder-verwijzing": "STH afgesloten zonder verwijzing",
  "bereik-ondersteuning": "Bereik ondersteuning",
  "bereik-vroegsignalering": "Bereik vroegsignalering",
  "vroegsignalen": "Vroegsignalen",
  "open-over-termijn": "Open over termijn (per periode van de uiterste datum)",
};
const TEGELS = [
  ["doorlooptijd", [["median", "Mediaan", " dagen"], ["p90", "P90", " dagen"],
    ["tijdig_pct", "Tijdig beslist", "%"], ["n", "Besluiten", ""]]],
  ["wachttijd", [["median", "Mediaan", " dagen"], ["p90", "P90", " dagen"],
    ["n", "Zorg gestart", ""]]],
  ["sth-opgepakt", [["pct", "Binnen norm", "%"], ["n", "Hulpvragen", ""]]],
  ["sth-zonder-verwijzing", [["pct", "Zonder verwijzing", "%"], ["n", "Afgesloten", ""]]],
  ["bereik-ondersteuning", [["households", "Huishoudens", ""],
    ["per_1000", "Per 1.000 huishoudens", ""]]],
  ["bereik-vroegsignalering", [["zaken", "Signaalzaken", ""], ["bereikt_pct", "Bereikt", "%"],
    ["geaccepteerd_pct", "Hulp geaccepteerd", "%"],
    ["median_dagen_tot_contact", "Mediaan tot contact", " dagen"]]],
];
const LABELS = {
  wet: "Wet", wijk: "Wijk", periode: "Periode", clock: "Klok", n: "Aantal",
  n_tijdig: "Tijdig", tijdig_pct: "Tijdig %", median: "Mediaan (dagen)", p90: "P90 (dagen)",
  n_binnen_norm: "Binnen norm", pct: "%", n_zonder: "Zonder verwijzing",
  households: "Huishoudens", per_1000: "Per 1.000 huishoudens", zaken: "Zaken",
  n_contact: "Met contactpoging", n_bereikt: "Bereikt", n_geaccepteerd: "Hulp geaccepteerd",
  median_dagen_tot_contact: "Mediaan dagen tot contact", contact_pct: "Contact %",
  bereikt_pct: "Bereikt %", geaccepteerd_pct: "Geaccepteerd %",
  n_meervoudig: "Meerdere signaalpartners", n_crisis: "Crisis",
  zaak_id: "Zaak", due: "Uiterste datum", days_over: "Dagen over termijn",
  sinds: "Sinds", grond: "Grond", dagen: "Dagen wachtend", datum: "Datum", type: "Soort",
  historisch: "Historisch", verborgen: "Verborgen", cbs_code: "CBS-code",
  gewijzigd: "Laatst gewijzigd",
};
const WETTEN = { wmo: "Wmo", jeugdwet: "Jeugdwet", participatiewet: "Participatiewet",
  wgs: "Wgs", sth: "STH" };
const ALERT_SOORTEN = { "alert.waarschuwing": "Waarschuwing",
  "alert.termijn-overschreden": "Termijn overschreden",
  "alert.opgelost-na-termijn": "Opgelost na termijn" };
const MAANDEN = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
  "september", "oktober", "november", "december"];

const $ = (id) => document.getElementById(id);
const state = { rol: "publiek", gemeente: "gemeente", vandaag: null, ronde: 0,
  alertIds: null, timer: null };

class ApiFout extends Error {
  constructor(status, body) {
    super(foutTekst(status, body));
    this.status = status;
  }
}

function foutTekst(status, body) {
  const redenen = (body && body.errors ? body.errors : [])
    .map((e) => `${e.field}: ${e.reason}`).join("; ");
  if (status === 401) {
    return "Onbekende API-sleutel. Wis de sleutel om als publiek te lezen, of voer een " +
      "sleutel in die voor u is uitgegeven.";
  }
  if (status === 403) {
    return "Alleen voor de rol analist: losse zaken zijn niet zichtbaar voor publiek. " +
      "Voer een sleutel met de rol analist in.";
  }
  if (status === 422) return `De vraag is niet geldig (${redenen || "zie /docs"}).`;
  if (status === 503 && body && String(body.type || "").endsWith("/figures-rebuilding")) {
    // The KPI workers write a lost figures store again (docs/reliability.md).
    return "De cijfers worden opnieuw opgebouwd; probeer het over enkele seconden opnieuw.";
  }
  if (status === 503) return "De cijferopslag antwoordt niet; probeer het zo opnieuw.";
  return `De API gaf status ${status}${redenen ? ` (${redenen})` : ""}.`;
}

async function vraag(pad, padDelen, query) {
  const url = new URL(pad.replace(/\{(\w+)\}/g, (_, k) => encodeURIComponent(padDelen[k])),
    location.origin);
  for (const [naam, waarde] of Object.entries(query || {})) {
    if (waarde !== "" && waarde !== null && waarde !== undefined) {
      url.searchParams.set(naam, waarde);
    }
  }
  const headers = { Accept: "application/json" };
  const sleutel = sessionStorage.getItem(SLEUTEL);
  if (sleutel) headers["X-API-Key"] = sleutel;
  let antwoord;
  try {
    antwoord = await fetch(url, { headers });
  } catch (fout) {
    throw new ApiFout(0, { errors: [{ field: "verbinding", reason: String(fout) }] });
  }
  const body = await antwoord.json().catch(() => null);
  if (!antwoord.ok) throw new ApiFout(antwoord.status, body);
  return body;
}

// ---- small DOM helpers (text only: nothing from the API is parsed as HTML) ----
function el(tag, attrs, ...kinderen) {
  const node = document.createElement(tag);
  for (const [naam, waarde] of Object.entries(attrs || {})) {
    if (naam === "text") node.textContent = waarde;
    else node.setAttribute(naam, waarde);
  }
  for (const kind of kinderen) {
    if (kind !== null && kind !== undefined) {
      node.append(kind instanceof Node ? kind : String(kind));
    }
  }
  return node;
}

function waarde(v, eenheid) {
  if (v === null || v === undefined) {
    return state.rol === "publiek"
      ? el("span", { class: "ingehouden", title: "ingehouden: te weinig zaken (kleine " +
        "aantallen) of niet te berekenen" }, "ingehouden†")
      : el("span", { title: "niet te berekenen" }, "—");
  }
  if (typeof v === "string") return el("span", { class: "klein" }, v);
  if (typeof v === "boolean") return v ? "ja" : "nee";
  return v.toLocaleString("nl-NL") + (eenheid || "");
}

function tekst(veld, v) {
  if (veld === "wet") return WETTEN[v] || v;
  if (veld === "type") return ALERT_SOORTEN[v] || v;
  // gewijzigd: when the figure last changed (RFC 3339 UTC), shown in Dutch local time
  if (veld === "gewijzigd" && typeof v === "string") {
    return new Date(v).toLocaleString("nl-NL", { timeZone: "Europe/Amsterdam" });
  }
  // verborgen: which fields are hidden and why ({"n": "primair"}), read out, never "[object]"
  if (veld === "verborgen" && v && typeof v === "object") {
    return Object.entries(v).map(([k, reden]) => `${LABELS[k] || k}: ${reden}`).join(", ") || "—";
  }
  return waarde(v, "");
}

function tabel(bijschrift, kolommen, rijen, rijKlasse) {
  const kop = el("tr", {}, ...kolommen.map((k) => el("th", { scope: "col" }, LABELS[k] || k)));
  const romp = el("tbody");
  for (const rij of rijen.slice(0, MAX_RIJEN)) {
    const tr = el("tr", rijKlasse ? { class: rijKlasse(rij) } : {});
    kolommen.forEach((k, i) => {
      tr.append(el(i === 0 ? "th" : "td", i === 0 ? { scope: "row" } : {}, tekst(k, rij[k])));
    });
    romp.append(tr);
  }
  const t = el("table", {}, el("caption", {}, bijschrift), el("thead", {}, kop), romp);
  const omhulsel = el("div", { class: "scroll", role: "region", tabindex: "0",
    "aria-label": bijschrift }, t);
  if (rijen.length > MAX_RIJEN) {
    return el("div", {}, omhulsel,
      el("p", { class: "uitleg" }, `Eerste ${MAX_RIJEN} van ${rijen.length} rijen getoond.`));
  }
  return omhulsel;
}

function fout(doel, e) {
  doel.replaceChildren(el("p", { class: "fout" }, e instanceof ApiFout ? e.message : String(e)));
}

function leeg(tekstje) {
  return el("p", { class: "leeg" }, tekstje || "Geen gegevens voor deze selectie.");
}

// ---- selection ----
function periode() {
  const soort = $("periode-soort").value;
  const jaar = $("periode-jaar").value;
  if (soort === "jaar") return jaar;
  return `${jaar}-${$("periode-deel").value}`;
}

function periodeTekst(p) {
  const [jaar, deel] = p.split("-");
  if (!deel) return `jaar ${jaar}`;
  if (deel.startsWith("H")) return `${deel === "H1" ? "eerste" : "tweede"} halfjaar ${jaar}`;
  return `${MAANDEN[Number(deel) - 1]} ${jaar}`;
}

function vulDelen(gekozen) {
  const soort = $("periode-soort").value;
  const deel = $("periode-deel");
  $("periode-deel-veld").hidden = soort === "jaar";
  const opties = soort === "maand"
    ? MAANDEN.map((m, i) => [String(i + 1).padStart(2, "0"), m])
    : [["H1", "eerste halfjaar (H1)"], ["H2", "tweede halfjaar (H2)"]];
  deel.replaceChildren(...opties.map(([v, t]) => el("option", { value: v }, t)));
  if (gekozen && opties.some(([v]) => v === gekozen)) deel.value = gekozen;
}

function standaardPeriode(vandaag) {
  const [jaar, maand] = vandaag.split("-");
  $("periode-jaar").value = jaar;
  $("periode-soort").value = "halfjaar";
  vulDelen(Number(maand) <= 6 ? "H1" : "H2");
}

function selectie() {
  return { periode: periode(), wet: $("wet").value, wijk: $("wijk").value,
    peildatum: $("peildatum").value };
}

// ---- views ----
async function tegels(sel) {
  const wijk = sel.wijk || state.gemeente;
  $("tegels-titel").textContent = `Kerncijfers ${wijk === state.gemeente ? "gemeente" : wijk}`;
  $("tegels-selectie").textContent = `${periodeTekst(sel.periode)}, ` +
    `${sel.wet ? WETTEN[sel.wet] : "alle wetten"}, peildatum ${sel.peildatum || "vandaag"}`;
  const artikelen = TEGELS.map(([kpi]) => el("article", { class: "tegel" },
    el("h3", {}, KPIS[kpi]), el("p", { class: "laden" }, "Laden…")));
  $("tegels").replaceChildren(...artikelen);
  await Promise.all(TEGELS.map(async ([kpi, cijfers], i) => {
    const tegel = artikelen[i];
    const inhoud = el("div");
    try {
      const a = await vraag(API.kpi, { kpi }, { ...sel, wijk });
      if (a.cells.length === 0) inhoud.append(leeg("Nog niets geteld."));
      for (const cel of a.cells) inhoud.append(tegelCel(kpi, cel, cijfers, a.cells.length > 1));
      if (a.weggelaten_perioden.length) {
        inhoud.append(el("p", { class: "uitleg" }, "Niet te geven voor deze peildatum: " +
          a.weggelaten_perioden.join(", ")));
      }
    } catch (e) {
      fout(inhoud, e);
    }
    tegel.replaceChildren(tegel.firstChild, inhoud);
  }));
}

function tegelCel(kpi, cel, cijfers, metWet) {
  const lijst = el("dl", {});
  for (const [veld, label, eenheid] of cijfers) {
    lijst.append(el("div", {}, el("dt", {}, label), el("dd", {}, waarde(cel[veld], eenheid))));
  }
  if (kpi === "sth-zonder-verwijzing") {
    const pct = cel.pct;
    const oordeel = typeof pct !== "number" ? "onbekend"
      : pct >= STH_DOEL ? "gehaald" : "niet gehaald";
    lijst.append(el("div", { class: `doel ${oordeel.replace(" ", "-")}` },
      el("dt", {}, `Doel ≥ ${STH_DOEL}%`), el("dd", {}, oordeel)));
  }
  return el("section", { class: "cel" }, metWet ? el("h4", {}, WETTEN[cel.wet] || cel.wet) : null,
    lijst);
}

async function wijkTabel(sel) {
  const kpi = $("kpi").value;
  const doel = $("wijktabel");
  try {
    const a = await vraag(API.kpi, { kpi }, { periode: sel.periode, wet: sel.wet,
      peildatum: sel.peildatum });
    if (a.cells.length === 0) return doel.replaceChildren(leeg());
    const kolommen = [];
    for (const cel of a.cells) {
      for (const k of Object.keys(cel)) if (k !== "periode" && !kolommen.includes(k)) kolommen.push(k);
    }
    kolommen.sort((x, y) => (x === "wijk" ? -1 : y === "wijk" ? 1 : 0));
    doel.replaceChildren(tabel(`${KPIS[kpi]}, ${periodeTekst(sel.periode)}`, kolommen, a.cells,
      (rij) => (rij.wijk === state.gemeente ? "totaal" : "")));
  } catch (e) {
    fout(doel, e);
  }
}

// The lists are paged (first page: 100 zaken); say so when there are more.
function eerste(getoond, totaal) {
  return totaal > getoond ? ` (eerste ${getoond} van ${totaal})` : "";
}

async function overTermijn(sel) {
  const doel = $("over-termijn");
  try {
    const a = await vraag(API.overTermijn, {}, { peildatum: sel.peildatum, wet: sel.wet,
      wijk: sel.wijk });
    if (a.clocks.length === 0) return doel.replaceChildren(leeg("Geen zaken over termijn."));
    const delen = [tabel(`Over termijn per klok op ${a.peildatum}`, ["clock", "wet", "n"],
      a.clocks)];
    const zaken = a.clocks.flatMap((c) => c.zaken || []);
    if (a.clocks.some((c) => c.zaken !== null)) {
      zaken.sort((x, y) => y.days_over - x.days_over);
      delen.push(tabel("Zaken over termijn, langst eerst" + eerste(zaken.length, a.total),
        ["zaak_id", "wet", "wijk", "clock", "due", "days_over"], zaken));
    } else {
      delen.push(el("p", { class: "uitleg" }, "Zaaknummers zijn alleen zichtbaar voor de rol " +
        "analist."));
    }
    doel.replaceChildren(...delen);
  } catch (e) {
    fout(doel, e);
  }
}

async function wachtend(sel) {
  const doel = $("wachtend");
  try {
    const a = await vraag(API.wachtend, {}, { peildatum: sel.peildatum, wet: sel.wet,
      wijk: sel.wijk });
    if (a.counts.length === 0) return doel.replaceChildren(leeg("Geen zaken wachtend."));
    const delen = [tabel(`Wachtend per wet en wijk op ${a.peildatum}`, ["wet", "wijk", "n"],
      a.counts, (rij) => (rij.wijk === state.gemeente ? "totaal" : ""))];
    if (a.zaken !== null) {
      delen.push(tabel("Wachtende zaken, langst wachtend eerst" + eerste(a.zaken.length, a.total),
        ["zaak_id", "wet", "wijk", "sinds", "grond", "dagen"], a.zaken));
    } else {
      delen.push(el("p", { class: "uitleg" }, "Zaaknummers zijn alleen zichtbaar voor de rol " +
        "analist."));
    }
    doel.replaceChildren(...delen);
  } catch (e) {
    fout(doel, e);
  }
}

async function alerts() {
  const sel = selectie();
  const doel = $("alerts");
  const status = $("alerts-status");
  try {
    const a = await vraag(API.alerts, {}, { limit: 50, wet: sel.wet, wijk: sel.wijk });
    const eerder = state.alertIds;
    const nieuw = eerder ? a.alerts.filter((r) => !eerder.has(r.alert_id)).length : 0;
    state.alertIds = new Set(a.alerts.map((r) => r.alert_id));
    const tijd = new Date().toLocaleTimeString("nl-NL");
    status.textContent = `Bijgewerkt om ${tijd}` +
      (nieuw ? `; ${nieuw} nieuwe signalering${nieuw > 1 ? "en" : ""}.` : ".") +
      ` Ververst elke ${ALERTS_ELKE_MS / 1000} seconden.`;
    if (a.alerts.length === 0) return doel.replaceChildren(leeg("Geen signaleringen."));
    doel.replaceChildren(tabel("Laatste signaleringen, nieuwste eerst",
      ["datum", "type", "zaak_id", "wet", "wijk", "clock", "due", "historisch"], a.alerts,
      (rij) => (eerder && !eerder.has(rij.alert_id) ? "nieuw" : "")));
  } catch (e) {
    status.textContent = "";
    fout(doel, e);
  }
}

function planAlerts() {
  clearInterval(state.timer);
  state.timer = setInterval(() => {
    if (!document.hidden) alerts();
  }, ALERTS_ELKE_MS);
}

// ---- start ----
function melding(tekstje) {
  $("melding").hidden = !tekstje;
  $("melding").textContent = tekstje || "";
}

async function laadBasis() {
  try {
    const a = await vraag(API.wijken, {}, {});
    state.rol = a.rol;
    state.gemeente = a.gemeente;
    state.vandaag = a.vandaag;
    const wijk = $("wijk");
    const gekozen = wijk.value;
    wijk.replaceChildren(el("option", { value: "" }, "Hele gemeente"),
      ...a.wijken.map((w) => el("option", { value: w.naam }, w.naam)),
      el("option", { value: a.onbekend }, "Onbekende wijk"));
    wijk.value = gekozen;
    $("peildatum").max = a.vandaag;
    $("rol").textContent = a.rol === "analist"
      ? "U leest als analist: alle aantallen en losse zaken zijn zichtbaar."
      : `U leest als publiek: aantallen onder ${a.drempel} tonen als "<${a.drempel}", ` +
        "statistieken over minder zaken worden ingehouden, losse zaken zijn niet zichtbaar.";
    $("drempel-teken").textContent = `<${a.drempel}`;
    melding("");
    return true;
  } catch (e) {
    $("rol").textContent = "";
    melding(e instanceof ApiFout ? e.message : String(e));
    return false;
  }
}

async function ververs() {
  const ronde = ++state.ronde;
  const ok = await laadBasis();
  if (ronde !== state.ronde) return;
  if (!ok) {
    for (const id of ["tegels", "wijktabel", "over-termijn", "wachtend", "alerts"]) {
      $(id).replaceChildren();
    }
    return;
  }
  const sel = selectie();
  state.alertIds = null;
  await Promise.all([tegels(sel), wijkTabel(sel), overTermijn(sel), wachtend(sel), alerts()]);
  planAlerts();
}

async function start() {
  $("kpi").replaceChildren(...Object.entries(KPIS).map(([k, t]) => el("option", { value: k }, t)));
  $("kpi").value = "doorlooptijd";
  $("api-sleutel").value = sessionStorage.getItem(SLEUTEL) || "";
  await laadBasis();
  standaardPeriode(state.vandaag || new Date().toISOString().slice(0, 10));
  $("periode-soort").addEventListener("change", () => vulDelen());
  $("kpi").addEventListener("change", () => wijkTabel(selectie()));
  $("selectie").addEventListener("submit", (e) => {
    e.preventDefault();
    ververs();
  });
  $("sleutel").addEventListener("submit", (e) => {
    e.preventDefault();
    const sleutel = $("api-sleutel").value.trim();
    if (sleutel) sessionStorage.setItem(SLEUTEL, sleutel);
    else sessionStorage.removeItem(SLEUTEL);
    ververs();
  });
  $("sleutel-wissen").addEventListener("click", () => {
    sessionStorage.removeItem(SLEUTEL);
    $("api-sleutel").value = "";
    ververs();
  });
  await ververs();
}

start();
