// Wijkpuls monitor: what every page shares. Reads the reporting API with the sign-in session
// (a same-site cookie, docs/signin.md) or the caller's key (sessionStorage, sent as
// X-API-Key); nothing from the API is parsed as HTML.
// Every API path is written out in full (tests check each against the OpenAPI paths).
export const API = {
  wijken: "/api/v1/wijken",
  kpi: "/api/v1/kpi/{kpi}",
  reeks: "/api/v1/kpi/{kpi}/reeks",
  rapport: "/api/v1/rapport/sth/{halfjaar}",
  uitgaven: "/api/v1/rapport/sth/{halfjaar}/uitgaven",
  uitgave: "/api/v1/rapport/sth/{halfjaar}/uitgaven/{uitgave}",
  live: "/api/v1/live",
};
const SLEUTEL = "wijkpuls.apiKey";

// The wijken Koers sociaal domein 2024-2028 names as most vulnerable (aandachtswijken).
export const AANDACHTSWIJKEN = ["Helmond-West", "Binnenstad", "Helmond-Oost", "Helmond-Noord"];

export const WETTEN = {
  wmo: "Wmo", jeugdwet: "Jeugdwet", participatiewet: "Participatiewet", wgs: "Wgs (schulden)",
  sth: "STH",
};
export const MAANDEN = ["januari", "februari", "maart", "april", "mei", "juni", "juli",
  "augustus", "september", "oktober", "november", "december"];

// The figures the pages show, each with its definition in plain Dutch (docs/domain.md#kpis).
// kpi and veld name the API's KPI and the field of its cells; basis is the count it is over.
export const CIJFERS = [
  { id: "tijdig", kpi: "doorlooptijd", veld: "tijdig_pct", basis: "n", eenheid: "%",
    beter: "hoger", titel: "Tijdig beslist",
    uitleg: "Van de besluiten in de periode: het deel dat op of voor de wettelijke " +
      "termijn is genomen (8 weken, plus opschorting en verdaging). Ingetrokken aanvragen " +
      "tellen niet mee." },
  { id: "doorlooptijd", kpi: "doorlooptijd", veld: "median", basis: "n", eenheid: " dagen",
    beter: "lager", titel: "Doorlooptijd (mediaan)",
    uitleg: "Het aantal kalenderdagen van aanmelding tot besluit, zonder de dagen dat de " +
      "termijn was opgeschort. De helft van de besluiten duurde korter, de helft langer." },
  { id: "wachttijd", kpi: "wachttijd", veld: "median", basis: "n", eenheid: " dagen",
    beter: "lager", titel: "Wachttijd tot start zorg (mediaan)",
    uitleg: "Het aantal kalenderdagen van de toekenning tot de eerste dag dat de zorg " +
      "echt begon, geteld in de periode waarin de zorg begon." },
  { id: "sth-opgepakt", kpi: "sth-opgepakt", veld: "pct", basis: "n", eenheid: "%",
    beter: "hoger", titel: "STH: binnen 10 werkdagen opgepakt",
    uitleg: "Van de hulpvragen aan de Sociale Teams Helmond in de periode: het deel met " +
      "een eerste contact (huisbezoek of gesprek) binnen 10 werkdagen. Een hulpvraag " +
      "zonder contact telt als niet op tijd zodra de 10 werkdagen voorbij zijn." },
  { id: "sth-zonder-verwijzing", kpi: "sth-zonder-verwijzing", veld: "pct", basis: "n",
    eenheid: "%", beter: "hoger", titel: "STH: afgesloten zonder verwijzing",
    uitleg: "Van de trajecten van de Sociale Teams Helmond die in de periode zijn " +
      "afgesloten: het deel dat is afgesloten zonder verwijzing naar specialistische zorg." },
  { id: "bereik", kpi: "bereik-ondersteuning", veld: "per_1000", basis: "households",
    eenheid: "", beter: null, titel: "Bereik ondersteuning (per 1.000 huishoudens)",
    uitleg: "Het aantal verschillende huishoudens waarvan in de periode zorg of " +
      "ondersteuning begon, per 1.000 huishoudens in het gebied." },
  { id: "vroegsignalering", kpi: "bereik-vroegsignalering", veld: "bereikt_pct",
    basis: "zaken", eenheid: "%", beter: "hoger", titel: "Vroegsignalering: bereikt",
    uitleg: "Van de huishoudens met een signaal van betalingsachterstand (huur, energie, " +
      "water, zorgverzekering) dat in de periode binnenkwam: het deel dat de gemeente " +
      "heeft kunnen bereiken." },
];

// Why a figure is not shown (the API's `verborgen` reasons, docs/domain.md#small-numbers).
const REDENEN = {
  primair: "minder dan 5: kleine aantallen worden niet getoond",
  complement: "verborgen: het verschil met het totaal is kleiner dan 5",
  secundair: "verborgen: anders is een klein aantal elders terug te rekenen",
  afgeleid: "niet getoond: berekend uit een verborgen aantal",
};

export const $ = (id) => document.getElementById(id);
export const state = { rol: "publiek", gemeente: "gemeente", onbekend: "onbekend",
  vandaag: null, drempel: 5, wijken: [] };

export class ApiFout extends Error {
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
  if (status === 422) return `De vraag is niet geldig (${redenen || "zie /docs"}).`;
  if (status === 503 && body && String(body.type || "").endsWith("/figures-rebuilding")) {
    // The KPI workers write a lost figures store again (docs/reliability.md).
    return "De cijfers worden opnieuw opgebouwd; probeer het over enkele seconden opnieuw.";
  }
  if (status === 503) return "De cijferopslag antwoordt niet; probeer het zo opnieuw.";
  if (status === 0) return "De reporting-service is niet bereikbaar.";
  return `De API gaf status ${status}${redenen ? ` (${redenen})` : ""}.`;
}

// methode "POST": a request that changes something (issuing a report); same origin, so the
// session cookie and the Origin header go with it (the server's CSRF check).
// The page session's CSRF token (docs/signin.md#csrf), read once from /auth/sessie: a request
// of the session that changes something sends it as X-CSRF-Token.
let sessieToken = null;
function formulierToken() {
  if (!sessieToken) {
    sessieToken = fetch("/auth/sessie", { headers: { Accept: "application/json" } })
      .then((a) => a.json()).then((s) => s.csrf || "").catch(() => "");
  }
  return sessieToken;
}

export async function vraag(pad, padDelen, query, { methode = "GET" } = {}) {
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
  else if (methode !== "GET") headers["X-CSRF-Token"] = await formulierToken();
  let antwoord;
  try {
    antwoord = await fetch(url, { method: methode, headers });
  } catch (fout) {
    throw new ApiFout(0, null);
  }
  const body = await antwoord.json().catch(() => null);
  if (!antwoord.ok) throw new ApiFout(antwoord.status, body);
  return body;
}

// A file of the API (a report) as a Blob, with the caller's key or session.
export async function haalBestand(pad, padDelen, query) {
  const url = new URL(pad.replace(/\{(\w+)\}/g, (_, k) => encodeURIComponent(padDelen[k])),
    location.origin);
  for (const [naam, waarde] of Object.entries(query || {})) url.searchParams.set(naam, waarde);
  const headers = {};
  const sleutel = sessionStorage.getItem(SLEUTEL);
  if (sleutel) headers["X-API-Key"] = sleutel;
  let antwoord;
  try {
    antwoord = await fetch(url, { headers });
  } catch (fout) {
    throw new ApiFout(0, null);
  }
  if (!antwoord.ok) throw new ApiFout(antwoord.status, await antwoord.json().catch(() => null));
  return antwoord.blob();
}

// ---- DOM helpers (text only) ----
export function el(tag, attrs, ...kinderen) {
  const node = document.createElement(tag);
  for (const [naam, waarde] of Object.entries(attrs || {})) {
    if (waarde === null || waarde === undefined || waarde === false) continue;
    if (naam === "text") node.textContent = waarde;
    else node.setAttribute(naam, waarde === true ? "" : waarde);
  }
  for (const kind of kinderen.flat()) {
    if (kind !== null && kind !== undefined && kind !== false) {
      node.append(kind instanceof Node ? kind : String(kind));
    }
  }
  return node;
}

// A table on the NL Design System table component; rows are arrays of cells (text or
// nodes); the first cell of a row is its header. numeriek: the columns that hold figures.
export function tabel(bijschrift, koppen, rijen, { numeriek = [], rijKlasse } = {}) {
  const kop = el("tr", { class: "utrecht-table__row" }, ...koppen.map((k, i) =>
    el("th", { scope: "col", class: "utrecht-table__header-cell" +
      (numeriek.includes(i) ? " utrecht-table__header-cell--numeric-column" : "") }, k)));
  const romp = el("tbody", { class: "utrecht-table__body" });
  for (const rij of rijen) {
    const tr = el("tr", { class: "utrecht-table__row " + (rijKlasse ? rijKlasse(rij) : "") });
    rij.forEach((cel, i) => {
      const klasse = (i === 0 ? "utrecht-table__header-cell" : "utrecht-table__cell") +
        (numeriek.includes(i) ? " utrecht-table__cell--numeric-data" : "");
      tr.append(el(i === 0 ? "th" : "td", i === 0 ? { scope: "row", class: klasse }
        : { class: klasse }, cel));
    });
    romp.append(tr);
  }
  const t = el("table", { class: "utrecht-table utrecht-table--html-table" },
    el("caption", { class: "utrecht-table__caption" }, bijschrift),
    el("thead", { class: "utrecht-table__header" }, kop), romp);
  return el("div", { class: "utrecht-table-container tabel-omhulsel", role: "region",
    tabindex: "0", "aria-label": bijschrift }, t);
}

export function alinea(tekst, klasse) {
  return el("p", { class: "utrecht-paragraph" + (klasse ? ` ${klasse}` : "") }, tekst);
}

export function fout(doel, e) {
  doel.replaceChildren(el("div", { class: "utrecht-alert utrecht-alert--error", role: "alert" },
    el("p", { class: "utrecht-paragraph" }, e instanceof ApiFout ? e.message : String(e))));
}

// ---- figures and hidden cells ----
export function getal(v, eenheid) {
  const tekst = v.toLocaleString("nl-NL", { maximumFractionDigits: 1 });
  return eenheid === "%" ? `${tekst}%` : `${tekst}${eenheid || ""}`;
}

// {waarde: number} when the figure is shown, else {reden: text} (why it is not shown).
// `cel` may be undefined: no cell means no zaken in that periode (docs: a cell with n = 0
// may be absent).
// `lopend`: the periode is one the answer left out (`weggelaten_perioden`: publiek reads only
// periodes that have ended, docs/domain.md#small-numbers step 4), not one without zaken.
export function lees(cel, veld, lopend = false) {
  if (!cel && lopend) {
    return { reden: "lopende periode: zichtbaar zodra de periode voorbij is", soort: "lopend" };
  }
  if (!cel) return { reden: "geen zaken in deze periode", soort: "geen" };
  const verborgen = cel.verborgen && cel.verborgen[veld];
  if (verborgen) {
    return { reden: REDENEN[verborgen] || `verborgen (${verborgen})`, soort: verborgen };
  }
  const v = cel[veld];
  if (typeof v === "number") return { waarde: v };
  if (typeof v === "string") {
    return { reden: `${v}: kleine aantallen worden niet getoond`, soort: "primair" };
  }
  if (Object.entries(cel.verborgen || {}).length) {
    return { reden: REDENEN.afgeleid, soort: "afgeleid" };
  }
  if (state.rol === "publiek") {
    return { reden: `niet getoond: berekend uit minder dan ${state.drempel} zaken`,
      soort: "afgeleid" };
  }
  return { reden: "niet te berekenen", soort: "onbekend" };
}

// The short marks of a printed table, explained by KORT_UITLEG below it.
const KORT = { geen: "0", primair: "<5", complement: "x", secundair: "x", afgeleid: "·",
  onbekend: "—", lopend: "…" };
export const KORT_UITLEG = "<5: minder dan 5, niet getoond. x: verborgen omdat anders een " +
  "klein aantal terug te rekenen is. ·: niet getoond, berekend uit een verborgen aantal. " +
  "0: geen zaken. —: niet te berekenen. …: lopende periode, zichtbaar na afloop.";

// A figure in a compact table; `telling`: a count, which is 0 where the cell is absent (a
// share or statistic over no zaken has no value: —).
export function kort(gelezen, eenheid, telling = false) {
  if ("waarde" in gelezen) return getal(gelezen.waarde, eenheid);
  const teken = gelezen.soort === "geen" && !telling ? "—" : KORT[gelezen.soort] || "—";
  return el("span", { class: "verborgen", title: gelezen.reden }, teken);
}

// A figure as a node: the number, or a marked hidden figure with its reason.
export function toon(gelezen, eenheid) {
  if ("waarde" in gelezen) return getal(gelezen.waarde, eenheid);
  return el("span", { class: "verborgen" }, el("span", { "aria-hidden": "true" }, "— "),
    gelezen.reden);
}

export function aantal(cel, veld, lopend = false) {
  const g = lees(cel, veld, lopend);
  if (!cel && !lopend) return "0";
  return "waarde" in g ? g.waarde.toLocaleString("nl-NL") : toon(g, "");
}

// Whether the answer left this periode out (a running periode, for publiek).
export function lopend(antwoord, periode) {
  return (antwoord.weggelaten_perioden || []).includes(periode);
}

// The norm of a figure from the answer's `normen`, for a periode (valid_from respected).
export function normVan(antwoord, veld) {
  return (antwoord.normen || []).find((n) => n.figure === veld) || null;
}

export function normGeldt(norm, periode) {
  return !norm.valid_from || periodeEinde(periode) >= norm.valid_from;
}

export function normTekst(norm) {
  const vergelijking = { ">=": "ten minste", ">": "meer dan", "<=": "ten hoogste",
    "<": "minder dan", "==": "precies" }[norm.comparison] || norm.comparison;
  const eenheid = norm.unit === "%" ? "%" : ` ${norm.unit}`;
  return `${vergelijking} ${norm.value.toLocaleString("nl-NL")}${eenheid}`;
}

export function normGehaald(norm, waarde) {
  const v = norm.value;
  return { ">=": waarde >= v, ">": waarde > v, "<=": waarde <= v, "<": waarde < v,
    "==": waarde === v }[norm.comparison];
}

// ---- periodes ----
export function periodeTekst(p) {
  const [jaar, deel] = p.split("-");
  if (!deel) return `jaar ${jaar}`;
  if (deel.startsWith("H")) return `${deel === "H1" ? "1e" : "2e"} halfjaar ${jaar}`;
  return `${MAANDEN[Number(deel) - 1]} ${jaar}`;
}

export function periodeKort(p) {
  const [jaar, deel] = p.split("-");
  if (!deel) return jaar;
  if (deel.startsWith("H")) return `${deel} ${jaar}`;
  return `${MAANDEN[Number(deel) - 1].slice(0, 3)} ${jaar}`;
}

export function vorige(p) {
  const [jaar, deel] = p.split("-");
  const j = Number(jaar);
  if (!deel) return String(j - 1);
  if (deel === "H1") return `${j - 1}-H2`;
  if (deel === "H2") return `${j}-H1`;
  const m = Number(deel);
  return m === 1 ? `${j - 1}-12` : `${j}-${String(m - 1).padStart(2, "0")}`;
}

export function jaarEerder(p) {
  const [jaar, deel] = p.split("-");
  return deel ? `${Number(jaar) - 1}-${deel}` : String(Number(jaar) - 1);
}

export function periodeEinde(p) {
  const [jaar, deel] = p.split("-");
  if (!deel) return `${jaar}-12-31`;
  if (deel === "H1") return `${jaar}-06-30`;
  if (deel === "H2") return `${jaar}-12-31`;
  const laatste = new Date(Date.UTC(Number(jaar), Number(deel), 0)).getUTCDate();
  return `${jaar}-${deel}-${String(laatste).padStart(2, "0")}`;
}

// The `aantal` months up to and including the month of `dag` (YYYY-MM-DD), oldest first.
export function maandenTot(dag, aantal) {
  let [j, m] = dag.split("-").map(Number);
  const uit = [];
  for (let i = 0; i < aantal; i++) {
    uit.unshift(`${j}-${String(m).padStart(2, "0")}`);
    m -= 1;
    if (m === 0) { m = 12; j -= 1; }
  }
  return uit;
}

// The last half-year that has ended on `dag` (the default of Wijken naast elkaar: a
// half-year is what the raad and the STH reports compare).
export function vorigHalfjaar(dag) {
  const [jaar, maand] = dag.split("-").map(Number);
  return maand <= 6 ? `${jaar - 1}-H2` : `${jaar}-H1`;
}

export function vorigeMaand(dag) {
  return maandenTot(dag, 2)[0];
}

// ---- cells of one answer, by wet, wijk and periode ----
export function index(cells) {
  const uit = new Map();
  for (const c of cells) uit.set(`${c.wet}|${c.wijk}|${c.periode}`, c);
  return uit;
}

export function wettenIn(cells) {
  return Object.keys(WETTEN).filter((w) => cells.some((c) => c.wet === w));
}

export function wijkTekst(wijk) {
  if (!wijk || wijk === state.gemeente) return "gemeente Helmond";
  if (wijk === state.onbekend) return "onbekende wijk";
  return wijk;
}

// ---- the page frame: role, key, selection of wijk, live refresh ----
export async function laadBasis() {
  const a = await vraag(API.wijken, {}, {});
  Object.assign(state, { rol: a.rol, gemeente: a.gemeente, onbekend: a.onbekend,
    vandaag: a.vandaag, drempel: a.drempel, wijken: a.wijken.map((w) => w.naam) });
  const rol = $("rol");
  if (rol) {
    const beschermd = `aantallen onder ${a.drempel} en cijfers waaruit die terug te rekenen ` +
      "zijn worden niet getoond; de reden staat bij het cijfer";
    rol.textContent = a.rol === "publiek"
      ? `U leest als publiek: ${beschermd}. Een lopende periode is zichtbaar zodra die voorbij is.`
      : ["analist", "privacy-officer"].includes(a.rol)
        ? `U leest met de rol ${a.rol}: ook kleine aantallen zijn zichtbaar.`
        : a.rol === "vroegsignalering"
          ? `U leest met de rol vroegsignalering: kleine aantallen zijn zichtbaar bij de ` +
            `cijfers van vroegsignalering; bij de andere cijfers geldt: ${beschermd}.`
          : a.rol === "teamleider"
            ? "U leest met de rol teamleider: kleine aantallen zijn zichtbaar bij de cijfers " +
              `van uw eigen wijken; bij de andere wijken en de hele gemeente geldt: ${beschermd}.`
            : `U leest met de rol ${a.rol}: ${beschermd}.`; // beleid
  }
  return a;
}

export function vulWijken(select, metGemeente = true) {
  const gekozen = select.value;
  const opties = [];
  if (metGemeente) opties.push(el("option", { value: state.gemeente }, "Hele gemeente"));
  for (const w of state.wijken) {
    opties.push(el("option", { value: w },
      AANDACHTSWIJKEN.includes(w) ? `${w} (aandachtswijk)` : w));
  }
  select.replaceChildren(...opties);
  if (gekozen && [...select.options].some((o) => o.value === gekozen)) select.value = gekozen;
}

export function vulCijfers(select) {
  select.replaceChildren(...CIJFERS.map((c) => el("option", { value: c.id }, c.titel)));
}

export function cijfer(id) {
  return CIJFERS.find((c) => c.id === id) || CIJFERS[0];
}

// Sign-in (docs/signin.md): who is signed in, a link to sign in, a button to sign out. The
// session cookie goes with every same-origin API call by itself.
async function aanmelding() {
  const voet = document.querySelector("footer .utrecht-page-footer__content");
  if (!voet || $("aanmelding")) return;
  let sessie;
  try {
    const antwoord = await fetch("/auth/sessie", { headers: { Accept: "application/json" } });
    sessie = await antwoord.json();
  } catch (fout) {
    return;
  }
  if (!sessie.aanmelden_mogelijk) return;
  const blok = el("p", { id: "aanmelding", class: "utrecht-paragraph" });
  if (sessie.aangemeld) {
    const knop = el("button", { type: "button", id: "afmelden",
      class: "utrecht-button utrecht-button--secondary-action" }, "Afmelden");
    knop.addEventListener("click", async () => {
      // the session's token (docs/signin.md#csrf): a sign-out is a state-changing POST
      await fetch("/auth/afmelden", { method: "POST",
        headers: { "X-CSRF-Token": sessie.csrf || "" } }).catch(() => null);
      location.assign("/monitor/overzicht");
    });
    const wijken = sessie.wijken && sessie.wijken.length ? `, wijken ${sessie.wijken.join(", ")}` : "";
    blok.append(`Aangemeld als ${sessie.naam || "medewerker"} (rol ${sessie.rol}${wijken}). `, knop);
  } else {
    const terug = encodeURIComponent(location.pathname + location.search);
    blok.append(el("a", { href: `/auth/aanmelden?terug=${terug}`, id: "aanmelden",
      class: "utrecht-link" }, "Aanmelden als medewerker"),
      " (met het account van de gemeente; zonder aanmelding leest u als publiek).");
  }
  voet.prepend(blok);
}

export function sleutelFormulier(opnieuw) {
  aanmelding();
  const form = $("sleutel");
  if (!form) return;
  $("api-sleutel").value = sessionStorage.getItem(SLEUTEL) || "";
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const sleutel = $("api-sleutel").value.trim();
    if (sleutel) sessionStorage.setItem(SLEUTEL, sleutel);
    else sessionStorage.removeItem(SLEUTEL);
    if (herverbind) herverbind(); // the live stream reads with the new key too
    opnieuw();
  });
  $("sleutel-wissen").addEventListener("click", () => {
    sessionStorage.removeItem(SLEUTEL);
    $("api-sleutel").value = "";
    if (herverbind) herverbind();
    opnieuw();
  });
}

// Keeps the page's figures live over Server-Sent Events (GET /api/v1/live, its contract in
// services/reporting/live/routes.py): the server says which KPI's cells the worker changed,
// and the page reads that KPI again (only the figures it shows; disclosure control stays in
// the API). No polling timer. With the sign-in session (a same-origin cookie) or as publiek
// an EventSource; with a key a streaming fetch, because an EventSource sends no headers.
// On every (re)connect the page reads again: events missed while away are not replayed.
// window.wijkpulsLive tells the browser tests which way the changes came.
const live = { kanaal: null, verbonden: false, berichten: 0, cijfers: 0, stop: null };
window.wijkpulsLive = live;
let herverbind = null;

function wachtOpRust(bijwerken) {
  let gepland = null;
  let verborgenGemist = false;
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && verborgenGemist) {
      verborgenGemist = false;
      bijwerken();
    }
  });
  // Several KPIs may change in one look of the server: one read for all of them.
  return () => {
    if (document.hidden) {
      verborgenGemist = true;
      return;
    }
    if (gepland) return;
    gepland = setTimeout(() => {
      gepland = null;
      bijwerken();
    }, 200);
  };
}

function bericht(naam, data, lees, kpis) {
  live.berichten += 1;
  if (naam === "verbonden" || naam === "opnieuw") {
    live.verbonden = true;
    lees();
  } else if (naam === "cijfers") {
    let gegevens = {};
    try {
      gegevens = JSON.parse(data);
    } catch (e) {
      return;
    }
    if (!kpis || kpis.includes(gegevens.kpi)) {
      live.cijfers += 1;
      lees();
    }
  }
}

function viaEventSource(lees, kpis) {
  const bron = new EventSource(API.live);
  live.kanaal = "eventsource";
  for (const naam of ["verbonden", "cijfers", "opnieuw"]) {
    bron.addEventListener(naam, (e) => bericht(naam, e.data, lees, kpis));
  }
  let later = null;
  bron.onerror = () => {
    live.verbonden = false;
    // A dropped connection is retried by EventSource itself; an answer other than the stream
    // (503 when the server has its maximum of streams) closes it for good: try again later,
    // spread out so that many pages do not return at the same moment.
    if (bron.readyState === EventSource.CLOSED && !later) {
      later = setTimeout(() => verbindLive(lees, kpis), 5000 + Math.random() * 10000);
    }
  };
  return () => {
    clearTimeout(later);
    bron.close();
  };
}

function viaFetch(sleutel, lees, kpis) {
  const stop = new AbortController();
  live.kanaal = "fetch";
  (async () => {
    while (!stop.signal.aborted) {
      let wacht = 5000;
      try {
        const antwoord = await fetch(API.live, { signal: stop.signal, cache: "no-store",
          headers: { Accept: "text/event-stream", "X-API-Key": sleutel } });
        if (!antwoord.ok) {
          wacht = 1000 * (Number(antwoord.headers.get("Retry-After")) || 5);
          throw new ApiFout(antwoord.status, null);
        }
        const lezer = antwoord.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await lezer.read();
          if (done) break;
          buffer += value.replace(/\r\n?/g, "\n");
          let einde;
          while ((einde = buffer.indexOf("\n\n")) >= 0) {
            const blok = buffer.slice(0, einde);
            buffer = buffer.slice(einde + 2);
            let naam = "message";
            const data = [];
            for (const regel of blok.split("\n")) {
              if (regel.startsWith("event:")) naam = regel.slice(6).trim();
              else if (regel.startsWith("data:")) data.push(regel.slice(5).trimStart());
              else if (regel.startsWith("retry:")) wacht = Number(regel.slice(6)) || wacht;
            }
            if (data.length) bericht(naam, data.join("\n"), lees, kpis);
          }
        }
      } catch (e) {
        if (stop.signal.aborted) return;
      }
      live.verbonden = false;
      await new Promise((klaar) => { setTimeout(klaar, wacht); });
    }
  })();
  return () => stop.abort();
}

function verbindLive(lees, kpis) {
  if (live.stop) live.stop();
  const sleutel = sessionStorage.getItem(SLEUTEL);
  live.stop = sleutel ? viaFetch(sleutel, lees, kpis) : viaEventSource(lees, kpis);
}

// `kpis`: the KPIs the page shows (all when left out).
export function blijfBijwerken(bijwerken, kpis) {
  const lees = wachtOpRust(bijwerken);
  verbindLive(lees, kpis);
  herverbind = () => verbindLive(lees, kpis);
}

// The last change stays in the status until the next one: polling every few seconds would
// otherwise replace "veranderd" before anyone (or a screen reader) had read it.
let laatsteWijziging = "";

export function bijgewerkt(veranderd) {
  const status = $("live-status");
  if (!status) return;
  const tijd = new Date().toLocaleTimeString("nl-NL");
  if (veranderd) {
    laatsteWijziging = ` Laatste wijziging om ${tijd}: ${veranderd} ` +
      `${veranderd === 1 ? "cijfer" : "cijfers"} veranderd.`;
  }
  status.textContent = `Laatst bijgewerkt om ${tijd}.${laatsteWijziging}`;
}

export function melding(tekst) {
  const m = $("melding");
  m.hidden = !tekst;
  m.replaceChildren(tekst ? el("p", { class: "utrecht-paragraph" }, tekst) : "");
}

// Colours with at least 3:1 contrast on white and told apart by shape too (Chart.js point
// styles and dashes), so a line is never known by its colour alone.
export const KLEUREN = ["#0b5394", "#b45309", "#2f7d32", "#7b2d8e", "#a4000f"];
export const VORMEN = ["circle", "rect", "triangle", "rectRot", "crossRot"];

export function chartBeschikbaar() {
  if (typeof window.Chart === "function") {
    window.Chart.defaults.color = "#333"; // axis and legend text: 12.6:1 on white
    window.Chart.defaults.font.size = 13;
    return true;
  }
  melding("De grafiekbibliotheek is niet geladen (make bootstrap installeert de " +
    "front-end-pakketten); de tabellen tonen dezelfde cijfers.");
  return false;
}

// ---- the periode fields (soort, jaar, maand or halfjaar) ----
function vulDelen(gekozen) {
  const soort = $("periode-soort").value;
  const deel = $("periode-deel");
  $("periode-deel-veld").hidden = soort === "jaar";
  const opties = soort === "maand"
    ? MAANDEN.map((m, i) => [String(i + 1).padStart(2, "0"), m])
    : [["H1", "1e halfjaar (januari-juni)"], ["H2", "2e halfjaar (juli-december)"]];
  deel.replaceChildren(...opties.map(([v, t]) => el("option", { value: v }, t)));
  if (gekozen && opties.some(([v]) => v === gekozen)) deel.value = gekozen;
}

export function periodeVelden(standaard) {
  $("periode-soort").addEventListener("change", () => vulDelen());
  zetPeriode(standaard);
}

export function zetPeriode(p) {
  const [jaar, deel] = p.split("-");
  $("periode-jaar").value = jaar;
  $("periode-soort").value = !deel ? "jaar" : deel.startsWith("H") ? "halfjaar" : "maand";
  vulDelen(deel);
}

export function gekozenPeriode() {
  const soort = $("periode-soort").value;
  const jaar = $("periode-jaar").value;
  return soort === "jaar" ? jaar : `${jaar}-${$("periode-deel").value}`;
}

// The address keeps the selection (?wijk=...&periode=...), so a page can be bookmarked.
export function uitAdres(naam) {
  return new URLSearchParams(location.search).get(naam);
}

export function naarAdres(waarden) {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(waarden)) {
    if (v) q.set(k, v);
    else q.delete(k);
  }
  history.replaceState(null, "", `${location.pathname}?${q}`);
}

// The norm of a figure as a sentence; the configured source is English text, marked so.
export function zetNorm(doel, norm, extra) {
  if (!norm) {
    doel.replaceChildren("Voor dit cijfer is geen norm vastgesteld.");
    return;
  }
  doel.replaceChildren("Norm: ", el("strong", {}, normTekst(norm)), ". Bron: ",
    el("span", { lang: "en" }, norm.source),
    norm.valid_from ? ` (geldt vanaf ${norm.valid_from}).` : ".", extra || "");
}
