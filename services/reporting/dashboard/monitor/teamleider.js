// Teamleider: the zaken of the team lead's wijken over the legal term per clock, longest over
// first, paged as the API pages them (limit and cursor), each with a link to its termijnen;
// below, the recent alerts of its wijken (a warning before the term runs out, a term passed,
// one ended late). Live without a reload over Server-Sent Events (GET /api/v1/live with the
// session cookie): the stream sends a team lead the new alerts of its own wijken
// (services/reporting/live/routes.py alert_filter), and on each one, and on every
// (re)connect, the page reads both lists again. Open over termijn itself is not on the stream
// (it moves with the day): a term that passes comes as an alert. Without EventSource the
// page asks again every 15 seconds. window.wijkpulsTeamleider tells the browser test how.
import {
  $, ApiFout, WETTEN, alinea, bijgewerkt, fout, sleutelFormulier, tabel, vraag,
} from "./monitor.js";
import { datum, klok, opsomming, teamleider, zaakLink } from "./teamleider-toegang.js";

const API_TL = {
  over: "/api/v1/open-over-termijn",
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
const cursors = [null]; // the cursor of each page seen so far; the last is this page's
let vorige = "";

function cursorVan(antwoord) {
  const href = antwoord._links && antwoord._links.next && antwoord._links.next.href;
  return href ? new URL(href, location.origin).searchParams.get("cursor") : null;
}

async function toonOver() {
  const doel = $("over");
  const cursor = cursors[cursors.length - 1];
  const antwoord = await vraag(API_TL.over, {}, { limit: PER, cursor });
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
  const volgende = cursorVan(antwoord);
  $("volgende").hidden = !volgende;
  $("volgende").dataset.cursor = volgende || "";
  $("vorige").hidden = cursors.length < 2;
  const eerste = (cursors.length - 1) * PER + 1;
  const laatste = Math.min(eerste + PER - 1, antwoord.total || 0);
  $("blad").textContent = antwoord.total
    ? `Zaak ${eerste} tot en met ${laatste} van ${antwoord.total}.` : "";
  return antwoord.total || 0;
}

async function toonMeldingen() {
  const antwoord = await vraag(API_TL.alerts, {}, { limit: 20 });
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
    const [, meldingen] = await Promise.all([toonOver(), toonMeldingen()]);
    const veranderd = vorige && meldingen !== vorige ? 1 : 0;
    vorige = meldingen;
    bijgewerkt(veranderd);
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
    `${opsomming(persoon.wijken)} die over de wettelijke termijn zijn, per termijn, de ` +
    "langste overschrijding eerst, en de meldingen van uw wijken.";
  $("werk").hidden = false;
  $("volgende").addEventListener("click", () => {
    cursors.push($("volgende").dataset.cursor);
    bijwerken();
  });
  $("vorige").addEventListener("click", () => {
    cursors.pop();
    bijwerken();
  });
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

function blijfLive() {
  if (typeof EventSource !== "function") {
    live.kanaal = "vragen";
    setInterval(() => { if (!document.hidden) bijwerken(); }, 15_000);
    return;
  }
  live.kanaal = "eventsource";
  const bron = new EventSource(API_TL.live);
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
