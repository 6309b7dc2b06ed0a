// STH-halfjaarrapportage: every STH figure for a chosen half-year, per wijk, against the norm
// and the half-year before; printable (monitor.css @media print). The figures are the API's,
// disclosure control included.
import {
  $, AANDACHTSWIJKEN, API, CIJFERS, KORT_UITLEG, alinea, bijgewerkt, blijfBijwerken, el, fout,
  getal, index, kort, laadBasis, lees, melding, normGehaald, normGeldt, normTekst, periodeTekst,
  sleutelFormulier, state, tabel, uitAdres, vorigHalfjaar, vorige, vraag, naarAdres, lopend,
  haalBestand, wijkTekst,
} from "./monitor.js";

// The STH figures: the count, its numerator and the share of each STH KPI.
const STH = [
  { kpi: "sth-opgepakt", teller: "n_binnen_norm", n: "Hulpvragen",
    tellerNaam: "Binnen 10 werkdagen opgepakt" },
  { kpi: "sth-zonder-verwijzing", teller: "n_zonder", n: "Afgesloten trajecten",
    tellerNaam: "Zonder verwijzing" },
];
let vorigeVorm = null;
let gekozenUitgave = null;
// The figures of a report row compared with an issued report (GET .../uitgaven/{uitgave}).
const VELDEN = { n: "Aantal", teller: "Teller", pct: "Percentage",
  vorig_pct: "Percentage halfjaar ervoor", norm_gehaald: "Norm gehaald" };
const UITGEVEN_FOUT = {
  403: "Alleen beleid en analist geven een rapportage uit. Meld u aan met die rol.",
  409: "Dit halfjaar is nog niet voorbij; geef de rapportage uit na afloop van het halfjaar.",
  503: "De opslag van uitgegeven rapportages antwoordt niet; probeer het zo opnieuw.",
};

function halfjaren() {
  const [jaar] = state.vandaag.split("-").map(Number);
  const uit = [];
  for (let j = jaar; j >= jaar - 3; j--) uit.push(`${j}-H2`, `${j}-H1`);
  return uit.filter((p) => p <= vorigHalfjaar(state.vandaag) ||
    p === `${jaar}-${Number(state.vandaag.split("-")[1]) <= 6 ? "H1" : "H2"}`);
}

function sectie(def, antwoord, halfjaar) {
  const cijfer = CIJFERS.find((c) => c.kpi === def.kpi);
  const cellen = index(antwoord.cells);
  const norm = (antwoord.normen || []).find((n) => n.figure === "pct") || null;
  const maatstaf = (antwoord.normen || []).find((n) => n.figure !== "pct") || null;
  const vorig = vorige(halfjaar);
  const kop = el("h2", { class: "utrecht-heading-2", id: `sectie-${def.kpi}` }, cijfer.titel);
  const normZin = el("p", { class: "utrecht-paragraph norm" },
    norm ? ["Norm: ", el("strong", {}, normTekst(norm)), ". Bron: ",
      el("span", { lang: "en" }, norm.source),
      norm.valid_from ? ` (geldt vanaf ${norm.valid_from}).` : "."] : "Geen norm op het percentage.",
    maatstaf ? [" Maatstaf in de definitie: ", el("strong", {}, normTekst(maatstaf)), "."] : "");
  const wijken = [...state.wijken, state.onbekend, state.gemeente];
  const rijen = wijken.map((wijk) => {
    const cel = cellen.get(`sth|${wijk}|${halfjaar}`);
    const weg = lopend(antwoord, halfjaar);
    const nu = lees(cel, "pct", weg);
    const toen = lees(cellen.get(`sth|${wijk}|${vorig}`), "pct", lopend(antwoord, vorig));
    const verschil = "waarde" in nu && "waarde" in toen
      ? `${nu.waarde - toen.waarde >= 0 ? "+" : "−"}${getal(Math.abs(
        Math.round((nu.waarde - toen.waarde) * 10) / 10), " procentpunt")}` : "—";
    const oordeel = !norm || !normGeldt(norm, halfjaar) ? "—"
      : !("waarde" in nu) ? "niet te beoordelen"
        : normGehaald(norm, nu.waarde) ? "✓ gehaald" : "✗ niet gehaald";
    const naam = wijk === state.gemeente ? "Hele gemeente"
      : wijk === state.onbekend ? "Onbekende wijk"
        : AANDACHTSWIJKEN.includes(wijk) ? `◆ ${wijk}` : wijk;
    return [naam, kort(lees(cel, "n", weg), "", true), kort(lees(cel, def.teller, weg), "", true),
      kort(nu, "%"),
      kort(toen, "%"), verschil, oordeel];
  });
  return el("section", { class: "rapport-sectie", "aria-labelledby": kop.id }, kop,
    alinea(cijfer.uitleg, "definitie"), normZin,
    tabel(`${cijfer.titel} per wijk, ${periodeTekst(halfjaar)}`,
      ["Wijk", def.n, def.tellerNaam, "Percentage", `${periodeTekst(vorig)}`,
        "Verschil", "Norm"], rijen, {
        numeriek: [1, 2, 3, 4, 5],
        rijKlasse: (rij) => (String(rij[0]).startsWith("◆") ? "aandacht"
          : rij[0] === "Hele gemeente" ? "totaal" : ""),
      }), alinea(KORT_UITLEG, "uitleg"));
}

async function toonRapport({ live = false } = {}) {
  const halfjaar = $("halfjaar").value;
  if (!live) naarAdres({ halfjaar });
  try {
    const antwoorden = await Promise.all(STH.map((def) =>
      vraag(API.kpi, { kpi: def.kpi }, { wet: "sth" })));
    const vorm = JSON.stringify([halfjaar, antwoorden]);
    if (live && vorm === vorigeVorm) return bijgewerkt(0);
    vorigeVorm = vorm;
    const peildatum = antwoorden[0].peildatum;
    $("verantwoording").replaceChildren(`${periodeTekst(halfjaar)}, alle wijken van Helmond. `,
      `Peildatum ${peildatum}: gebeurtenissen tot en met die dag tellen mee; een latere `,
      "melding kan een afgesloten halfjaar nog veranderen. Definities: ",
      antwoorden.map((a) => a.definitie).join(", "), `. Opgesteld op ${
        new Date().toLocaleString("nl-NL")}.`);
    $("rapport").replaceChildren(...STH.map((def, i) => sectie(def, antwoorden[i], halfjaar)),
      alinea("◆ = aandachtswijk (Koers sociaal domein 2024-2028). Aantallen onder 5 en " +
        "cijfers die daaruit volgen worden niet getoond; de reden staat bij het cijfer.",
      "uitleg"));
    bijgewerkt(0);
  } catch (e) {
    fout($("rapport"), e);
  }
  await toonUitgaven(); // the figures moved (or another half-year): compare again
}

function tijdstip(iso) {
  return new Date(iso).toLocaleString("nl-NL", { dateStyle: "long", timeStyle: "short" });
}

function waardeTekst(veld, waarde) {
  if (waarde === null || waarde === undefined || waarde === "") return "— (geen)";
  if (typeof waarde === "string") return veld === "norm_gehaald" ? waarde : `${waarde} (verborgen)`;
  return getal(waarde, veld.endsWith("pct") ? "%" : "");
}

// What changed since an issue: the API compares the issued rows with the live figures read
// the same way (publiek, today's peildatum), so a difference is a real change.
async function toonVerschil(halfjaar, id) {
  gekozenUitgave = id;
  const u = await vraag(API.uitgave, { halfjaar, uitgave: id }, {});
  const wanneer = tijdstip(u.uitgegeven_op);
  const kop = el("h3", { class: "utrecht-heading-3", id: "verschil-kop", tabindex: "-1" },
    `Veranderd sinds de uitgifte van ${wanneer}`);
  const inhoud = !u.wijzigingen.length
    ? alinea("Geen cijfer is veranderd sinds de uitgifte: de rapportage geldt nog zoals " +
      "uitgegeven.", "geen-wijziging")
    : tabel(`Cijfers die sinds de uitgifte van ${wanneer} (peildatum ${u.peildatum}) zijn ` +
      `veranderd, vergeleken met peildatum ${u.vergeleken_met.peildatum}`,
    ["Cijfer", "Wijk", "Onderdeel", "Bij uitgifte", "Nu"],
    u.wijzigingen.map((w) => [
      (CIJFERS.find((c) => c.kpi === w.kpi) || { titel: w.kpi }).titel, wijkTekst(w.wijk),
      VELDEN[w.veld] || w.veld, waardeTekst(w.veld, w.uitgegeven), waardeTekst(w.veld, w.nu),
    ]), { numeriek: [3, 4] });
  $("uitgave-verschil").replaceChildren(el("section", { "aria-labelledby": kop.id }, kop,
    inhoud));
}

async function toonUitgaven() {
  const halfjaar = $("halfjaar").value;
  $("uitgeven-regel").hidden = !["beleid", "analist"].includes(state.rol);
  try {
    const lijst = await vraag(API.uitgaven, { halfjaar }, {});
    if (!lijst.uitgaven.length) {
      $("uitgaven-lijst").replaceChildren(alinea(
        `Van ${periodeTekst(halfjaar)} is nog geen rapportage uitgegeven.`));
      $("uitgave-verschil").replaceChildren();
      return;
    }
    $("uitgaven-lijst").replaceChildren(tabel(
      `Uitgegeven rapportages van ${periodeTekst(halfjaar)}, nieuwste eerst`,
      ["Uitgegeven op", "Peildatum", "Uitgegeven door", "Vergelijken"],
      lijst.uitgaven.map((u) => {
        const knop = el("button", { class: "utrecht-button utrecht-button--subtle",
          type: "button", "aria-label": `Toon wat veranderde sinds ${tijdstip(u.uitgegeven_op)}` },
        "Toon wat veranderde");
        knop.addEventListener("click", () => toonVerschil(halfjaar, u.id).then(() => {
          naarAdres({ uitgave: u.id });
          $("verschil-kop").focus?.();
        }, (e) => fout($("uitgave-verschil"), e)));
        return [tijdstip(u.uitgegeven_op), u.peildatum, `rol ${u.uitgegeven_door_rol}`, knop];
      })));
    const id = lijst.uitgaven.some((u) => u.id === gekozenUitgave) ? gekozenUitgave
      : lijst.uitgaven[0].id;
    await toonVerschil(halfjaar, id);
  } catch (e) {
    fout($("uitgaven-lijst"), e);
  }
}

async function geefUit() {
  const halfjaar = $("halfjaar").value;
  $("uitgave-status").textContent = "";
  try {
    const u = await vraag(API.uitgaven, { halfjaar }, {}, { methode: "POST" });
    gekozenUitgave = u.id;
    naarAdres({ uitgave: u.id });
    $("uitgave-status").textContent = `De rapportage van ${periodeTekst(halfjaar)} is ` +
      `uitgegeven op ${tijdstip(u.uitgegeven_op)} (peildatum ${u.peildatum}) en blijft zo bewaard.`;
    await toonUitgaven();
  } catch (e) {
    $("uitgave-status").textContent = UITGEVEN_FOUT[e.status] || e.message;
  }
}

// The report as the server makes it (GET /api/v1/rapport/sth/{halfjaar}): the same figures
// in PDF, CSV or XLSX. Fetched with the caller's key or session, then saved from a blob, so a
// key in the footer form counts for the download too.
async function download(formaat) {
  const halfjaar = $("halfjaar").value;
  melding("");
  try {
    const antwoord = await haalBestand(API.rapport, { halfjaar }, { format: formaat });
    const link = el("a", { href: URL.createObjectURL(antwoord), download:
      `sth-halfjaar-${halfjaar}.${formaat}` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  } catch (e) {
    melding(e.message);
  }
}

async function start() {
  try {
    await laadBasis();
  } catch (e) {
    melding(e.message);
  }
  if (!state.vandaag) state.vandaag = new Date().toISOString().slice(0, 10);
  $("halfjaar").replaceChildren(...halfjaren().map((p) =>
    el("option", { value: p }, periodeTekst(p))));
  $("halfjaar").value = uitAdres("halfjaar") || vorigHalfjaar(state.vandaag);
  gekozenUitgave = uitAdres("uitgave");
  $("selectie").addEventListener("submit", (e) => {
    e.preventDefault();
    gekozenUitgave = null;
    naarAdres({ uitgave: null });
    toonRapport();
  });
  $("uitgeven").addEventListener("click", geefUit);
  $("afdrukken").addEventListener("click", () => window.print());
  for (const knop of document.querySelectorAll("#downloads [data-formaat]")) {
    knop.addEventListener("click", () => download(knop.getAttribute("data-formaat")));
  }
  sleutelFormulier(async () => {
    await laadBasis();
    toonRapport();
  });
  await toonRapport();
  blijfBijwerken(() => toonRapport({ live: true }), ["sth-opgepakt", "sth-zonder-verwijzing"]);
}

start();
