// Overzicht: every figure for the gemeente or a wijk and a periode, with its norm, the change
// against the previous periode and the same periode a year before, and why a figure is hidden.
import {
  $, API, CIJFERS, WETTEN, alinea, bijgewerkt, blijfBijwerken, el, fout, gekozenPeriode,
  getal, index, jaarEerder, laadBasis, lees, melding, naarAdres, normGehaald, normGeldt,
  normTekst, periodeKort, periodeTekst, periodeVelden, sleutelFormulier, state, tabel, toon,
  uitAdres, vorige, vorigeMaand, vraag, vulWijken, wettenIn, wijkTekst, aantal, lopend,
} from "./monitor.js";

const KPIS = [...new Set(CIJFERS.map((c) => c.kpi))];
let vorigeAntwoorden = null;
let vorigeWaarden = new Map();

async function haal(wijk) {
  const antwoorden = await Promise.all(KPIS.map((kpi) =>
    vraag(API.kpi, { kpi }, { wijk }).then((a) => [kpi, a], (e) => [kpi, e])));
  return Object.fromEntries(antwoorden);
}

function verschil(cijfer, nu, toen, wanneer) {
  if (!("waarde" in toen)) {
    return el("span", { class: "verborgen" }, `${wanneer}: ${toen.reden}`);
  }
  const was = `${wanneer}: ${getal(toen.waarde, cijfer.eenheid)}`;
  if (!("waarde" in nu)) return el("span", {}, was);
  const d = Math.round((nu.waarde - toen.waarde) * 10) / 10;
  const eenheid = cijfer.eenheid === "%" ? " procentpunt" : cijfer.eenheid;
  const teken = d > 0 ? "+" : d < 0 ? "−" : "±";
  const oordeel = d === 0 || !cijfer.beter ? ""
    : (d > 0) === (cijfer.beter === "hoger") ? "beter" : "slechter";
  return el("span", { class: `verschil ${oordeel}` },
    el("strong", {}, `${teken}${getal(Math.abs(d), eenheid)}`),
    oordeel ? ` (${oordeel})` : "", el("br"), el("span", { class: "was" }, was));
}

function normCel(norm, periode, gelezen, maatstaf) {
  if (!norm) return maatstaf ? "zie de maatstaf" : "geen norm";
  if (!normGeldt(norm, periode)) return `geldt vanaf ${norm.valid_from}`;
  if (!("waarde" in gelezen)) return el("span", { class: "verborgen" }, "niet te beoordelen");
  const gehaald = normGehaald(norm, gelezen.waarde);
  return el("span", { class: `oordeel ${gehaald ? "gehaald" : "niet-gehaald"}` },
    el("span", { "aria-hidden": "true" }, gehaald ? "✓ " : "✗ "),
    gehaald ? "gehaald" : "niet gehaald", ` (${normTekst(norm)})`);
}

function kaart(cijfer, antwoord, wijk, periode) {
  const kop = el("h2", { class: "utrecht-heading-2", id: `kaart-${cijfer.id}` }, cijfer.titel);
  const delen = [kop, alinea(cijfer.uitleg, "definitie")];
  if (antwoord instanceof Error) {
    const doel = el("div");
    fout(doel, antwoord);
    return el("section", { class: "kaart", "aria-labelledby": kop.id }, ...delen, doel);
  }
  const normen = antwoord.normen || [];
  const norm = normen.find((n) => n.figure === cijfer.veld) || null;
  // A norm on this figure, or one on a figure the pages do not show (the STH norm day is a
  // maatstaf of the definition); a norm on another shown figure belongs to that card.
  const getoond = CIJFERS.filter((c) => c.kpi === cijfer.kpi).map((c) => c.veld);
  const eigen = normen.filter((n) => n.figure === cijfer.veld || !getoond.includes(n.figure));
  for (const n of eigen) {
    delen.push(el("p", { class: "utrecht-paragraph norm" },
      n.figure === cijfer.veld ? "Norm: " : "Maatstaf in de definitie: ",
      el("strong", {}, normTekst(n)), ". Bron: ", el("span", { lang: "en" }, n.source),
      n.valid_from ? ` (geldt vanaf ${n.valid_from}).` : "."));
  }
  if (eigen.length === 0) delen.push(alinea("Voor dit cijfer is geen norm vastgesteld.", "norm"));
  const cellen = index(antwoord.cells);
  const wetten = wettenIn(antwoord.cells);
  if (wetten.length === 0) {
    delen.push(alinea("Nog niets geteld voor dit gebied.", "leeg"));
    return el("section", { class: "kaart", "aria-labelledby": kop.id }, ...delen);
  }
  const p1 = vorige(periode);
  const p2 = jaarEerder(periode);
  const rijen = wetten.map((wet) => {
    const cel = cellen.get(`${wet}|${wijk}|${periode}`);
    const nu = lees(cel, cijfer.veld, lopend(antwoord, periode));
    const sleutel = `${cijfer.id}|${wet}`;
    const waarde = el("span", { "data-sleutel": sleutel, class: "waarde" }, toon(nu, cijfer.eenheid));
    return [WETTEN[wet] || wet, waarde, normCel(norm, periode, nu, eigen.length > 0),
      verschil(cijfer, nu, lees(cellen.get(`${wet}|${wijk}|${p1}`), cijfer.veld,
        lopend(antwoord, p1)), periodeKort(p1)),
      verschil(cijfer, nu, lees(cellen.get(`${wet}|${wijk}|${p2}`), cijfer.veld,
        lopend(antwoord, p2)), periodeKort(p2)),
      el("span", { "data-sleutel": `${sleutel}|basis`, class: "waarde" },
        aantal(cel, cijfer.basis, lopend(antwoord, periode)))];
  });
  const basisNaam = { n: "Aantal zaken", households: "Huishoudens", zaken: "Signaalzaken" };
  delen.push(tabel(`${cijfer.titel}, ${wijkTekst(wijk)}, ${periodeTekst(periode)}`,
    ["Wet", "Cijfer", "Norm", "Ten opzichte van vorige periode", "Ten opzichte van een jaar eerder",
      basisNaam[cijfer.basis] || "Aantal"], rijen, { numeriek: [1, 5] }));
  return el("section", { class: "kaart", "aria-labelledby": kop.id }, ...delen);
}

function toonAlles(antwoorden, wijk, periode) {
  const focus = document.activeElement && document.activeElement.closest("#cijfers")
    ? document.activeElement.getAttribute("aria-label") : null;
  const kaarten = CIJFERS.map((c) => kaart(c, antwoorden[c.kpi], wijk, periode));
  $("cijfers").replaceChildren(...kaarten);
  let veranderd = 0;
  const nieuw = new Map();
  for (const node of $("cijfers").querySelectorAll("[data-sleutel]")) {
    const sleutel = node.getAttribute("data-sleutel");
    nieuw.set(sleutel, node.textContent);
    if (vorigeWaarden.has(sleutel) && vorigeWaarden.get(sleutel) !== node.textContent) {
      node.classList.add("veranderd");
      veranderd += 1;
    }
  }
  vorigeWaarden = nieuw;
  if (focus) {
    const terug = [...$("cijfers").querySelectorAll("[aria-label]")]
      .find((n) => n.getAttribute("aria-label") === focus);
    if (terug) terug.focus();
  }
  return veranderd;
}

async function toonSelectie({ live = false } = {}) {
  const wijk = $("wijk").value || state.gemeente;
  const periode = gekozenPeriode();
  if (!live) {
    naarAdres({ wijk: wijk === state.gemeente ? "" : wijk, periode });
    $("selectie-tekst").textContent = `${wijkTekst(wijk)}, ${periodeTekst(periode)}; ` +
      `vergeleken met ${periodeTekst(vorige(periode))} en ${periodeTekst(jaarEerder(periode))}.`;
    vorigeWaarden = new Map();
    vorigeAntwoorden = null;
    $("cijfers").setAttribute("aria-busy", "true");
  }
  try {
    const antwoorden = await haal(wijk);
    const vorm = JSON.stringify(antwoorden, (k, v) => (v instanceof Error ? v.message : v));
    if (live && vorm === vorigeAntwoorden) return bijgewerkt(0);
    vorigeAntwoorden = vorm;
    const veranderd = toonAlles(antwoorden, wijk, periode);
    bijgewerkt(live ? veranderd : 0);
    melding("");
  } catch (e) {
    fout($("cijfers"), e);
  } finally {
    $("cijfers").removeAttribute("aria-busy");
  }
}

async function start() {
  try {
    await laadBasis();
  } catch (e) {
    melding(e.message);
  }
  vulWijken($("wijk"));
  const wijk = uitAdres("wijk");
  if (wijk) $("wijk").value = wijk;
  periodeVelden(uitAdres("periode") || vorigeMaand(state.vandaag || new Date().toISOString()));
  $("selectie").addEventListener("submit", (e) => {
    e.preventDefault();
    toonSelectie();
  });
  sleutelFormulier(async () => {
    await laadBasis();
    toonSelectie();
  });
  await toonSelectie();
  blijfBijwerken(() => toonSelectie({ live: true }), KPIS);
}

start();
