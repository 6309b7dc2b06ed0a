// Teamleider: the zaken of the team lead's wijken over the legal term per clock, longest over
// first, and those near it (running, in the clock's warning window), soonest due first, both
// paged as the API pages them (limit and cursor), each with a link to its termijnen;
// below, the recent alerts of its wijken (a warning before the term runs out, a term passed,
// one ended late). Live without a reload over Server-Sent Events (GET /api/v1/live with the
// session cookie): the stream sends a team lead the new alerts of its own wijken
// (services/reporting/live/routes.py alert_filter), and on each one, and on every
// (re)connect, the page reads both lists again. Open over termijn itself is not on the stream
// (it moves with the day): a term that passes comes as an alert. Without EventSource, or when
// the server refuses the stream, the page asks again every 15 seconds.
// window.wijkpulsTeamleider tells the browser test how.
import {
  $, ApiFout, WETTEN, alinea, fout, sleutelFormulier, tabel, vraag,
} from "./monitor.js";
import { datum, klok, opsomming, teamleider, zaakLink } from "./teamleider-toegang.js";

const API_TL = {
  over: "/api/v1/open-over-termijn",
  bijna: "/api/v1/bijna-over-termijn",
  alerts: "/api/v1/alerts",
  live: "/api/v1/live",
};
const live = { kanaal: null, verbonden: 0, meldingen: 0 };
window.wijkpulsTeamleider = live;
const SOORTEN = {
  "alert.waarschuwing": "Waarschuwing: termijn loopt bijna af",
  "alert.termijn-overschreden": "Termijn overschreden",
  "alert.opgelost-na-termijn": "Na de termijn afgerond",
};
const gevraagd = Number(new URLSearchParams(location.search).get("per"));
const PER = gevraagd >= 1 && gevraagd <= 100 ? gevraagd : 25;
let vorige = "";
let nieuw = ""; // the last time new alerts came: kept until the next, so it can be read

// Paging through one list with the API's cursor: the cursor of each page seen so far (the
// last is this page's), the Vorige/Volgende buttons and the "Zaak a tot en met b van n" line
// whose ids start with `voorvoegsel`.
class Bladeren {
  constructor(voorvoegsel, opnieuw) {
    this.cursors = [null];
    this.id = (naam) => $(`${voorvoegsel}${naam}`);
    this.id("volgende").addEventListener("click", () => {
      this.cursors.push(this.id("volgende").dataset.cursor);
      opnieuw();
    });
    this.id("vorige").addEventListener("click", () => {
      this.cursors.pop();
      opnieuw();
    });
  }

  get cursor() { return this.cursors[this.cursors.length - 1]; }

  toon(antwoord) {
    const href = antwoord._links && antwoord._links.next && antwoord._links.next.href;
    const volgende = href ? new URL(href, location.origin).searchParams.get("cursor") : null;
    this.id("volgende").hidden = !volgende;
    this.id("volgende").dataset.cursor = volgende || "";
    this.id("vorige").hidden = this.cursors.length < 2;
    const eerste = (this.cursors.length - 1) * PER + 1;
    const laatste = Math.min(eerste + PER - 1, antwoord.total || 0);
    this.id("blad").textContent = antwoord.total
      ? `Zaak ${eerste} tot en met ${laatste} van ${antwoord.total}.` : "";
  }
}
let overBladeren = null;
let bijnaBladeren = null;

// Only the newest request of a list is shown. A live update and a click on "Volgende zaken"
// can overlap; the older answer (the previous page) arriving last would otherwise replace the
// rows while the line below already names the new page.
const verzoeken = { over: 0, bijna: 0, meldingen: 0 };
function nieuwste(lijst) {
  const nummer = ++verzoeken[lijst];
  return () => nummer === verzoeken[lijst];
}

async function toonOver() {
  const doel = $("over");
  const actueel = nieuwste("over");
  const antwoord = await vraag(API_TL.over, {}, { limit: PER, cursor: overBladeren.cursor });
  if (!actueel()) return;
  const blokken = [];
  for (const c of antwoord.clocks) {
    if (!c.zaken || !c.zaken.length) continue;
    const rijen = c.zaken.map((z) => [zaakLink(z.zaak_id), WETTEN[z.wet] || z.wet, z.wijk,
      datum(z.due), String(z.days_over)]);
    blokken.push(tabel(`${klok(c.clock)}: ${c.n} ${c.n === 1 ? "zaak" : "zaken"} over de termijn`,
      ["Zaak", "Wet", "Wijk", "Termijn liep af op", "Dagen over"], rijen, { numeriek: [4] }));
  }
  if (!blokken.length) {
    blokken.push(alinea("Geen zaken van uw wijken over de termijn.", "leeg"));
  }
  doel.replaceChildren(...blokken);
  overBladeren.toon(antwoord);
}

// Near the term: one table per clock, soonest due first (the API's order within a clock).
async function toonBijna() {
  const actueel = nieuwste("bijna");
  const antwoord = await vraag(API_TL.bijna, {}, { limit: PER, cursor: bijnaBladeren.cursor });
  if (!actueel()) return;
  const perKlok = new Map();
  for (const z of antwoord.zaken) {
    if (!perKlok.has(z.clock)) perKlok.set(z.clock, []);
    perKlok.get(z.clock).push([zaakLink(z.zaak_id), WETTEN[z.wet] || z.wet, z.wijk,
      datum(z.due), z.days_left === 0 ? "vandaag" : String(z.days_left),
      z.opgeschort ? "opgeschort" : "loopt"]);
  }
  const blokken = [...perKlok].map(([id, rijen]) => tabel(`${klok(id)}: bijna over de termijn`,
    ["Zaak", "Wet", "Wijk", "Termijn loopt af op", "Dagen te gaan", "Stand"], rijen,
    { numeriek: [4] }));
  $("bijna").replaceChildren(...(blokken.length ? blokken
    : [alinea("Geen zaken van uw wijken bijna over de termijn.", "leeg")]));
  bijnaBladeren.toon(antwoord);
}

async function toonMeldingen() {
  const actueel = nieuwste("meldingen");
  const antwoord = await vraag(API_TL.alerts, {}, { limit: 20 });
  if (!actueel()) return vorige;
  const rijen = antwoord.alerts.map((a) => [zaakLink(a.zaak_id), SOORTEN[a.type] || a.type,
    klok(a.clock), a.wijk, datum(a.due), datum(a.datum)]);
  $("meldingen").replaceChildren(rijen.length
    ? tabel("Meldingen in uw wijken, de nieuwste eerst",
      ["Zaak", "Melding", "Termijn", "Wijk", "Termijn loopt af op", "Datum melding"], rijen)
    : alinea("Geen meldingen in uw wijken.", "leeg"));
  return antwoord.alerts.map((a) => `${a.alert_id}@${a.datum}`).join(",");
}

async function bijwerken() {
  try {
    const [, , meldingen] = await Promise.all([toonOver(), toonBijna(), toonMeldingen()]);
    const tijd = new Date().toLocaleTimeString("nl-NL");
    if (vorige && meldingen !== vorige) nieuw = ` Nieuwe meldingen om ${tijd}.`;
    vorige = meldingen;
    $("live-status").textContent = `Bijgewerkt om ${tijd}.${nieuw}`;
  } catch (e) {
    if (e instanceof ApiFout && (e.status === 401 || e.status === 403)) {
      location.reload(); // the session ended or changed: the page says what to do
      return;
    }
    fout($("over"), e);
  }
}

async function start() {
  sleutelFormulier(bijwerken);
  const persoon = await teamleider();
  if (!persoon) return;
  $("wie").textContent = `${persoon.naam || "Teamleider"}, dit zijn de zaken van ` +
    `${opsomming(persoon.wijken)} die over de wettelijke termijn zijn (de langste ` +
    "overschrijding eerst) of er bijna aan toe zijn, per termijn, en de meldingen van uw wijken.";
  $("werk").hidden = false;
  overBladeren = new Bladeren("", bijwerken);
  bijnaBladeren = new Bladeren("bijna-", bijwerken);
  await bijwerken();
  blijfLive();
}

// Several alerts in one look of the server: one read for all of them.
let gepland = null;
function leesOpnieuw() {
  if (gepland) return;
  gepland = setTimeout(() => {
    gepland = null;
    bijwerken();
  }, 200);
}

function vraagElke15Seconden() {
  live.kanaal = "vragen";
  setInterval(() => { if (!document.hidden) bijwerken(); }, 15_000);
}

function blijfLive() {
  if (typeof EventSource !== "function") {
    vraagElke15Seconden();
    return;
  }
  live.kanaal = "eventsource";
  const bron = new EventSource(API_TL.live);
  // A stream the server refused (503 when it has its maximum of streams) is not retried by
  // the browser: then the page asks every 15 seconds instead.
  bron.onerror = () => {
    if (bron.readyState === EventSource.CLOSED && live.kanaal === "eventsource") {
      vraagElke15Seconden();
    }
  };
  // nothing is replayed after a reconnect: read again then
  bron.addEventListener("verbonden", () => {
    live.verbonden += 1;
    leesOpnieuw();
  });
  bron.addEventListener("opnieuw", leesOpnieuw);
  bron.addEventListener("alert", () => {
    live.meldingen += 1;
    leesOpnieuw();
  });
}

start();
